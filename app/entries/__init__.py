"""The entry log: recording entries idempotently, and the queries every screen shares."""
