"""Hostile encodings: one file, one encoding decision, mended where it must be and said; names found whatever hides them.

The files under tests/data/hostile/encodings are made as the tools that make them would
(see each test); every name in them is invented. A transcript that mixes UTF-8 and
Windows-1252 must give the right names (a name that reads ``HÃ©lÃ¨ne`` escapes the
names list, then the pseudonymisation, then the brief) and an ``RK-R08`` warning naming
the lines; :func:`research_kit.anonymise.leaks` must find a name in an output however it
is written there (mojibake, entities, soft hyphens, split across lines or Word runs).
"""

from __future__ import annotations

import codecs
import re
import shutil
import unicodedata
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research_kit._io import Decoding, decode, decode_report, read_text, read_text_report
from research_kit.anonymise import leaks, pseudonymise
from research_kit.corpus import read_transcript
from research_kit.errors import InputFileError, ResearchKitWarning
from research_kit.project import read_corpus
from tests.helpers import DATA

HOSTILE = DATA / "hostile" / "encodings"
EXPECTED = "Médiatrice : Ça va? L’équipe est épuisée… «Faque» on arrête.\nRésident : Oui, c’est ça.\n"


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def present(needle: str, haystack: str) -> bool:
    """Whole-word, case- and accent-insensitive; independent of the code under test."""
    return re.search(r"(?<!\w)" + re.escape(fold(needle)) + r"(?!\w)", fold(haystack)) is not None


def encoding_warnings(record: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in record
            if isinstance(w.message, ResearchKitWarning) and w.message.code == "RK-R08"]


def read_warned(path: Path) -> tuple[str, list[str]]:
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        text, _ = read_text(path, shown=path.name)
    return text, encoding_warnings(record)


# ---------------------------------------------------------------------------
# one file, one decision, mended per line and said


def test_a_word_paste_in_a_utf8_transcript_keeps_the_names_and_names_its_line():
    # mixed-word-paste.txt: UTF-8 with CRLF; line 4 was pasted from Word and holds
    # Windows-1252 bytes (0x92 apostrophe, 0x9c œ, 0x85 ellipsis, 0xe9/0xe8 accents)
    text, said = read_warned(HOSTILE / "mixed-word-paste.txt")
    lines = text.split("\n")
    assert lines[3] == "Hélène Bérubé : C’est le cœur du problème… personne ne répond."
    assert lines[1].startswith("Hélène Bérubé : Oui. Ça fait") and "Benoît Lafleur" in lines[2]
    assert "Ã" not in text and "\ufffd" not in text
    assert len(said) == 1
    assert said[0].startswith("[RK-R08] mixed-word-paste.txt: line 4 holds Windows-1252")
    assert "re-save the file as UTF-8" in said[0]
    assert "Hélène" not in said[0]  # lines are named, never their content (it may hold a name)


def test_the_corpus_reader_surfaces_the_decision_and_gets_the_speakers():
    with pytest.warns(ResearchKitWarning, match=r"RK-R08.*mixed-word-paste.txt: line 4 "):
        corpus = read_transcript(HOSTILE / "mixed-word-paste.txt")
    assert list(dict.fromkeys(corpus.turns["speaker"])) == ["Animatrice", "Hélène Bérubé", "Benoît Lafleur"]


def test_decode_report_says_what_was_done():
    text, done = decode_report((HOSTILE / "mixed-word-paste.txt").read_bytes())
    assert done == Decoding("utf-8", fallback_lines=(4,), fallback_encoding="cp1252")
    assert not done.clean and not done.repaired
    # the old signatures still hold: (text, encoding)
    assert decode_report(EXPECTED.encode())[1].clean
    with pytest.warns(ResearchKitWarning, match="RK-R08"):
        assert decode((HOSTILE / "mixed-word-paste.txt").read_bytes(), path="x.txt") == (text, "utf-8")
    normalised, report = read_text_report(HOSTILE / "mixed-word-paste.txt")
    assert report == done and "\r" not in normalised
    row = done.as_record("transcripts/mixed-word-paste.txt")  # a row of corpus.problems, should a reader want one
    assert (row["path"], row["line"], row["code"]) == ("transcripts/mixed-word-paste.txt", 4, "RK-R08")
    assert row["message"].startswith("line 4 holds Windows-1252") and Decoding("utf-8").as_record("x") is None


@pytest.mark.parametrize("byte, char", [
    (b"\x92", "’"), (b"\x93", "“"), (b"\x94", "”"), (b"\x85", "…"), (b"\x96", "–"), (b"\x97", "—"),
    (b"\x9c", "œ"), (b"\x80", "€"), (b"\xa0", "\xa0"), (b"\xe9", "é"), (b"\xab", "«"), (b"\x81", "\x81"),
])
def test_each_stray_windows_1252_byte_reads_as_windows_1252(byte, char):
    data = "Hélène : première ligne.\r\nBenoît : deuxième ligne.\rAnimatrice : x".encode() + byte + b"x.\n"
    text, done = decode_report(data)
    assert text.endswith(f"x{char}x.\n") and text.startswith("Hélène : première")
    assert done.fallback_lines == (3,)  # CRLF and a lone CR each end a line, as readers count them


def test_a_windows_1252_line_whose_bytes_happen_to_be_utf8_is_read_as_windows_1252():
    # "là »" (a no-break space before », French typography) is E0 A0 BB: valid UTF-8 for a
    # Samaritan letter. In a file that is mostly UTF-8 with a stray byte, it stays French.
    data = ("Hélène : bonjour\n".encode() + "Benoît : ici et là\xa0» l’été\n".encode("cp1252")
            + "Hélène : ça va\n".encode())
    text, done = decode_report(data)
    assert text.split("\n")[1] == "Benoît : ici et là\xa0» l’été"
    assert done.fallback_lines == (2,)
    assert decode_report("là\xa0»".encode("cp1252"))[0] == "là\xa0»"  # a few words that are UTF-8 by chance


def test_a_windows_1252_file_with_a_pasted_utf8_line_names_that_line():
    data = ("Médiatrice : Ça va? L’équipe est épuisée…\n" * 6).encode("cp1252") + "Hélène Bérubé : oui\n".encode()
    text, done = decode_report(data)
    assert text.endswith("Hélène Bérubé : oui\n") and text.startswith("Médiatrice : Ça va? L’équipe")
    assert (done.encoding, done.fallback_lines, done.fallback_encoding) == ("cp1252", (7,), "utf-8")


def test_a_utf8_mark_before_windows_1252_text_keeps_the_first_speaker():
    # bom-then-cp1252.txt: an editor put a UTF-8 byte-order mark before a legacy file
    with pytest.warns(ResearchKitWarning, match=r"RK-R08.*bom-then-cp1252.txt: it starts with a UTF-8 byte-order "
                                                r"mark but the text after it is Windows-1252"):
        corpus = read_transcript(HOSTILE / "bom-then-cp1252.txt")
    assert corpus.turns["speaker"].tolist() == ["Hélène Bérubé", "Benoît Lafleur"]
    assert corpus.turns["text"].iloc[0] == "L’équipe a tenu bon, c’est ça qui compte."
    assert "ï»¿" not in corpus.text(corpus.doc_ids[0])


def test_a_utf8_mark_before_mostly_utf8_text_is_utf8_with_a_fallback():
    text, done = decode_report(codecs.BOM_UTF8 + "Hélène Bérubé : c".encode() + b"\x92est\n")
    assert text == "Hélène Bérubé : c’est\n"
    assert (done.encoding, done.fallback_lines, done.ignored_bom) == ("utf-8-sig", (1,), None)


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE])
def test_a_utf16_or_utf32_mark_before_8_bit_text_is_dropped(bom):
    text, done = decode_report(bom + "Hélène Bérubé : bonjour à tous, on commence.\n".encode("cp1252"))
    assert text == "Hélène Bérubé : bonjour à tous, on commence.\n"
    assert done.ignored_bom == {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be",
                                codecs.BOM_UTF32_LE: "utf-32-le"}[bom]


def test_stacked_byte_order_marks_before_a_stray_byte_are_read_in_one_go(tmp_path):
    # each mark is followed by bytes its encoding does not fit: one is dropped, not one per call
    path = tmp_path / "marks.txt"
    path.write_bytes(codecs.BOM_UTF8 * 50000 + "Hélène Bérubé : c".encode() + b"\x92est\n")
    text, done = read_text_report(path)
    assert text == "Hélène Bérubé : c’est\n" and done.fallback_lines == (1,)


def test_a_file_holding_only_a_byte_order_mark_is_empty():
    with pytest.raises(InputFileError, match="RK-R02") as err:
        decode(codecs.BOM_UTF8 + b"\r\n", path="vide.txt")
    assert "vide.txt" in str(err.value)


def test_mojibake_in_a_transcript_is_repaired_and_said():
    # mojibake.txt: UTF-8 once read as Windows-1252 by an export tool, then saved as UTF-8
    with pytest.warns(ResearchKitWarning, match=r"RK-R08.*mojibake.txt: lines 1, 2, 3 held UTF-8 text once "
                                                r"mis-read as Windows-1252"):
        corpus = read_transcript(HOSTILE / "mojibake.txt")
    assert list(dict.fromkeys(corpus.turns["speaker"])) == ["Animatrice", "Hélène Bérubé", "Benoît Lafleur"]
    assert corpus.turns["text"].tolist() == ["On écoute Hélène Bérubé.", "Ça va, l’équipe tient le coup.",
                                             "Oui, ça va."]
    _, done = decode_report((HOSTILE / "mojibake.txt").read_bytes())
    assert done.repaired and done.repaired_lines == (1, 2, 3) and done.encoding == "utf-8"


def test_latin_1_mojibake_with_control_characters_is_repaired():
    # a cp1252 apostrophe read as Latin-1 (U+0092), then saved as UTF-8
    text, done = decode_report("C\u0092est l\u0092équipe.\n".encode())
    assert text == "C’est l’équipe.\n" and done.repaired_lines == (1,)


def test_repair_can_be_declined_by_a_caller_that_refuses_mojibake():
    data = (HOSTILE / "mojibake.txt").read_bytes()
    text, done = decode_report(data, repair=False)
    assert "HÃ©lÃ¨ne" in text and done.clean


@pytest.mark.parametrize("name", ["utf32le-nobom.txt", "utf32be-nobom.txt"])
def test_utf32_without_bom_is_text_not_binary(name):
    text, said = read_warned(HOSTILE / name)
    assert text == "Hélène Bérubé : On se revoit jeudi ?\nBenoît Lafleur : Oui, à jeudi 🙂\n"
    assert said == [] and read_text(HOSTILE / name)[1] == "utf-32"


def test_nul_bytes_that_are_not_utf32_are_still_binary():
    with pytest.raises(InputFileError, match="RK-R04"):
        decode(bytes(64) + b"\x01\x02\x03\x04" * 8, path="image.txt")


@pytest.mark.parametrize("name, encoding", [("utf8", "utf-8"), ("utf8-bom", "utf-8-sig"), ("cp1252", "cp1252"),
                                            ("utf16le-bom", "utf-16-le"), ("utf16le-nobom", "utf-16")])
def test_clean_files_read_as_before_without_a_word(name, encoding):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        assert read_text(DATA / "encodings" / f"{name}.txt") == (EXPECTED, encoding)
    assert encoding_warnings(record) == []


@pytest.mark.parametrize("text", ["Le cœur de l’équipe", "Hélène Hélène Hélène Bérubé Hélène déjà",
                                  "ÉTÉ\xa0! Ici et là\xa0» « CAFÉ… » NOËL — ÇA", "Œuvre, Île, garçon, naïve"])
def test_windows_1252_french_is_windows_1252(text):
    # repeated letters once made the detector answer Baltic cp1257 ("Hélčne")
    assert decode_report(text.encode("cp1252")) == (text, Decoding("cp1252"))


def test_a_long_file_with_a_stray_byte_on_every_line_reads_in_one_pass():
    # bounded by design: one regular-expression pass, whatever the number of bad bytes
    line = "Hélène Bérubé : c".encode() + b"\x92est \xe7a.\n"
    text, done = decode_report(line * 20000)
    assert text.count("Hélène Bérubé : c’est ça.\n") == 20000
    assert len(done.fallback_lines) == 20000
    assert "and 19988 more" in done.message("long.txt")


WORDS = ["Hélène", "Bérubé", "Benoît", "ça", "où", "déjà", "cœur", "l’équipe", "«", "»", "…", "été", "ÉTÉ", "À", "Ça",
         "Noël", "naïve", "garçon", "c’est", "problème", "—", "€", "bonjour", "la", "ville", "on", ":", "!", "âge"]


def _encoded(line: str, how: str) -> bytes:
    if how == "mojibake":  # UTF-8 read as Windows-1252, saved as UTF-8
        return line.encode().decode("cp1252").encode()
    return line.encode(how)


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.lists(st.sampled_from(WORDS), min_size=1, max_size=10).map(" ".join),
                          st.sampled_from(["utf-8", "cp1252", "mojibake"])), min_size=1, max_size=8))
def test_any_mix_of_utf8_windows_1252_and_mojibake_lines_reads_as_written(lines):
    data = b"\r\n".join(_encoded(line, how) for line, how in lines)
    text, _ = decode_report(data)
    assert text == "\r\n".join(line for line, _ in lines)


# ---------------------------------------------------------------------------
# end to end: the names list finds her, the pseudonymisation hides her


@pytest.fixture(scope="module")
def hidden(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile-encodings")
    folder = base / "corpus"
    (folder / "transcripts").mkdir(parents=True)
    for name in ("mixed-word-paste.txt", "bom-then-cp1252.txt", "mojibake.txt"):
        shutil.copy(HOSTILE / name, folder / "transcripts" / name)
    with pytest.warns(ResearchKitWarning, match="RK-R08") as record:
        corpus = read_corpus(folder)
    key = base / "private" / "key.json"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # RK-D20 and the like: not what is tested here
        pseudo = pseudonymise(corpus, key=key, names=["Hélène Bérubé", "Benoît Lafleur"])
    return {"corpus": corpus, "pseudo": pseudo, "key": key, "base": base,
            "said": [str(w.message) for w in record]}


def test_reading_the_corpus_names_each_mended_file(hidden):
    said = " ".join(hidden["said"])
    assert "mixed-word-paste.txt: line 4" in said and "bom-then-cp1252.txt" in said and "mojibake.txt" in said


def test_pseudonymise_hides_her_in_every_mixed_encoding_file(hidden):
    pseudo = hidden["pseudo"]
    for doc_id in pseudo.doc_ids:
        text = pseudo.text(doc_id) + " " + " ".join(pseudo.turns.loc[pseudo.turns["doc_id"] == doc_id, "speaker"])
        for name in ("Hélène", "Bérubé", "Benoît", "Lafleur", "HÃ©lÃ¨ne", "BenoÃ®t"):
            assert not present(name, text), (doc_id, name, text)
        assert "®t" not in text and "Ã" not in text
    assert "C’est le cœur du problème… personne ne répond." in pseudo.text("mixed-word-paste")
    assert leaks([pseudo.text(d) for d in pseudo.doc_ids], hidden["key"]) == []


# ---------------------------------------------------------------------------
# leaks(): a name in an output, however it is written there


@pytest.mark.parametrize("written", [
    "HÃ©lÃ¨ne",                    # mojibake
    "HÃƒÂ©lÃƒÂ¨ne",                # mojibake twice over
    "H&eacute;l&egrave;ne",        # HTML entities
    "H&#233;l&#xE8;ne",            # numeric entities
    "H&amp;eacute;l&amp;egrave;ne",  # entities escaped once more
    "Hé\u00adlène",                # a soft hyphen
    "Hé\u200blè\u200dne",          # zero-width space and joiner
    "Ｈéｌèｎｅ",                   # full-width letters
    "He\u0301le\u0300ne",          # decomposed accents
    "Hélèn\u0435",                 # a Cyrillic e
    "Hé<b>lè</b>ne",               # HTML markup inside the word
    "Hé**lè**ne",                  # Markdown emphasis inside the word
    "Hélè-\nne",                   # hyphenated across two lines
    "H%C3%A9l%C3%A8ne",            # in a URL
    "H\\u00e9l\\u00e8ne",            # in JSON or JavaScript embedded in a page
    "HÉLÈNE",
])
def test_leaks_finds_a_name_however_it_is_written(hidden, written):
    text = f"Vu avec {written} ce matin."
    found = leaks(text, hidden["key"])
    shown = unicodedata.normalize("NFC", written)  # texts are searched, and shown, in NFC
    assert [(f["original"], f["found"]) for f in found] == [("Hélène", shown)]
    assert unicodedata.normalize("NFC", text)[found[0]["start"]:].startswith(shown)


@pytest.mark.parametrize("written", ["Hélène\u00a0Bérubé", "Hélène\nBérubé", "Hélène \r\n Bérubé", "BenoÃ®t\nLafleur"])
def test_leaks_finds_a_full_name_across_a_line_break_or_a_no_break_space(hidden, written):
    found = leaks(f"Vu avec {written}.", hidden["key"])
    assert [f["found"] for f in found] == [written]  # once, as the full name


def test_leaks_reports_nothing_for_a_clean_text(hidden):
    assert leaks("Vu avec Participant·e 2 ce matin. Le cœur du problème, c’est l’équipe&nbsp;!", hidden["key"]) == []


def test_leaks_finds_names_in_every_output_format(hidden, tmp_path):
    import docx
    import pptx
    from fpdf import FPDF

    out = tmp_path / "out"
    out.mkdir()
    (out / "brief.html").write_text("<p>Vu avec H&eacute;l&egrave;ne et <span>Bé</span>rubé.</p>", encoding="utf-8")
    (out / "brief.md").write_text("Vu avec **Beno**ît et HÃ©lÃ¨ne.\n", encoding="utf-8")
    (out / "notes.txt").write_bytes("Vu avec Lafleur, c".encode() + b"\x92est tout.\n")
    document = docx.Document()
    paragraph = document.add_paragraph("Vu avec Hé")
    paragraph.add_run("lène").bold = True  # Word splits a word into runs at every change of format
    document.save(out / "brief.docx")
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text_frame.text = "Bé"
    slide.shapes.title.text_frame.paragraphs[0].add_run().text = "rubé"
    deck.save(out / "slides.pptx")
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, "Vu avec Hélè-\nne, et Benoît\nLafleur.")  # hyphenated, then a name across lines
    pdf.output(str(out / "brief.pdf"))
    found = {(Path(f["source"].split("!")[0]).name, f["original"]) for f in leaks(out, hidden["key"])}
    assert found == {("brief.html", "Hélène"), ("brief.html", "Bérubé"), ("brief.md", "Benoît"),
                     ("brief.md", "Hélène"), ("notes.txt", "Lafleur"), ("brief.docx", "Hélène"),
                     ("slides.pptx", "Bérubé"), ("brief.pdf", "Hélène"), ("brief.pdf", "Benoît Lafleur")}


def test_leaks_reports_nothing_for_clean_outputs(hidden, tmp_path):
    import docx

    (tmp_path / "brief.html").write_text("<p>Vu avec <b>Participant·e 2</b>&nbsp;: c’est le c&oelig;ur.</p>",
                                         encoding="utf-8")
    document = docx.Document()
    document.add_paragraph("Vu avec Partici").add_run("pant·e 2").italic = True
    document.save(tmp_path / "brief.docx")
    (tmp_path / "notes.txt").write_bytes("L’équipe, c’est ça.\n".encode("cp1252"))
    assert leaks(tmp_path, hidden["key"]) == []
