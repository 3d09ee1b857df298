import os
import stat

import pytest

from research_kit._io import atomic_write, atomic_write_text, decode, read_text
from research_kit.errors import InputFileError
from tests.helpers import DATA

EXPECTED = "Médiatrice : Ça va? L’équipe est épuisée… «Faque» on arrête.\nRésident : Oui, c’est ça.\n"


@pytest.mark.parametrize("name, encoding", [
    ("utf8", "utf-8"), ("utf8-bom", "utf-8-sig"), ("utf16le-bom", "utf-16-le"),
    ("utf16le-nobom", "utf-16"), ("cp1252", "cp1252"), ("nfd", "utf-8"),
])
def test_every_encoding_reads_to_the_same_nfc_text(name, encoding):
    text, found = read_text(DATA / "encodings" / f"{name}.txt")
    assert text == EXPECTED  # CRLF folded, BOM removed, NFD composed
    assert found == encoding


def test_cp1252_oe_ligature_is_not_read_as_central_european():
    assert decode("Le cœur de l’équipe".encode("cp1252"))[0] == "Le cœur de l’équipe"


@pytest.mark.parametrize("name, code", [("empty.txt", "RK-R02"), ("blank.txt", "RK-R02"), ("binary.txt", "RK-R04")])
def test_bad_files(name, code):
    with pytest.raises(InputFileError, match=code) as err:
        read_text(DATA / "bad" / name)
    assert name in str(err.value)


def test_user_encoding_that_does_not_fit():
    with pytest.raises(InputFileError, match="RK-R05"):
        decode("é".encode("utf-16"), encoding="ascii")


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
    target = tmp_path / "brief.md"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as fh:
            fh.write("half")
            raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["brief.md"]  # no temporary file left behind


def test_atomic_write_permissions(tmp_path):
    path = atomic_write_text(tmp_path / "key.json", "{}", permissions=0o600)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_atomic_write_gives_outputs_the_usual_permissions(tmp_path):
    mask = os.umask(0)
    os.umask(mask)
    path = atomic_write_text(tmp_path / "brief.html", "<p>")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_a_renamed_docx_says_what_it_is():
    with pytest.raises(InputFileError, match="RK-R04") as err:
        decode(b"PK\x03\x04" + bytes(200), path="entretien.txt")
    assert ".docx" in str(err.value) and "format: docx" in str(err.value)


@pytest.mark.parametrize("text", [
    "doc_id;start_char;end_char;code;coder\r\nbxl-atelier-2;241;323;feedback;Hélène\r\n",
    "…;Léa;l’équipe œuvre",
    "…;Léa Dupré;é;2025-03-01 10:00",
])
def test_short_cp1252_files_are_not_read_as_cjk(text):
    # a few accented letters once made the detector answer big5 or johab
    assert decode(text.encode("cp1252")) == (text, "cp1252")


def test_slug_is_ascii_lower_case_with_dashes():
    from research_kit._io import slug

    assert slug("Atelier 3 — Forest, Saint-Gilles") == "atelier-3-forest-saint-gilles"
    assert slug("Éloïse & Zoë") == "eloise-zoe"
    assert slug("…") == "x" and slug("—", fallback="brief") == "brief"
    assert len(slug("a" * 300)) == 80


def test_replace_folder_swaps_whole_and_rolls_back(tmp_path, monkeypatch):
    import os

    from research_kit._io import replace_folder

    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    new = tmp_path / ".new"
    new.mkdir()
    (new / "new.txt").write_text("new")
    replace_folder(new, target)
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"] and not new.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # nothing left aside

    # the move in fails: the old folder is put back as it was
    newer = tmp_path / ".newer"
    newer.mkdir()
    (newer / "newer.txt").write_text("x")
    real = os.replace

    def failing(src, dst):
        if os.fspath(src) == os.fspath(newer):
            raise OSError("disk full")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OSError, match="disk full"):
        replace_folder(newer, target)
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"]


@pytest.mark.parametrize("word", ["Hélène", "l’école", "Noël", "ça coûte 5 €", "l’œuvre – enfin", "garçon", "naïf"])
def test_text_once_misread_as_windows_1252_is_repaired(word):
    original = f"Alors {word}, on commence.\n"
    misread = original.encode("utf-8").decode("cp1252")  # "HÃ©lÃ¨ne"
    with pytest.warns(UserWarning, match="RK-R08"):
        text, _ = decode(misread.encode("utf-8"), path="x.txt")
    assert text == original


def test_french_typography_is_not_taken_for_mojibake():
    # a non-breaking space after an accented letter, guillemets, « à » quoted: all ordinary text
    original = "C’est réglé\u00a0! Il dit «\u00a0à bientôt\u00a0» à Noël, café\u00a0: 2\u00a0€.\n" * 2000
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        text, encoding = decode(original.encode("utf-8"), path="x.txt")
    assert text == original and encoding == "utf-8"
