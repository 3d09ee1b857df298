"""Hostile and malformed zip files: Word transcripts (.docx) and REFI-QDA projects (.qdpx).

Every file is built here the way a tool or an attacker makes it: with zipfile, then, for
headers that lie, by editing the header bytes. Each is read through ``read_corpus`` on a
corpus folder (``errors="collect"`` too: the other transcript is still read), and the
error is checked by its code. Memory is bounded by design (limits checked before anything
is decompressed, reads of at most the limit plus one byte); the bomb is read in a
process whose address space is capped at 1 GiB to show it.
"""

from __future__ import annotations

import io
import json
import os
import random
import struct
import subprocess
import sys
import textwrap
import warnings
import zipfile
import zlib

import pytest

from research_kit.errors import InputFileError, QdaError
from research_kit.project import read_corpus
from research_kit.qda import read_qdpx
from tests.helpers import DATA, ROOT

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>")
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="{target}"/></Relationships>')
GOOD_TEXT = "Anna : Bonjour à toutes et à tous.\n"


def body(*paragraphs: str, head: str = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n') -> str:
    """A word/document.xml whose body holds these paragraphs (XML of w:p elements, or plain texts)."""
    ps = "".join(p if p.startswith("<") else f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    return f'{head}<w:document xmlns:w="{W}"><w:body>{ps}</w:body></w:document>'


def docx_bytes(document: str | bytes | None = None, *, extra: dict[str, bytes | str] | None = None,
               target: str = "word/document.xml", method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A minimal .docx, as a transcription tool writes one: content types, relationships, the document."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS.format(target=target))
        if document is not None:
            zf.writestr("word/document.xml", document)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def corpus_with(tmp_path, name: str, data: bytes):
    """A corpus folder holding one good transcript and the file under test."""
    root = tmp_path / f"corpus-{name}"
    (root / "transcripts").mkdir(parents=True)
    (root / "transcripts/a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (root / "transcripts" / name).write_bytes(data)
    return root


def refused(tmp_path, name: str, data: bytes, code: str, match: str = "") -> InputFileError:
    """Read the corpus both ways: the file is refused with ``code``; collected, the other file is read."""
    root = corpus_with(tmp_path, name, data)
    with pytest.raises(InputFileError, match=code) as err:
        read_corpus(root)
    assert f"transcripts/{name}" in str(err.value)
    assert match in str(err.value), str(err.value)
    corpus = read_corpus(root, errors="collect")
    assert corpus.doc_ids == ["a"]
    assert corpus.problems[["path", "code"]].values.tolist() == [[f"transcripts/{name}", code]]
    return err.value


# --------------------------------------------------------------------------- editing headers


def headers(data: bytes | bytearray, name: str) -> tuple[int, int]:
    """Offsets of the local header and of the central directory record of member ``name``."""
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        local = zf.getinfo(name).header_offset
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + length]).decode("utf-8") == name:
            return local, at
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{name} is not in the central directory")


def patch(data: bytes, name: str, *, size: int | None = None, crc: int | None = None, flags: int | None = None,
          method: int | None = None, central: bool = True, local: bool = True) -> bytes:
    """Edit member ``name``'s headers (a hex editor's work): uncompressed size, CRC, flag bits, method."""
    out = bytearray(data)
    at_local, at_central = headers(out, name)
    fields = {"flags": ("<H", 6, 8), "method": ("<H", 8, 10), "crc": ("<I", 14, 16), "size": ("<I", 22, 24)}
    for key, value in (("flags", flags), ("method", method), ("crc", crc), ("size", size)):
        if value is None:
            continue
        fmt, in_local, in_central = fields[key]
        if local:
            struct.pack_into(fmt, out, at_local + in_local, value)
        if central:
            struct.pack_into(fmt, out, at_central + in_central, value)
    return bytes(out)


def zeros_member(zf: zipfile.ZipFile, name: str, mib: int) -> None:
    """``mib`` MiB of zeros, deflated (about a thousand times)."""
    chunk = bytes(2**20)
    with zf.open(name, "w") as fh:
        for _ in range(mib):
            fh.write(chunk)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> bytes:
    """A 1.5 MB .docx whose word/document.xml expands to 1.5 GB of zeros."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS.format(target="word/document.xml"))
        zeros_member(zf, "word/document.xml", 1500)
    return path.read_bytes()


# --------------------------------------------------------------------------- size and compression


def test_a_docx_zip_bomb_is_refused_before_anything_is_decompressed(tmp_path, bomb):
    assert len(bomb) < 2 * 2**20
    err = refused(tmp_path, "bomb.docx", bomb, "RK-R32", 'member "word/document.xml" expands')
    assert "1572864000 bytes" in str(err)


def test_a_header_that_declares_a_small_size_cannot_make_us_read_more(tmp_path, bomb):
    lying = patch(bomb, "word/document.xml", size=1000)  # holds 1.5 GB, says 1,000 bytes
    refused(tmp_path, "lying.docx", lying, "RK-R07", "word/document.xml")
    # the central directory alone lies (zip programs trust it over the local header)
    refused(tmp_path, "lying-central.docx", patch(bomb, "word/document.xml", size=1000, local=False), "RK-R07",
            "its header does not match its content")


def test_a_lying_size_with_a_forged_checksum_gives_broken_xml_not_a_cut_transcript(tmp_path):
    xml = body("Anna : " + "bonjour " * 2000).encode()
    cut = 4000
    lying = patch(docx_bytes(xml), "word/document.xml", size=cut, crc=zlib.crc32(xml[:cut]))
    refused(tmp_path, "forged.docx", lying, "RK-R34", "word/document.xml")


def test_a_local_header_that_disagrees_is_not_trusted_and_the_text_is_read(tmp_path):
    data = patch(docx_bytes(body("Anna : Merci à vous.")), "word/document.xml", size=3, central=False)
    corpus = read_corpus(corpus_with(tmp_path, "local.docx", data))
    assert corpus.turns[["speaker", "text"]].values.tolist()[-1] == ["Anna", "Merci à vous."]


def test_a_declared_size_past_the_limit_is_refused(tmp_path):
    # 1 MiB members are below the ratio check; 210 of them pass the 200 MiB limit
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS.format(target="word/document.xml"))
        zf.writestr("word/document.xml", body("Anna : bonjour"))
        for i in range(210):
            zeros_member(zf, f"word/media/image{i}.bmp", 1)
    refused(tmp_path, "huge.docx", buf.getvalue(), "RK-R31", "more than the limit of 209715200")


def test_too_many_members_are_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("word/document.xml", body("Anna : bonjour"))
        for i in range(10_001):
            zf.writestr(f"x/{i}", b"")
    refused(tmp_path, "many.docx", buf.getvalue(), "RK-R31", "10002 members")


def test_a_blank_picture_that_compresses_well_does_not_refuse_the_transcript(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS.format(target="word/document.xml"))
        zf.writestr("word/document.xml", body("Anna : Voici le plan.", "Luc : Merci."))
        zeros_member(zf, "word/media/blank.bmp", 20)  # 1,000 times: never read, so never a bomb
    corpus = read_corpus(corpus_with(tmp_path, "plan.docx", buf.getvalue()))
    assert corpus.turns[corpus.turns["doc_id"] == "plan"]["text"].tolist() == ["Voici le plan.", "Merci."]


def test_the_bomb_is_refused_within_a_1_gib_address_space(tmp_path, bomb):
    root = corpus_with(tmp_path, "bomb.docx", bomb)
    (root / "transcripts/lying.docx").write_bytes(patch(bomb, "word/document.xml", size=1000))
    script = textwrap.dedent(f"""
        import json, resource
        limit = 2**30
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        from research_kit.project import read_corpus
        corpus = read_corpus({str(root)!r}, errors="collect")
        try:  # what the bomb would need does not fit: the limit is real
            bytearray(1_500_000_000)
            fits = True
        except MemoryError:
            fits = False
        print(json.dumps({{"docs": corpus.doc_ids, "fits": fits,
                          "problems": corpus.problems[["path", "code"]].values.tolist()}}))
        """)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=600)  # a hang guard, not a measure
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["fits"] is False
    assert out["docs"] == ["a"]
    assert out["problems"] == [["transcripts/bomb.docx", "RK-R32"], ["transcripts/lying.docx", "RK-R07"]]


# --------------------------------------------------------------------------- names, encryption, methods


@pytest.mark.parametrize("name, why", [
    ("../evil.xml", "points outside the archive"),
    ("word/../../evil.xml", "points outside the archive"),
    ("/etc/cron.d/evil", "points outside the archive"),
    ("C:/Windows/evil.dll", "points outside the archive"),
    ("word\\..\\..\\evil.xml", "points outside the archive"),
    ("word/doc\x01ument.xml", "holds control characters"),
])
def test_member_names_pointing_outside_or_odd_are_refused(tmp_path, name, why):
    data = docx_bytes(body("Anna : bonjour"), extra={name: b"evil"})
    err = refused(tmp_path, "names.docx", data, "RK-R30", why)
    assert "nothing was read" in str(err)


def test_a_member_named_twice_is_refused(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of the duplicate it writes
        data = docx_bytes(body("Anna : bonjour"), extra={"word/document.xml": body("Luc : autre chose")})
    refused(tmp_path, "twice.docx", data, "RK-R30", 'two members named "word/document.xml"')


def test_an_encrypted_member_is_refused(tmp_path):
    data = patch(docx_bytes(body("Anna : bonjour")), "word/document.xml", flags=0x1)
    err = refused(tmp_path, "locked.docx", data, "RK-R30", 'encrypted member "word/document.xml"')
    assert "password" in str(err)


def test_an_unsupported_compression_method_is_a_coded_error(tmp_path):
    data = patch(docx_bytes(body("Anna : bonjour")), "word/document.xml", method=9)  # Deflate64
    refused(tmp_path, "deflate64.docx", data, "RK-R07", "compression method")


def test_a_damaged_deflate_stream_is_a_coded_error(tmp_path):
    data = bytearray(docx_bytes(body("Anna : " + "bonjour tout le monde " * 500)))
    at, _ = headers(data, "word/document.xml")
    start = at + 30 + struct.unpack_from("<H", data, at + 26)[0] + struct.unpack_from("<H", data, at + 28)[0]
    for i in range(start + 20, start + 60):
        data[i] ^= 0xA5
    refused(tmp_path, "damaged.docx", bytes(data), "RK-R07", "word/document.xml")


# --------------------------------------------------------------------------- XML


@pytest.mark.parametrize("xml", [
    body("&lol3;", head='<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
         '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
         '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n').encode(),
    body("&xxe;", head='<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n').encode(),
    body("&xxe;", head='<?xml version="1.0" encoding="UTF-16"?>\n'
         '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n').encode("utf-16"),
], ids=["billion-laughs", "external-entity", "utf-16"])
def test_a_doctype_or_entity_in_the_document_is_refused_before_parsing(tmp_path, xml):
    refused(tmp_path, "entities.docx", docx_bytes(xml), "RK-R33", "its part word/document.xml, line 2")


def test_a_doctype_in_any_part_read_is_refused(tmp_path):
    rels = RELS.format(target="word/document.xml").replace("?>\n", '?>\n<!DOCTYPE r SYSTEM "http://evil/x.dtd">')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("_rels/.rels", rels)
        zf.writestr("word/document.xml", body("Anna : bonjour"))
    refused(tmp_path, "rels.docx", buf.getvalue(), "RK-R33", "_rels/.rels")


def test_broken_xml_names_the_part_and_line(tmp_path):
    xml = body("Anna : bonjour").replace("</w:body>", "\n</w:bod>")
    refused(tmp_path, "broken.docx", docx_bytes(xml), "RK-R34", "its part word/document.xml, line 3")


def test_deep_nesting_is_read_without_recursion(tmp_path):
    deep = "<w:sdt><w:sdtContent>" * 900 + "<w:p><w:r><w:t>Anna : tout au fond.</w:t></w:r></w:p>" \
        + "</w:sdtContent></w:sdt>" * 900
    span = ('<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2000000000"/></w:tcPr><w:p><w:r><w:t>Luc</w:t></w:r>'
            "</w:p></w:tc><w:tc><w:p><w:r><w:t>Et ici.</w:t></w:r></w:p></w:tc></w:tr></w:tbl>")
    corpus = read_corpus(corpus_with(tmp_path, "deep.docx", docx_bytes(body(deep, span))))
    assert corpus.turns[corpus.turns["doc_id"] == "deep"][["speaker", "text"]].values.tolist() == [
        ["Anna", "tout au fond."], ["Luc", "Et ici."]]


# --------------------------------------------------------------------------- not a docx


@pytest.mark.parametrize("data, said", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), "Word 97-2003 .doc"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "a PDF"),
    (b"<!DOCTYPE html>\n<html><head><title>Transcription</title></head><body>Anna : bonjour</body></html>",
     "a web page"),
    (b"{\\rtf1\\ansi Anna : bonjour}", "an RTF file"),
    (b"Anna : bonjour, ceci est du texte.\n", "not a zip file"),
], ids=["doc", "pdf", "html", "rtf", "text"])
def test_a_renamed_file_is_said_for_what_it_is(tmp_path, data, said):
    err = refused(tmp_path, "renamed.docx", data, "RK-R07", said)
    assert "save it again as .docx" in str(err)


def test_a_truncated_docx_is_a_coded_error(tmp_path):
    whole = (DATA / "docx/retreat.docx").read_bytes()
    refused(tmp_path, "cut.docx", whole[:len(whole) // 2], "RK-R07", "damaged or was cut short")


def test_an_empty_docx_is_said_empty(tmp_path):
    refused(tmp_path, "empty.docx", b"", "RK-R02", "empty")


def test_other_office_files_renamed_docx_are_named(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("_rels/.rels", RELS.format(target="xl/workbook.xml"))
        zf.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    refused(tmp_path, "sheet.docx", buf.getvalue(), "RK-R07", "Excel workbook")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>")
    refused(tmp_path, "odt.docx", buf.getvalue(), "RK-R07", "OpenDocument")


def test_a_relationship_pointing_outside_the_archive_reads_nothing_outside(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_text(body("Hélène : mon adresse est secrète."), encoding="utf-8")
    data = docx_bytes(None, target=f"../../../../../..{secret}")
    refused(tmp_path, "out.docx", data, "RK-R07", "holds no Word document")


# --------------------------------------------------------------------------- what must be read


def test_a_40_mb_paragraph_is_read_whole(tmp_path):
    import docx  # python-docx writes the file, as Word would

    vocab = ("la salle était pleine et chacun a pris la parole pour parler du quartier des loyers de l'école "
             "du parc des autobus de la sécurité des aînés des jeunes familles du marché et de la bibliothèque "
             "nous avons noté que plusieurs voisins souhaitent une ruelle verte mais certains craignent le bruit")
    words = vocab.split()
    rng = random.Random(12)
    text = " ".join(rng.choices(words, k=40 * 2**20 // 5))
    assert len(text) > 40 * 2**20
    document = docx.Document()
    run = document.add_paragraph().add_run()
    t = docx.oxml.OxmlElement("w:t")  # one text node, as Word stores a pasted transcript
    t.text = text
    run.element.append(t)
    root = tmp_path / "corpus"
    root.mkdir()
    document.save(root / "long.docx")
    corpus = read_corpus(root)
    assert corpus.turns["text"].tolist() == [text]


def test_tracked_insertions_and_content_controls_are_read_and_deletions_are_not(tmp_path):
    xml = body(
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>Anna : dans un contrôle.</w:t></w:r></w:p></w:sdtContent></w:sdt>",
        '<w:p><w:r><w:t xml:space="preserve">Luc : on garde </w:t></w:r><w:del><w:r><w:delText>pas</w:delText>'
        "</w:r></w:del><w:ins><w:r><w:t>ceci</w:t></w:r></w:ins><w:hyperlink><w:r><w:t>, et le lien</w:t></w:r>"
        "</w:hyperlink></w:p>")
    corpus = read_corpus(corpus_with(tmp_path, "tracked.docx", docx_bytes(xml)))
    assert corpus.turns[corpus.turns["doc_id"] == "tracked"][["speaker", "text"]].values.tolist() == [
        ["Anna", "dans un contrôle."], ["Luc", "on garde ceci, et le lien"]]


# --------------------------------------------------------------------------- the same defences for .qdpx


def qdpx_bytes(qde: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde)
        zf.writestr("sources/a.txt", "Bonjour")
    return buf.getvalue()


QDE = '<?xml version="1.0"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="p">' + "<!-- x -->" * 400 + "</Project>"


def test_qdpx_with_a_lying_header_or_damaged_member_is_a_coded_error(tmp_path):
    path = tmp_path / "lying.qdpx"
    path.write_bytes(patch(qdpx_bytes(QDE), "project.qde", size=10))
    with pytest.raises(QdaError, match=r"RK-Q01.*project\.qde.*header does not match"):
        read_qdpx(path)
    path.write_bytes(patch(qdpx_bytes(QDE), "project.qde", method=9))
    with pytest.raises(QdaError, match="RK-Q01.*compression method"):
        read_qdpx(path)


def test_qdpx_odd_names_duplicates_and_member_counts_are_refused(tmp_path):
    path = tmp_path / "odd.qdpx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("project.qde", QDE)
        zf.writestr("sources/\x07.txt", "x")
    path.write_bytes(buf.getvalue())
    with pytest.raises(QdaError, match="RK-Q03.*control characters"):
        read_qdpx(path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("project.qde", QDE)
        for i in range(10_001):
            zf.writestr(f"sources/{i}.txt", b"")
    path.write_bytes(buf.getvalue())
    with pytest.raises(QdaError, match="RK-Q04.*10002 members"):
        read_qdpx(path)


def test_a_qdc_that_is_a_pipe_is_refused_without_blocking(tmp_path):
    from research_kit.qda import read_qdc

    fifo = tmp_path / "codebook.qdc"
    os.mkfifo(fifo)
    with pytest.raises(QdaError, match="RK-Q01.*not a regular file"):
        read_qdc(fifo)
