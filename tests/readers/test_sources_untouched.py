"""Reading never modifies a source file: every test file of every format, good or bad."""

import os
from pathlib import Path

import pytest

from research_kit.corpus import READERS, read_transcript
from research_kit.errors import ResearchKitError

DATA = Path(__file__).parent.parent / "data"
FILES = sorted(p for p in DATA.rglob("*") if p.is_file() and p.suffix.lower() in READERS
               and ".research_kit" not in p.parts)


def test_every_format_has_test_files():
    formats = {READERS[p.suffix.lower()] for p in FILES}
    assert formats >= {"txt", "md", "vtt", "srt", "docx", "csv", "textgrid", "trs", "eaf", "chat", "tei",
                       "conllu", "whisper"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(DATA).as_posix())
def test_reading_leaves_the_file_as_it_was(path):
    before = (path.read_bytes(), os.stat(path).st_mtime_ns, sorted(os.listdir(path.parent)))
    try:
        read_transcript(path, errors="collect")
    except (ResearchKitError, ValueError, KeyError):
        pass  # a bad file may be refused; it must still be left alone
    assert (path.read_bytes(), os.stat(path).st_mtime_ns, sorted(os.listdir(path.parent))) == before
