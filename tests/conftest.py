from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


@pytest.fixture
def data() -> Path:
    return DATA


def read(path: Path) -> str:
    from research_kit._io import read_text

    return read_text(path)[0]
