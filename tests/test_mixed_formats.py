"""One folder mixing every transcript format: the same three turns, read alike from each.

``tests/data/mixed`` holds one tiny meeting written in every format the readers know, as
each tool writes it: Hélène (0–60 s) "Bonjour à tous, on commence." (5 words), Karim
(60–150 s) "Merci Hélène pour votre invitation." (5 words), Hélène (150–240 s) "Alors
parlons du parc." (4 words). Whisper's diarisation names them SPEAKER_00 and SPEAKER_01;
TEI, the text verbatim, IRaMuTeQ and Word carry no times. So every format gives 3 turns,
14 words and 2 speakers, and the folder 4 distinct speakers.
"""

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from research_kit.cli import main
from research_kit.project import read_corpus
from research_kit.summary import summary

DATA = Path(__file__).parent / "data" / "mixed"
TURNS = [("Hélène", "Bonjour à tous, on commence.", 0.0, 60.0),
         ("Karim", "Merci Hélène pour votre invitation.", 60.0, 150.0),
         ("Hélène", "Alors parlons du parc.", 150.0, 240.0)]
TIMED = {"chat", "conllu", "csv", "eaf", "srt", "textgrid", "trs", "vtt", "whisper"}
UNTIMED = {"docx", "iramuteq", "tei", "txt"}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    from docx import Document

    root = tmp_path_factory.mktemp("mixed") / "corpus"
    shutil.copytree(DATA, root)
    word = Document()
    for speaker, text, _, _ in TURNS:
        word.add_paragraph(f"{speaker} : {text}")
    word.save(root / "compte-rendu.docx")
    return root


def test_every_format_gives_the_same_turns(folder):
    corpus = read_corpus(folder)
    assert set(corpus.documents["format"]) == TIMED | UNTIMED
    whisper = {"SPEAKER_00": "Hélène", "SPEAKER_01": "Karim"}
    for doc_id, turns in corpus.turns.groupby("doc_id"):
        fmt = corpus.documents.set_index("doc_id").loc[doc_id, "format"]
        speakers = [whisper.get(s, s) for s in turns["speaker"]]
        texts = [" ".join(t.split()) for t in turns["text"]]
        assert speakers == [s for s, _, _, _ in TURNS], fmt
        # CHAT writes the utterance in lower case, as CLAN transcribers do
        assert [t.casefold() for t in texts] == [t.casefold() for _, t, _, _ in TURNS], fmt
        if fmt in TIMED:
            assert turns["start_s"].tolist() == [a for _, _, a, _ in TURNS], fmt
            assert turns["end_s"].tolist() == [b for _, _, _, b in TURNS], fmt
        else:
            assert turns["start_s"].isna().all(), fmt


def test_summary_by_format(folder):
    corpus = read_corpus(folder)
    table = summary(corpus, by="format").set_index("format")
    formats = sorted(TIMED | UNTIMED)
    assert table.index.tolist() == formats + ["all"]
    mine = table.loc[formats]
    assert (mine["documents"] == 1).all() and (mine["turns"] == 3).all() and (mine["words"] == 14).all()
    assert (mine["speakers"] == 2).all()
    assert mine.loc[sorted(TIMED), "duration"].eq("4 min").all()
    assert mine.loc[sorted(UNTIMED), "duration"].eq("").all() and mine.loc[sorted(UNTIMED), "timed"].eq(0).all()
    everything = table.loc["all"]
    assert everything["documents"] == 13 and everything["turns"] == 39 and everything["words"] == 13 * 14
    assert everything["speakers"] == 4  # Hélène, Karim, SPEAKER_00, SPEAKER_01
    assert everything["timed"] == len(TIMED) and everything["duration"] == f"{4 * len(TIMED)} min"
    # the Transcriber laughter and the CHAT comment
    assert everything["events"] == 2
    assert sorted(corpus.events["kind"]) == ["comment", "laughter"]


def test_summary_command_prints_formats_and_layouts(folder):
    result = CliRunner().invoke(main, ["summary", str(folder)])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split() for line in result.output.splitlines() if line.strip()}
    for fmt in TIMED:
        # format, documents, speakers, roles, turns, words, events, timed, duration ("4 min")
        assert lines[fmt][1] == "1" and lines[fmt][2] == "2" and lines[fmt][4] == "3" and lines[fmt][5] == "14"
        assert lines[fmt][-2:] == ["4", "min"]
    assert "verbatim.txt: speaker-line" in result.output


def test_reading_writes_nothing(folder):
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}
    read_corpus(folder)
    CliRunner().invoke(main, ["summary", str(folder)])
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
             if ".research_kit" not in p.parts}
    assert after == {p: h for p, h in before.items() if ".research_kit" not in p.parts}
