"""One small module per input format.

Every reader turns one file into one or more :class:`ParsedDocument`: turns with a
speaker (or ``None`` when the file does not say), text, and times when the format
carries them, plus what the file itself declares: variables (front matter, IRaMuTeQ
star lines, TEI headers), speakers' attributes (Transcriber ``<Speaker>``, CHAT
``@ID``, TEI ``<person>``), non-speech events (laughter, noise, comments, incidents)
and, for annotated formats (CoNLL-U), gold tokens. Readers know nothing of manifests,
roles or offsets: ``corpus.py`` applies those, in one place, to whatever the readers
return.

Text formats receive the decoded, newline-normalised text (see
:func:`research_kit._io.read_text`) and the path for messages; binary and XML formats
(DOCX, Transcriber, ELAN, TEI) receive the file's path and decode it themselves (an XML
declaration names its encoding). A reader raises
:class:`~research_kit.errors.InputFileError` naming the path and the line (or element)
for anything it cannot read.

Every reader has the signature ``parse_<format>(source, *, path, options=None)``:
``source`` is the text or the file's :class:`~pathlib.Path`, ``path`` is how messages
name the file, ``options`` the file's reader settings from ``corpus.yml`` (e.g.
``non_speaker_tiers``). :data:`FORMATS` says which is which.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ParsedTurn", "ParsedEvent", "ParsedToken", "TokenColumns", "ParsedDocument", "Reader", "FORMATS", "EVENT_KINDS"]


@dataclass(slots=True)
class ParsedToken:
    """One gold token of an annotated transcript (CoNLL-U); offsets count in its turn's text."""

    start: int
    end: int
    text: str
    lemma: str | None = None
    pos: str | None = None
    sentence: int = 0  # sentence index in the document, from 0


class TokenColumns(Sequence):
    """A turn's gold tokens held as columns (a treebank's million tokens are not a million
    objects); reads as a list of :class:`ParsedToken`."""

    __slots__ = ("start", "end", "text", "lemma", "pos", "sentence")

    def __init__(self, start: list[int], end: list[int], text: list[str], lemma: list[str | None],
                 pos: list[str | None], sentence: list[int]) -> None:
        self.start, self.end, self.text, self.lemma, self.pos, self.sentence = start, end, text, lemma, pos, sentence

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return list(map(ParsedToken, self.start[i], self.end[i], self.text[i], self.lemma[i], self.pos[i],
                            self.sentence[i]))
        return ParsedToken(self.start[i], self.end[i], self.text[i], self.lemma[i], self.pos[i], self.sentence[i])

    def __iter__(self):
        return map(ParsedToken, self.start, self.end, self.text, self.lemma, self.pos, self.sentence)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"TokenColumns({len(self)} tokens)"


@dataclass
class ParsedTurn:
    speaker: str | None  # None: the file does not name the speaker
    text: str
    start_s: float | None = None
    end_s: float | None = None
    #: gold tokens (CoNLL-U), None when the format has none; left out of the repr
    tokens: list[ParsedToken] | TokenColumns | None = field(default=None, repr=False)


#: Kinds of non-speech events; a reader maps its format's own names onto these.
EVENT_KINDS = ("laughter", "noise", "applause", "pause", "interruption", "comment", "background",
               "incident", "gesture", "vocal", "event")


@dataclass
class ParsedEvent:
    """Something that happened and is not speech: laughter, a noise, a transcriber's comment.

    ``position`` is the number of the document's turns (in :attr:`ParsedDocument.turns`)
    before the event: 0 before the first turn, ``len(turns)`` after the last; an event
    inside a turn has that turn's index + 1 if it was read after the turn was opened.
    """

    kind: str  # one of EVENT_KINDS
    text: str  # the description as the transcript gives it ("rire", "applaudissements")
    position: int
    start_s: float | None = None
    end_s: float | None = None
    speaker: str | None = None  # whose laughter or gesture, when the format says
    line: int | None = None  # line of the source file, for messages


@dataclass
class ParsedDocument:
    turns: list[ParsedTurn]
    variables: dict[str, Any] = field(default_factory=dict)  # front matter, star lines, headers
    title: str | None = None
    suffix: str | None = None  # distinguishes texts of a multi-text file ("001", an *id_ value)
    #: speaker label (as in ``ParsedTurn.speaker``) -> attributes the file gives
    #: (``name``, ``role``, ``gender``, ``age``, ``dialect``…); a ``role`` is the default role
    speakers: dict[str, dict[str, str]] = field(default_factory=dict)
    events: list[ParsedEvent] = field(default_factory=list)
    layout: str | None = None  # which layout a text reader recognised ("speaker-line", "label"…)


@dataclass(frozen=True)
class Reader:
    """Where a format's reader lives and what it takes."""

    module: str  # under research_kit.readers
    function: str
    takes: str  # "text" (decoded text) or "path" (the file)
    suffixes: tuple[str, ...] = ()


#: format name -> its reader. ``txt``, ``md`` and ``iramuteq`` share ``text``/``iramuteq``.
FORMATS: Mapping[str, Reader] = {
    "txt": Reader("text", "parse_txt", "text", (".txt", ".text")),
    "md": Reader("text", "parse_md", "text", (".md", ".markdown")),
    "iramuteq": Reader("iramuteq", "parse_iramuteq", "text"),
    "vtt": Reader("vtt", "parse_vtt", "text", (".vtt",)),
    "srt": Reader("srt", "parse_srt", "text", (".srt",)),
    "docx": Reader("docx", "parse_docx", "path", (".docx",)),
    "csv": Reader("csv", "parse_csv", "text", (".csv", ".tsv")),
    "textgrid": Reader("textgrid", "parse_textgrid", "text", (".textgrid",)),
    "trs": Reader("trs", "parse_trs", "path", (".trs",)),
    "eaf": Reader("eaf", "parse_eaf", "path", (".eaf",)),
    "chat": Reader("chat", "parse_chat", "text", (".cha",)),
    "tei": Reader("tei", "parse_tei", "path", (".xml", ".tei")),
    "conllu": Reader("conllu", "parse_conllu", "text", (".conllu", ".conll")),
    "whisper": Reader("whisper", "parse_whisper", "text", (".json",)),
}


def options_get(options: Mapping[str, Any] | None, key: str, default: Any = None) -> Any:
    """``options[key]`` or ``default`` (``options`` may be ``None``)."""
    if not options:
        return default
    value = options.get(key)
    return default if value is None else value
