"""Trust: isolation, roles, audit, GDPR rights, sessions, backups, nothing lost."""
