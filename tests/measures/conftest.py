"""Measures switched on for the tests' small world, and a helper to complete one."""

import pytest

from tests.fixtures.measures import switch_on


@pytest.fixture
def on(w):
    """SWEMWBS and PHQ-9 switched on for Riverside."""
    return {"swemwbs": switch_on(w.org, "swemwbs"), "phq9": switch_on(w.org, "phq9")}
