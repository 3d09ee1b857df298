"""Codebooks: reading, checking, writing and review documents; the YAML helper."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pandas as pd
import pytest
import yaml

import research_kit.codebook.io as codebook_io
from research_kit._yaml import dump_yaml, line_of, load_yaml_with_lines
from research_kit.codebook import (
    OKABE_ITO,
    CodeEntry,
    Codebook,
    Rules,
    read_codebook,
    validate_codebook,
    write_codebook,
)
from research_kit.errors import CodebookError, InputFileError, ParameterError
from research_kit.render import codebook_blocks, codebook_markdown, write_codebook_docx
from research_kit.schemas import CODES

DATA = Path(__file__).parent / "data" / "codebooks"
DEMO = Path(__file__).parents[1] / "corpora" / "demo" / "codebook.yml"


@pytest.fixture(scope="module")
def valid() -> Codebook:
    return read_codebook(DATA / "valid.yml")


@pytest.fixture(scope="module")
def demo() -> Codebook:
    return read_codebook(DEMO)


def problems_of(path: Path) -> list[tuple[str, int | None]]:
    with pytest.raises(CodebookError) as info:
        read_codebook(path)
    return [(p.code, p.line) for p in info.value.problems]


# --------------------------------------------------------------------------- reading


def test_valid_yaml_reads_with_hierarchy_and_texts(valid):
    assert valid.title == "Atelier test"
    assert valid.languages == ("fr", "en")
    assert valid.path == DATA / "valid.yml"
    assert list(valid.codes["code"]) == ["care", "care.fatigue", "care.fatigue.night", "voice", "voice.unheard"]
    assert list(valid.codes["parent"].fillna("-")) == ["-", "care", "care.fatigue", "-", "voice"]
    assert list(valid.codes["depth"]) == [0, 1, 2, 0, 1]
    fatigue = valid.entry("care.fatigue")
    assert fatigue.examples == {"fr": ("On est épuisés.", "La surcharge; encore."), "en": ("We are exhausted.",)}
    assert fatigue.when_not_to_use == {"fr": "Horaire seul.", "en": "Schedule alone."}
    assert fatigue.rules["fr"].patterns == (({"LEMMA": "être"}, {"LEMMA": "épuiser"}),)
    assert fatigue.rules["fr"].regex == (r"(?i)\bburn-?out\b",)
    assert valid.entry("voice").codable is False


def test_codes_frame_follows_the_schema(valid):
    frame = valid.codes
    assert list(frame.columns[: len(CODES.names)]) == CODES.names
    assert str(frame["code"].dtype) == "string" and str(frame["codable"].dtype) == "bool"
    assert frame.loc[frame["code"] == "care", "color"].item() == "#E69F00"
    assert frame["color"].isna().sum() == 4
    assert frame.loc[frame["code"] == "care.fatigue.night", "label_en"].isna().item()
    assert frame.attrs == {}
    # parents come before their children
    position = {code: i for i, code in enumerate(frame["code"])}
    assert all(position[p] < position[c] for c, p in zip(frame["code"], frame["parent"]) if not pd.isna(p))


def test_csv_from_a_french_spreadsheet_equals_the_yaml(valid):
    # valid.csv: ';'-separated, a multi-line cell, a child row before its parent, oui/non.
    from_csv = read_codebook(DATA / "valid.csv")
    assert from_csv == valid
    assert from_csv.path == DATA / "valid.csv"


def test_label_descendants_ancestors_contains_len(valid):
    assert valid.label("care", "en") == "Care of the team"
    assert valid.label("care") == "Soin de l'équipe"  # first language by default
    assert valid.label("care.fatigue.night", "en") == "Travail de nuit"  # falls back to fr
    assert valid.descendants("care") == ["care", "care.fatigue", "care.fatigue.night"]
    assert valid.descendants("care", include_self=False) == ["care.fatigue", "care.fatigue.night"]
    assert valid.descendants("voice.unheard") == ["voice.unheard"]
    assert valid.ancestors("care.fatigue.night") == ["care.fatigue", "care"]
    assert "care.fatigue" in valid and "fatigue" not in valid and 3 not in valid
    assert len(valid) == 5


def test_unknown_code_and_language_are_refused(valid):
    with pytest.raises(ParameterError, match=r"RK-K20.*Did you mean \"care.fatigue\"") as info:
        valid.descendants("care.fatige")
    assert isinstance(info.value, ValueError)
    with pytest.raises(ParameterError, match="RK-P01"):
        valid.label("care", "de")


def test_rules_per_language_skip_folders_and_codes_without_rules(valid):
    fr = valid.rules("fr")
    assert list(fr) == ["care", "care.fatigue", "voice.unheard"]
    assert fr["care"] == Rules(lemmas=("bien-être",), phrases=("prendre soin de nous",))
    en = valid.rules("en")
    assert list(en) == ["care", "care.fatigue", "voice.unheard"]
    assert en["voice.unheard"].regex == (r"(?i)\bno(?:body| one) listens\b",)


# --------------------------------------------------------------------------- problems


def test_broken_yaml_lists_every_problem_with_its_line():
    with pytest.raises(CodebookError) as info:
        read_codebook(DATA / "broken.yml")
    error = info.value
    assert error.code == "RK-K00" and error.path == str(DATA / "broken.yml")
    assert [(p.code, p.line) for p in error.problems] == [
        ("RK-K14", 8),   # bad regular expression
        ("RK-K05", 9),   # duplicate id
        ("RK-K06", 12),  # unknown parent
        ("RK-K07", 15),  # cycle loop.a -> loop.b -> loop.a, at the first one's parent:
        ("RK-K09", 21),  # empty label
        ("RK-K15", 27),  # bad spaCy pattern
        ("RK-K03", 30),  # unknown key
        ("RK-K10", 31),  # bad colour
        ("RK-K12", 33),  # rules in a language that is not declared
    ]
    assert all(isinstance(p, InputFileError) and p.path == str(DATA / "broken.yml") for p in error.problems)
    messages = {p.code: str(p) for p in error.problems}
    assert 'first on line 4' in messages["RK-K05"]
    assert '"loop.a" → "loop.b" → "loop.a"' in messages["RK-K07"]
    assert 'Did you mean "definition"?' in messages["RK-K03"]
    assert 'Did you mean "LEMMA"?' in messages["RK-K15"]
    assert "missing )" in messages["RK-K14"]
    # the summary names every problem
    assert str(error).count("\n  - [RK-K") == 9


def test_broken_csv_names_rows_by_their_line():
    # line 5 holds a two-line cell, so the row of "c" starts on line 7
    assert problems_of(DATA / "broken.csv") == [
        ("RK-K03", 3),  # unknown column "defintion_fr"
        ("RK-K14", 7),  # bad regular expression
        ("RK-K06", 7),  # unknown parent
        ("RK-K15", 8),  # pattern that is not JSON
        ("RK-K09", 8),  # no label
        ("RK-K11", 8),  # codable neither true nor false
    ]


def test_yaml_syntax_error_is_one_problem_with_its_line(tmp_path):
    path = tmp_path / "codebook.yml"
    path.write_text("title: x\ncodes:\n  - id: a\n    label: {fr: A\n  - id: b\n", encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        read_codebook(path)
    [problem] = info.value.problems
    assert problem.code == "RK-K01" and problem.line == 4  # where the { was opened


def test_unquoted_colour_gets_a_hint_about_yaml_comments(tmp_path):
    path = tmp_path / "codebook.yml"
    path.write_text("languages: [fr]\ncodes:\n  - id: a\n    label: A\n    color: #0072B2\n", encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        read_codebook(path)
    [problem] = info.value.problems
    assert (problem.code, problem.line) == ("RK-K10", 5)
    assert 'color: "#0072B2"' in problem.hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("codes:\n  - id: a\n    label: A\n    rules:\n      fr:\n        lemmas: [prendre soin]\n", ("RK-K16", 6)),
        ("codes:\n  - id: a\n    label: A\n    codable: false\n    rules:\n      fr:\n        lemmas: [x]\n",
         ("RK-K17", 5)),
        ("codes:\n  - id: a\n    label: A\n    rules:\n      fr:\n        regex: ['x*']\n", ("RK-K14", 6)),
        ("codes:\n  - id: a\n    label: A\n    rules:\n      fr:\n        patterns: [{LOWER: x}]\n", ("RK-K15", 6)),
        ("codes:\n  - id: a\n    label: A\n    rules:\n      fr:\n        patterns: [[{LOWER: on}]]\n",
         ("RK-K15", 6)),
        ("codes:\n  - id: a\n    label: A\n    children:\n      - id: b\n        parent: c\n        label: B\n",
         ("RK-K08", 6)),
        ("codes:\n  - id: has space\n    label: A\n", ("RK-K04", 2)),
        ("languages: [fr, french]\ncodes:\n  - id: a\n    label: A\n", ("RK-K13", 1)),
        ("titel: x\ncodes:\n  - id: a\n    label: A\n", ("RK-K03", 1)),
        ("title: x\ncodes: []\n", ("RK-K18", 2)),
    ],
)
def test_each_kind_of_problem_has_its_code_and_line(tmp_path, text, expected):
    path = tmp_path / "codebook.yml"
    path.write_text(text, encoding="utf-8")
    assert problems_of(path) == [expected]


def test_yaml_true_false_in_a_pattern_is_explained(tmp_path):
    path = tmp_path / "codebook.yml"
    path.write_text("codes:\n  - id: a\n    label: A\n    rules:\n      fr:\n        patterns: [[{LOWER: on}]]\n",
                    encoding="utf-8")
    with pytest.raises(CodebookError, match=r'quote it, e.g. \{LOWER: "on"\}'):
        read_codebook(path)


def test_languages_default_to_those_the_file_uses(tmp_path):
    path = tmp_path / "codebook.yml"
    path.write_text("codes:\n  - id: a\n    label: {en: A, fr: Á}\n", encoding="utf-8")
    assert read_codebook(path).languages == ("en", "fr")
    path.write_text("codes:\n  - id: a\n    label: Seulement en français\n", encoding="utf-8")
    only_fr = read_codebook(path)
    assert only_fr.languages == ("fr",)
    assert only_fr.entry("a").label == {"fr": "Seulement en français"}


def test_unsupported_extension_is_refused(tmp_path, valid):
    with pytest.raises(ParameterError, match="RK-K21"):
        read_codebook(tmp_path / "codebook.json")
    with pytest.raises(ParameterError, match="RK-K21"):
        write_codebook(valid, tmp_path / "codebook.txt")
    assert not (tmp_path / "codebook.txt").exists()


def test_codebook_built_in_memory_checks_its_hierarchy():
    with pytest.raises(CodebookError) as info:
        Codebook((CodeEntry("a", parent="b", label={"fr": "A"}), CodeEntry("b", parent="a", label={"fr": "B"})),
                 languages=("fr",))
    assert [p.code for p in info.value.problems] == ["RK-K07"]
    # children given before their parents are put after them
    cb = Codebook((CodeEntry("b", parent="a", label={"fr": "B"}), CodeEntry("a", label={"fr": "A"})),
                  languages=("fr",))
    assert [e.code for e in cb.entries] == ["a", "b"]


def test_validate_codebook_checks_what_construction_does_not():
    bad = Codebook((CodeEntry("a", label={"fr": "A"}, rules={"fr": Rules(regex=("(",))}),), languages=("fr",))
    with pytest.raises(CodebookError, match="RK-K14"):
        validate_codebook(bad)
    good = Codebook((CodeEntry("a", label={"fr": "A"}),), languages=("fr",))
    assert validate_codebook(good) is good
    from_data = validate_codebook({"languages": ["fr"], "codes": [{"id": "a", "label": "A"}]})
    assert from_data == good


# --------------------------------------------------------------------------- writing


def test_round_trip_yaml_to_yaml(valid, tmp_path):
    path = write_codebook(valid, tmp_path / "out.yml")
    again = read_codebook(path)
    assert again == valid
    assert again.path == tmp_path / "out.yml"
    # writing the result again gives the same bytes: the format is stable for diffs
    text = path.read_text(encoding="utf-8")
    assert write_codebook(again, tmp_path / "again.yml").read_text(encoding="utf-8") == text
    assert "épuisés" in text and "&id" not in text and "children:" in text


def test_round_trip_yaml_to_csv_to_yaml(valid, tmp_path):
    csv_path = write_codebook(valid, tmp_path / "out.csv")
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read accents right
    from_csv = read_codebook(csv_path)
    assert from_csv == valid
    back = read_codebook(write_codebook(from_csv, tmp_path / "back.yml"))
    assert back == valid


def test_demo_round_trips_through_both_formats(demo, tmp_path):
    assert read_codebook(write_codebook(demo, tmp_path / "demo.csv")) == demo
    assert read_codebook(write_codebook(demo, tmp_path / "demo.yml")) == demo


def test_csv_header_starts_with_the_codes_schema(valid, tmp_path):
    path = write_codebook(valid, tmp_path / "out.csv")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["# title: Atelier test"] and rows[1] == ["# languages: fr, en"]
    assert rows[2][: len(CODES.names)] == CODES.names
    assert rows[4][0] == "care.fatigue" and rows[4][rows[2].index("lemmas_fr")] == "épuisement; fatigue; surcharge"


def test_csv_for_french_spreadsheets_uses_semicolons(valid, tmp_path):
    path = write_codebook(valid, tmp_path / "out.csv", delimiter=";")
    assert path.read_text(encoding="utf-8-sig").splitlines()[2].startswith("code;parent;label_fr;label_en;")
    assert read_codebook(path) == valid
    with pytest.raises(ParameterError, match="RK-P01"):
        write_codebook(valid, tmp_path / "other.csv", delimiter="|")


def test_failed_csv_write_leaves_the_existing_file_untouched(valid, tmp_path, monkeypatch):
    path = tmp_path / "codebook.csv"
    path.write_text("previous content\n", encoding="utf-8")
    real_row = codebook_io.csv_row
    calls = []

    def failing_row(entry, languages):
        calls.append(entry.code)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_row(entry, languages)

    monkeypatch.setattr(codebook_io, "csv_row", failing_row)
    with pytest.raises(RuntimeError, match="disk full"):
        write_codebook(valid, path)
    assert len(calls) == 3  # it did fail mid-way
    assert path.read_text(encoding="utf-8") == "previous content\n"
    assert sorted(os.listdir(tmp_path)) == ["codebook.csv"]  # no temporary file left


def test_failed_yaml_write_leaves_the_existing_file_untouched(valid, tmp_path, monkeypatch):
    path = tmp_path / "codebook.yml"
    path.write_text("previous: content\n", encoding="utf-8")

    def failing_dump(data):
        raise RuntimeError("cannot serialise")

    monkeypatch.setattr(codebook_io, "dump_yaml", failing_dump)
    with pytest.raises(RuntimeError):
        write_codebook(valid, path)
    assert path.read_text(encoding="utf-8") == "previous: content\n"


def test_failed_docx_write_leaves_the_existing_file_untouched(valid, tmp_path, monkeypatch):
    import docx.document

    path = tmp_path / "codebook.docx"
    path.write_bytes(b"previous")

    def failing_save(self, stream):
        stream.write(b"PK\x03\x04 half a zip")
        raise OSError("interrupted")

    monkeypatch.setattr(docx.document.Document, "save", failing_save)
    with pytest.raises(OSError, match="interrupted"):
        write_codebook_docx(valid, path)
    assert path.read_bytes() == b"previous"
    assert sorted(os.listdir(tmp_path)) == ["codebook.docx"]


# --------------------------------------------------------------------------- documents


def test_markdown_uses_the_chosen_language(valid):
    fr = codebook_markdown(valid, lang="fr")
    en = codebook_markdown(valid, lang="en")
    assert fr.startswith("# Atelier test\n")
    # the brief's Markdown: a heading of level n is "#" * n, like the title for level 1
    assert "\n# 1. Soin de l'équipe\n" in fr and "\n## 1.1 Épuisement\n" in fr
    assert "\n### 1.1.1 Travail de nuit\n" in fr
    assert "Care of the team" not in fr
    assert "\n# 1. Care of the team\n" in en and "\n## 1.1 Exhaustion\n" in en
    assert "**Quand ne pas l'utiliser.** Horaire seul." in fr
    assert "**When not to use.** Schedule alone." in en
    assert "\\[fr\\] Travail de nuit" in en  # missing English label: French, marked (brackets escaped)
    assert "«\u00a0On est épuisés.\u00a0»" in fr
    assert "`(?i)\\bburn-?out\\b`" in fr  # rules summary, regex as code
    assert '`[{"LEMMA": "être"}, {"LEMMA": "épuiser"}]`' in fr
    assert "Dossier" in fr and "Folder" in en  # the folder is said to be one
    with pytest.raises(ParameterError, match="RK-P01"):
        codebook_markdown(valid, lang="de")


def _texts(entry, lang, languages):
    """What the document must show of ``entry``: its texts in ``lang``, else in another language."""
    out = [entry.code]
    for name in ("label", "definition", "when_to_use", "when_not_to_use"):
        texts = getattr(entry, name)
        shown = texts.get(lang) or next((texts[x] for x in languages if texts.get(x)), None)
        if shown:
            out.append(shown)
    out += entry.examples.get(lang) or next((entry.examples[x] for x in languages if entry.examples.get(x)), ())
    return out


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_documents_show_every_code_label_definition_and_example(valid, demo, lang, tmp_path):
    import docx

    for codebook in (valid, demo):
        markdown = codebook_markdown(codebook, lang=lang).replace("\\", "")   # Markdown escapes: \[ \_ …
        document = docx.Document(str(write_codebook_docx(codebook, tmp_path / "c.docx", lang=lang)))
        word = "\n".join(p.text for p in document.paragraphs).replace("\xa0", " ")  # guillemets tied
        for entry in codebook.entries:
            for text in _texts(entry, lang, codebook.languages):
                assert text in markdown, (entry.code, text)
                assert text in word, (entry.code, text)


def test_codebook_blocks_are_brief_blocks(valid):
    from research_kit.blocks import check_block

    blocks = codebook_blocks(valid, lang="en")
    assert [check_block(b)["kind"] for b in blocks][:3] == ["meta", "heading", "bullets"]
    assert blocks[0]["title"] == "Atelier test" and blocks[0]["lang"] == "en"
    headings = [b for b in blocks if b["kind"] == "heading"]
    assert [(b["level"], b["color"]) for b in headings[1:3]] == [(1, "#E69F00"), (2, None)]
    for function in (codebook_blocks, codebook_markdown):
        with pytest.raises(ParameterError, match="RK-P01"):
            function(valid, lang="de")
    with pytest.raises(ParameterError, match="RK-P01"):
        write_codebook_docx(valid, "never.docx", lang="de")


def test_docx_has_real_headings_for_the_hierarchy(valid, tmp_path):
    import docx

    path = write_codebook_docx(valid, tmp_path / "codebook.docx", lang="fr")
    document = docx.Document(str(path))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "■ 1. Soin de l'équipe") in headings
    swatch = next(p for p in document.paragraphs if p.text == "■ 1. Soin de l'équipe").runs[0]
    assert str(swatch.font.color.rgb) == "E69F00"  # the square takes the code's colour
    assert ("Heading 2", "1.1 Épuisement") in headings
    assert ("Heading 3", "1.1.1 Travail de nuit") in headings
    assert ("Heading 2", "2.1 Ne pas être écouté·es") in headings
    assert document.paragraphs[0].style.name == "Title" and document.paragraphs[0].text == "Atelier test"
    assert document.core_properties.title == "Atelier test"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Définition. Ce que l'équipe dit de son bien-être." in text


# --------------------------------------------------------------------------- demo


def test_demo_codebook_is_rich_and_bilingual(demo):
    assert len(demo) >= 16
    assert demo.languages == ("fr", "en")
    assert set(demo.codes["depth"]) == {0, 1}
    both = [e.code for e in demo.entries if e.rules.get("fr") and e.rules.get("en")]
    assert len(both) >= 16
    assert all(e.label.get("fr") and e.label.get("en") and e.definition.get("fr") and e.definition.get("en")
               for e in demo.entries)
    okabe_ito = set(OKABE_ITO)
    assert all(color in okabe_ito for color in demo.codes["color"].dropna())
    assert demo.codes["color"].notna().sum() == (demo.codes["depth"] == 0).sum()
    top = set(demo.codes.loc[demo.codes["depth"] == 0, "code"])
    assert top == {"care", "tensions", "relation", "recommendations", "needs", "power", "conditions", "feedback"}
    assert demo.descendants("conditions", include_self=False) == [
        "conditions.schedule", "conditions.childcare", "conditions.transport",
        "conditions.interpretation", "conditions.accessibility"]


FR_EXPRESSIONS = [
    "épuisement", "fatigue", "prendre soin de nous", "surcharge", "ventiler", "dilemme", "malaise",
    "c'est pas notre rôle", "neutralité", "lien de confiance", "écoute", "accompagnement", "il faudrait",
    "on devrait", "ce serait bien de", "je propose", "je recommande", "on a besoin de", "il nous manque",
    "formation", "supervision", "prendre la parole", "on ne nous écoute pas", "qui décide", "pouvoir d'agir",
    "horaire", "garderie", "halte-garderie", "transport", "interprète", "traduction", "accessibilité",
    "faire un retour", "restitution", "rendre compte", "boucler la boucle",
]
EN_EXPRESSIONS = [
    "burnout", "exhaustion", "workload", "take care of ourselves", "dilemma", "it's not our role", "trust",
    "listening", "we should", "I recommend", "it would be good to", "we need", "training", "who decides",
    "nobody listens", "give people a voice", "schedule", "childcare", "transport", "interpretation",
    "translation", "accessibility", "report back", "close the loop",
]


@pytest.mark.parametrize(("lang", "expressions"), [("fr", FR_EXPRESSIONS), ("en", EN_EXPRESSIONS)])
def test_demo_rules_cover_the_transcripts_expressions(demo, lang, expressions):
    said = {x.lower() for r in demo.rules(lang).values() for x in (*r.lemmas, *r.phrases)}
    assert [x for x in expressions if x.lower() not in said] == []


# --------------------------------------------------------------------------- _yaml


def test_load_yaml_with_lines_locates_keys_and_items():
    text = "title: T\ncodes:\n  - id: a\n    rules:\n      fr:\n        lemmas:\n          - x\n          - y\n"
    data, lines = load_yaml_with_lines(text, path="m.yml")
    assert data == yaml.safe_load(text)
    assert lines[()] == 1 and lines[("title",)] == 1
    assert lines[("codes", 0)] == 3 and lines[("codes", 0, "id")] == 3
    assert lines[("codes", 0, "rules", "fr", "lemmas", 1)] == 8
    assert line_of(lines, ("codes", 0, "label", "fr")) == 3  # missing: its nearest parent
    assert load_yaml_with_lines("", path="m.yml") == (None, {})


def test_load_yaml_errors_name_the_path_and_line():
    with pytest.raises(InputFileError, match=r"\[RK-C01\] corpus.yml, line 2:") as info:
        load_yaml_with_lines("a: 1\nb: [1,\n", path="corpus.yml")
    assert info.value.line == 2
    with pytest.raises(InputFileError, match=r"line 3: the key \"a\" is given twice.*first on line 1"):
        load_yaml_with_lines("a: 1\nb: 2\na: 3\n", path="corpus.yml")
    with pytest.raises(InputFileError, match="tabs"):
        load_yaml_with_lines("a:\n\t- b\n", path="corpus.yml")
    with pytest.raises(InputFileError, match="RK-C01"):  # unsafe tags are refused
        load_yaml_with_lines("a: !!python/object/apply:os.getcwd []\n", path="corpus.yml")
    with pytest.raises(InputFileError, match=r"\[RK-K01\]"):
        load_yaml_with_lines("a: b: c\n", path="codebook.yml", code="RK-K01")


def test_dump_yaml_is_readable_and_round_trips():
    shared = ["fr", "en"]
    data = {
        "title": "Médiation: « participation »",
        "languages": shared,
        "other": shared,
        "flags": ["yes", "on", "1.0", "#x"],
        "text": "Ligne 1\nLigne 2",
        "patterns": [[{"LEMMA": "prendre"}, {"LEMMA": {"IN": ["soin", "garde"]}}]],
        "items": [{"id": "a"}],
    }
    text = dump_yaml(data)
    assert yaml.safe_load(text) == data
    assert "&" not in text and "*" not in text  # no anchors or aliases
    assert "Médiation" in text and "\\u" not in text
    assert list(yaml.safe_load(text)) == list(data)  # insertion order
    assert "languages: [fr, en]\n" in text
    assert "text: |-\n  Ligne 1\n  Ligne 2\n" in text
    assert "  - [{LEMMA: prendre}, {LEMMA: {IN: [soin, garde]}}]\n" in text
    assert "items:\n  - id: a\n" in text


def test_fast_read_checks_pattern_shapes_without_spacy(tmp_path):
    import subprocess
    import sys

    code = ("import sys; from research_kit.codebook import read_codebook; "
            "cb = read_codebook('corpora/demo/codebook.yml', check_patterns=False); "
            "print(len(cb), 'spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent)
    n, imported = out.stdout.split()
    assert int(n) >= 16 and imported == "False"


def test_yaml_codable_accepts_the_words_csv_accepts(tmp_path):
    from research_kit.codebook import read_codebook

    path = tmp_path / "cb.yml"
    path.write_text("languages: [fr]\ncodes:\n  - id: dossier\n    label: Dossier\n    codable: non\n"
                    "    children:\n      - id: dossier.a\n        label: A\n        codable: oui\n", encoding="utf-8")
    codes = read_codebook(path).codes.set_index("code")["codable"]
    assert codes.to_dict() == {"dossier": False, "dossier.a": True}
