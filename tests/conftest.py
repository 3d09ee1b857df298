"""Fixtures shared by the tests. Constants and builders live in tests/helpers.py."""

from pathlib import Path

import pytest

# ROOT is re-exported only for the test files that still import it from here; import from
# tests.helpers instead (tests/test_architecture.py lists the files that do not yet).
from tests.helpers import DATA, ROOT  # noqa: F401


@pytest.fixture
def data() -> Path:
    """The folder of small input files, ``tests/data``."""
    return DATA
