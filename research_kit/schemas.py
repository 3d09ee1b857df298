"""Every frame's columns, declared once.

Frames are plain pandas DataFrames. Shared column names join them: ``doc_id``,
``turn``, ``speaker``, ``role``, ``start_s``, ``end_s``, ``start_char``,
``end_char``, ``code``, ``coder``. ``docs/frames.md`` is generated from this module
(``python -m research_kit.schemas > docs/frames.md``), so the two never disagree.

Character offsets
-----------------
A document's *text* is its turns' texts joined by :data:`TURN_SEPARATOR`, in turn
order. Every ``start_char``/``end_char`` in every frame counts Unicode code points
from 0 in that text, end exclusive, as Python slices do:
``corpus.text(doc_id)[start_char:end_char]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .errors import SchemaError

__all__ = [
    "TURN_SEPARATOR",
    "UNKNOWN_SPEAKER",
    "Column",
    "Schema",
    "DOCUMENTS",
    "TURNS",
    "EVENTS",
    "SPEAKERS",
    "PROBLEMS",
    "TOKENS",
    "CODES",
    "CODINGS",
    "NOTES",
    "DROPPED",
    "REPLACEMENTS",
    "SCHEMAS",
    "validate_frame",
    "empty_frame",
]

#: What joins two turns in a document's text.
TURN_SEPARATOR = "\n\n"

#: The speaker of a turn whose speaker the transcript does not name.
UNKNOWN_SPEAKER = "?"


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    description: str


@dataclass(frozen=True)
class Schema:
    """The declared columns of one kind of frame, in order."""

    name: str
    description: str
    columns: tuple[Column, ...]
    extra_columns: str = ""  # what further columns mean, if the frame allows them

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def dtypes(self) -> dict[str, str]:
        return {c.name: c.dtype for c in self.columns}


DOCUMENTS = Schema(
    "documents",
    "One row per transcript (a multi-text file such as an IRaMuTeQ corpus gives several).",
    (
        Column("doc_id", "string", "Identifier, unique in the corpus: the manifest's `id`, else the file stem (the relative path when stems clash), with `-NNN` per text of a multi-text file."),
        Column("title", "string", "Title from the manifest, front matter or Markdown heading, else the doc_id."),
        Column("path", "string", "File path relative to the corpus folder, with `/` separators."),
        Column("format", "string", "Reader used: txt, md, vtt, srt, docx, csv, iramuteq, textgrid, trs, eaf, "
                                   "chat, tei, conllu, whisper, qdpx."),
        Column("layout", "string", "How the reader found the turns, when a format has several layouts (text: `label` for "
               "`NAME: text`, `speaker-line` for a name on a line of its own, `header` for `Name  0:12` lines, `none`; "
               "TextGrid: `long`, `short`; ELAN: `eaf`; TEI: `u`, `sp`, `u+sp`; CoNLL-U: `cefc`, `conllu-plus`; "
               "Whisper: `whisper`, `whisperx`, `faster-whisper`, `whisper.cpp`), else NA."),
        Column("language", "string", "ISO 639-1 code: manifest or front matter, else detected from the text, else the corpus default."),
        Column("date", "datetime64[ns]", "Session date, NaT when unknown."),
        Column("n_turns", "int64", "Number of turns."),
        Column("n_speakers", "int64", "Number of distinct speakers, `?` included."),
        Column("n_words", "int64", "Number of words (see `research_kit.corpus.count_words`)."),
        Column("n_chars", "int64", "Length of the document text in code points."),
        Column("duration_s", "float64", "Last turn's end minus first turn's start, NaN without timestamps."),
    ),
    extra_columns="One column per document variable (project, site, session_type, group…), "
    "named as in the manifest, string or NA; `Corpus.variables` lists them.",
)

TURNS = Schema(
    "turns",
    "One row per speaker turn, in document order.",
    (
        Column("doc_id", "string", "Document."),
        Column("turn", "int64", "Index of the turn in its document, from 0."),
        Column("speaker", "string", f"Speaker as the transcript names them; `{UNKNOWN_SPEAKER}` when it does not."),
        Column("role", "string", "Role from the manifest (per document, else corpus-wide), NA when none is given."),
        Column("start_s", "float64", "Start time in seconds, NaN when unknown."),
        Column("end_s", "float64", "End time in seconds, NaN when unknown."),
        Column("text", "string", "What was said, Unicode NFC, paragraphs joined by a newline."),
        Column("start_char", "int64", "Offset of the turn's first character in the document text."),
        Column("end_char", "int64", "Offset just past the turn's last character."),
        Column("n_words", "int64", "Number of words in the turn."),
    ),
    extra_columns="One column per speaker attribute that a transcript (Transcriber `<Speaker>`, CHAT `@ID`, "
    "TEI `<person>`) or the manifest's `speakers:` table gives (gender, age, dialect, organisation…), "
    "string or NA; `Corpus.speaker_variables` lists them.",
)

EVENTS = Schema(
    "events",
    "Non-speech events: laughter, noise, applause, pauses, interruptions, transcribers' comments. "
    "They are not turns and never count as words.",
    (
        Column("doc_id", "string", "Document."),
        Column("turn", "Int64", "The turn the event happens in or after; NA before the first turn."),
        Column("kind", "string", "laughter, noise, applause, pause, interruption, comment, background, "
                                 "incident, gesture, vocal or event."),
        Column("text", "string", "The description as the transcript gives it."),
        Column("speaker", "string", "Whose laughter, gesture or interruption, NA when the transcript does not say."),
        Column("start_s", "float64", "Start time in seconds, NaN when unknown."),
        Column("end_s", "float64", "End time in seconds, NaN when unknown."),
    ),
)

SPEAKERS = Schema(
    "speakers",
    "One row per speaker of a document, with what the sources say of them.",
    (
        Column("doc_id", "string", "Document."),
        Column("speaker", "string", "Speaker label, as in the turns."),
        Column("role", "string", "Role (manifest, else speakers table, else transcript), NA when none."),
    ),
    extra_columns="One column per speaker attribute (name, gender, age, dialect, party…), string or NA.",
)

PROBLEMS = Schema(
    "problems",
    "What `read_corpus(..., errors=\"collect\")` could not read; one row per problem.",
    (
        Column("path", "string", "File concerned, relative to the corpus folder when inside it."),
        Column("line", "Int64", "Line number in that file, NA when the problem is the whole file."),
        Column("code", "string", "Error code, e.g. `RK-R03`; see docs/errors.md."),
        Column("message", "string", "What is wrong and what to do."),
    ),
)

TOKENS = Schema(
    "tokens",
    "One row per token, from `annotate(corpus)`.",
    (
        Column("doc_id", "category", "Document. Categorical, like `pos`, `ent_type` and `language`: a small code "
               "per token, categories sorted; compare with `==` or `isin` and group on it as on a string."),
        Column("turn", "int64", "Turn index in the document."),
        Column("sentence", "int64", "Sentence index in the document, from 0."),
        Column("token", "int64", "Token index in the document, from 0."),
        Column("text", "string", "Token as written."),
        Column("lemma", "string", "Lemma, lower-cased."),
        Column("pos", "category", "Coarse universal part of speech (NOUN, VERB, …); `X` when unknown."),
        Column("is_stop", "bool", "Stop word, oral filler or discourse marker."),
        Column("is_punct", "bool", "Punctuation."),
        Column("is_space", "bool", "White space (kept so offsets stay contiguous)."),
        Column("is_pseudonym", "bool", "Part of a pseudonym or placeholder that pseudonymisation wrote (`Personne 4`, "
               "`Médiateur·rice 2`, `[adresse]`, `[lieu 3]`): not a word anyone said. Counts, keyness, collocations, "
               "Reinert classes and rules leave these tokens out unless asked (`drop_pseudonyms=False`)."),
        Column("ent_type", "category", "Named-entity type (PER, LOC, ORG, MISC / PERSON, GPE, …), empty when none, "
               "and everywhere unless entities were asked for (`annotate(corpus, entities=True)`)."),
        Column("start_char", "int64", "Offset of the token in the document text."),
        Column("end_char", "int64", "Offset just past the token."),
        Column("language", "category", "Language of the pipeline that annotated the token."),
    ),
)

CODES = Schema(
    "codes",
    "One row per code of a codebook, parents before children.",
    (
        Column("code", "string", "Code identifier, unique in the codebook."),
        Column("parent", "string", "Parent code identifier, NA for a top-level code."),
        Column("label_fr", "string", "Label in French."),
        Column("label_en", "string", "Label in English."),
        Column("definition_fr", "string", "Definition in French."),
        Column("definition_en", "string", "Definition in English."),
        Column("color", "string", "Colour as #RRGGBB, NA when unset."),
        Column("codable", "bool", "False for a folder that only groups codes."),
    ),
    extra_columns="Codebook files carry more per code (when to use, examples, rules); "
    "`Codebook` keeps them, this frame shows what analyses need.",
)

CODINGS = Schema(
    "codings",
    "One row per coded segment. A codings file may carry further columns, kept as they are: the "
    "workbench's adjudicated files add `decision`, `unit`, `votes`, `basis` and `decided_by`.",
    (
        Column("doc_id", "string", "Document."),
        Column("start_char", "int64", "Offset of the segment's first character in the document text."),
        Column("end_char", "int64", "Offset just past the segment."),
        Column("code", "string", "Code identifier."),
        Column("coder", "string", "Who coded: a person's name or initials, or `rules`."),
        Column("memo", "string", "Optional note, NA when none."),
        Column("coded_at", "datetime64[ns, UTC]", "When the segment was coded, NaT when unknown."),
    ),
)

NOTES = Schema(
    "notes",
    "Memos, notes and annotations of a QDA project; one row per note and place it is attached to.",
    (
        Column("note_id", "string", "The note's GUID in the project (an annotation's: its selection's)."),
        Column("kind", "string", "`project`, `document`, `selection`, `annotation` (a selection with a comment and no code), `code` or `memo` (attached to nothing)."),
        Column("doc_id", "string", "Document the note is attached to, NA when none."),
        Column("start_char", "Int64", "Start of the annotated segment in the document text, NA for a whole document or none."),
        Column("end_char", "Int64", "End of the annotated segment, NA when none."),
        Column("code", "string", "Code the note is attached to, NA when none."),
        Column("author", "string", "Who wrote it (the project's user), NA when unknown."),
        Column("created", "datetime64[ns, UTC]", "When it was written, NaT when unknown."),
        Column("title", "string", "The note's name, NA when none."),
        Column("text", "string", "The note's text."),
    ),
)

DROPPED = Schema(
    "dropped",
    "What an import did not carry over; one row per element.",
    (
        Column("element", "string", "XML element (TextSource, PDFSource, PlainTextSelection, Link, Set…) or archive member."),
        Column("id", "string", "Its GUID, NA when it has none."),
        Column("name", "string", "Its name, NA when it has none."),
        Column("code", "string", "Error code (`RK-Qxx`), see docs/qda.md."),
        Column("reason", "string", "Why it was not carried over and what to do."),
        Column("line", "Int64", "Line in the .qde file, NA when unknown."),
    ),
)

REPLACEMENTS = Schema(
    "replacements",
    "What pseudonymise(report=True) replaced: one row per replaced string. Holds the originals: "
    "for the researcher's eyes only.",
    (
        Column("doc_id", "string", "Document in the original corpus."),
        Column("new_doc_id", "string", "The same document in the pseudonymised corpus."),
        Column("field", "string", "Where: `text`, `speaker`, `title`, `doc_id`, `path`, `variable:<name>`."),
        Column("start_char", "Int64", "Offset in the original document text (`text` rows), else NA."),
        Column("end_char", "Int64", "Offset just past the original string (`text` rows), else NA."),
        Column("new_start_char", "Int64", "Offset of the replacement in the pseudonymised text, else NA."),
        Column("new_end_char", "Int64", "Offset just past the replacement, else NA."),
        Column("category", "string", "speaker, person, place, organisation, email, phone, address, "
                                             "postal_code, birth_date, age, occupation, doc_id; kept (found and "
                                             "left as it is: replacement = original; `detector` says why)."),
        Column("detector", "string", "What found it: names (your list), speaker, ner, key (an earlier "
                                             "run), variable, pattern, slug; street, facility, local place, "
                                             "public place, organisation, acronym, birth date, age, occupation; "
                                             "for a name that is also a common "
                                             "word the evidence (capitalised, note, verb, addressed, civility, "
                                             "relative, possessive, name variable, known in this document) or "
                                             "`common word` for a kept mention; for a place or detail the policy "
                                             "keeps, its kind and the policy (`age, policy local`)."),
        Column("risk", "string", "How much it helps name someone: high (people, contact details, streets, "
                                 "facilities, small places, dates of birth), medium (organisations, ages, "
                                 "occupations, names kept as common words), low (public places, acronyms); "
                                 "NA for document renames."),
        Column("original", "string", "The string as written in the original."),
        Column("replacement", "string", "What replaced it."),
        Column("context", "string", "Up to 40 characters either side in the original, the string in [[ ]]."),
    ),
)

SCHEMAS: dict[str, Schema] = {s.name: s for s in (DOCUMENTS, TURNS, EVENTS, SPEAKERS, PROBLEMS, TOKENS, CODES, CODINGS, NOTES, DROPPED,
                                                   REPLACEMENTS)}


def empty_frame(schema: Schema) -> pd.DataFrame:
    """An empty frame with the schema's columns and dtypes."""
    return pd.DataFrame({c.name: pd.Series(dtype=c.dtype) for c in schema.columns})


def validate_frame(frame: pd.DataFrame, schema: Schema, *, argument: str = "frame") -> pd.DataFrame:
    """Check that ``frame`` has the schema's columns; return it unchanged.

    Raises
    ------
    SchemaError
        ``RK-S01`` naming the missing columns and the function argument.
    """
    if not isinstance(frame, pd.DataFrame):
        raise SchemaError(
            "RK-S02",
            f"{argument} must be a pandas DataFrame of {schema.name}; got {type(frame).__name__}.",
        )
    missing = [c for c in schema.names if c not in frame.columns]
    if missing:
        raise SchemaError(
            "RK-S01",
            f"{argument} is not a {schema.name} frame: it lacks the column(s) {', '.join(missing)}.",
            hint=f"A {schema.name} frame has the columns {', '.join(schema.names)} (see docs/frames.md).",
        )
    return frame


def markdown() -> str:
    """``docs/frames.md``: every schema as a Markdown table."""
    return _markdown()


def _markdown() -> str:
    out = [
        "# Frames",
        "",
        "Generated from `research_kit/schemas.py` (`research_kit.schemas.markdown()`); edit that file, not this one. A test checks that the two agree.",
        "",
        "**Character offsets.** A document's text is its turns' texts joined by a blank line "
        f"({TURN_SEPARATOR!r}), in turn order. Every `start_char`/`end_char` in every frame counts Unicode "
        "code points from 0 in that text, end exclusive, as Python slices do: "
        "`corpus.text(doc_id)[start_char:end_char]`.",
        "",
    ]
    for schema in SCHEMAS.values():
        out += [f"## {schema.name}", "", schema.description, "", "| column | dtype | meaning |", "|---|---|---|"]
        out += [f"| `{c.name}` | {c.dtype} | {c.description} |" for c in schema.columns]
        if schema.extra_columns:
            out += ["", schema.extra_columns]
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(_markdown())
