"""Whisper transcripts as JSON (``.json``): openai-whisper, WhisperX, faster-whisper, whisper.cpp.

The speech recognisers of the Whisper family write a JSON file of timed segments::

    {"text": " Bonjour à tous. On commence.",
     "segments": [{"id": 0, "seek": 0, "start": 0.0, "end": 2.1, "text": " Bonjour à tous.",
                   "tokens": [50364, 2425], "temperature": 0.0, "avg_logprob": -0.21,
                   "compression_ratio": 1.3, "no_speech_prob": 0.01,
                   "speaker": "SPEAKER_00"}],
     "language": "fr"}

What is read
------------
Files
    ``whisper --output_format json`` (openai-whisper) and the OpenAI API's
    ``verbose_json`` and diarised JSON: an object with a ``segments`` list. WhisperX
    writes the same, with a ``speaker`` in each segment once diarised, ``words`` (which
    may lack ``start`` and ``end`` when they could not be aligned, as numbers often are)
    and a top-level ``word_segments``. faster-whisper has no writer of its own; its
    segments dumped as a list of objects, or as ``{"segments": [...], "info": {...}}``,
    are read. whisper.cpp (``-oj``) writes a ``transcription`` list whose items have
    ``offsets`` (milliseconds) and ``timestamps`` (``00:00:03,200``); with ``-di`` a
    ``speaker`` (``0``, ``1``, ``?`` when unsure), with tinydiarize
    ``speaker_turn_next``. The OpenAI API's plain JSON, ``{"text": "..."}``, is one
    turn without times. One level of wrapping (``{"output": {...}}``, as hosted
    services return it) is looked through.
Turns
    Consecutive segments of one speaker make one turn (joined by a space; without one
    in Chinese, Japanese, Thai… when Whisper wrote none), with the first segment's
    start and the last one's end; segments without a speaker (``None``) are merged
    likewise, except across a tinydiarize speaker change (``speaker_turn_next``, or
    ``[SPEAKER_TURN]`` in the text), which starts a new turn. Whisper's leading space
    is stripped. A speaker is labelled as the file writes it (``SPEAKER_00``, ``1``);
    whisper.cpp's ``?`` is no speaker. Confidence values (``avg_logprob``,
    ``no_speech_prob``, word ``score``/``probability``) are not read.
Events
    What Whisper writes for sounds that are not speech is kept out of the words: any
    ``[...]`` (``[Musique]``, ``[Rires]``, ``[BLANK_AUDIO]``, ``[inaudible]``), and
    ``(...)`` or ``*...*`` when they name a sound (``(rires)``, ``*applaudissements*``,
    ``(upbeat music)``), and ``♪`` music marks. Their kind is ``laughter``,
    ``applause``, ``background`` (music), ``pause`` (silence, blank audio),
    ``noise``, ``vocal`` (coughs, sighs), else ``event``; their speaker is the
    segment's, and their times the segment's when the segment holds nothing else.
Variables
    ``language`` from the file's ``language`` (or faster-whisper's ``info``,
    whisper.cpp's ``result``, a hosted service's ``detected_language``), as an ISO 639-1
    code: ``"fr"`` as it is, ``"french"`` or ``"French"`` (the OpenAI API, the
    ``--language`` option as typed) made ``"fr"``; anything else (``"auto"``) is left out.

Error codes
-----------
``RK-R63``
    Not valid JSON (the line and column are named; a file cut short, or JSON Lines).
``RK-R64``
    JSON that is not a Whisper transcript: no ``segments`` or ``transcription`` list,
    or a list none of whose first items is a segment with a ``text`` (the message names
    what was found, such as the top-level keys). Every ``.json``
    file of a corpus folder is read as Whisper's: list other JSON files under
    ``exclude:``.
``RK-R65``
    A segment without text, with a time that is not a number, or that ends before it
    starts (the segment is named by its index).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from .._io import collector_paused
from ..errors import InputFileError
from . import ParsedDocument, ParsedEvent, ParsedTurn

__all__ = ["parse_whisper"]

_API_KEYS = frozenset({"text", "task", "language", "duration", "usage", "logprobs", "words"})
_WRAPPERS = ("output", "result", "results", "data", "transcript")
_TURN_MARKS_RE = re.compile(r"\s*\[(?:SPEAKER_TURN|_SOLM_)\]\s*")
_TIMESTAMP_RE = re.compile(r"(\d+):([0-5]\d):([0-5]\d)(?:[,.](\d{1,3}))?$")
_MARKED_RE = re.compile(r"\[([^\[\]\n]{0,80})\]|\(([^()\n]{1,80})\)|\*([^*\n]{1,80})\*|♪+([^♪\n]{0,120})♪+|♪")
_SPACES_RE = re.compile(r"[ \t\n\r\f\v]+")  # not \s: keeps French no-break spaces
_NO_SPACE_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "my", "km", "bo"})
_KINDS = (
    ("laughter", re.compile(r"\bri(?:re|res|t|ent|ant)\b|rigol|laugh|gigg|chuckl", re.I)),
    ("applause", re.compile(r"applau|clapp|bravo", re.I)),
    ("background", re.compile(r"musi|♪|générique|jingle|chant", re.I)),
    ("pause", re.compile(r"silen|blank|pause", re.I)),
    ("vocal", re.compile(r"\btou(?:x|sse|ssent)\b|cough|soupir|sigh|respir|breath|raclement|sniff|reniflement"
                         r"|bâill|yawn", re.I)),
    ("noise", re.compile(r"bruit|noise|sound|\bsons\b|static|grésill|\bbips?\b|beep|sonnerie|ringing|clics?\b"
                         r"|clicks?\b|knock|frapp", re.I)),
)
# English names of Whisper's languages (the OpenAI API and --language write them) -> ISO 639-1
_NAMES = {
    "afrikaans": "af", "albanian": "sq", "amharic": "am", "arabic": "ar", "armenian": "hy", "azerbaijani": "az",
    "basque": "eu", "belarusian": "be", "bengali": "bn", "bosnian": "bs", "breton": "br", "bulgarian": "bg",
    "burmese": "my", "catalan": "ca", "valencian": "ca", "chinese": "zh", "mandarin": "zh", "croatian": "hr",
    "czech": "cs", "danish": "da", "dutch": "nl", "flemish": "nl", "english": "en", "estonian": "et",
    "faroese": "fo", "finnish": "fi", "french": "fr", "galician": "gl", "georgian": "ka", "german": "de",
    "greek": "el", "gujarati": "gu", "haitian creole": "ht", "haitian": "ht", "hausa": "ha", "hebrew": "he",
    "hindi": "hi", "hungarian": "hu", "icelandic": "is", "indonesian": "id", "italian": "it", "japanese": "ja",
    "javanese": "jv", "kannada": "kn", "kazakh": "kk", "khmer": "km", "korean": "ko", "lao": "lo", "latin": "la",
    "latvian": "lv", "lingala": "ln", "lithuanian": "lt", "luxembourgish": "lb", "letzeburgesch": "lb",
    "macedonian": "mk", "malagasy": "mg", "malay": "ms", "malayalam": "ml", "maltese": "mt", "maori": "mi",
    "marathi": "mr", "mongolian": "mn", "nepali": "ne", "norwegian": "no", "nynorsk": "nn", "occitan": "oc",
    "pashto": "ps", "pushto": "ps", "persian": "fa", "polish": "pl", "portuguese": "pt", "punjabi": "pa",
    "panjabi": "pa", "romanian": "ro", "moldavian": "ro", "russian": "ru", "sanskrit": "sa", "serbian": "sr",
    "shona": "sn", "sindhi": "sd", "sinhala": "si", "sinhalese": "si", "slovak": "sk", "slovenian": "sl",
    "somali": "so", "spanish": "es", "castilian": "es", "sundanese": "su", "swahili": "sw", "swedish": "sv",
    "tagalog": "tl", "tajik": "tg", "tamil": "ta", "tatar": "tt", "telugu": "te", "thai": "th", "tibetan": "bo",
    "turkish": "tr", "turkmen": "tk", "ukrainian": "uk", "urdu": "ur", "uzbek": "uz", "vietnamese": "vi",
    "welsh": "cy", "yiddish": "yi", "yoruba": "yo", "français": "fr", "francais": "fr", "anglais": "en",
}
_CODES = {"jw": "jv", "iw": "he", "in": "id"}  # codes Whisper (or old ISO) writes otherwise
_RE_EXPORT = "Fix the segment, or transcribe the recording again and export it as JSON."


def _language(value: Any) -> str | None:
    """The ISO 639-1 code of a language as Whisper names it ("fr", "french", "fr-CA"), else None."""
    if not isinstance(value, str):
        return None
    name = value.strip().lower().replace("_", "-")
    if name in _NAMES:
        return _NAMES[name]
    code = name.split("-", 1)[0]
    code = _CODES.get(code, code)
    return code if len(code) == 2 and code.isascii() and code.isalpha() else None


def _described(data: Any) -> str:
    """What a JSON value is, for a message: its type, and an object's first keys."""
    if isinstance(data, dict):
        if not data:
            return "an empty object"
        keys = ", ".join(f'"{k}"' for k in list(data)[:8]) + (", …" if len(data) > 8 else "")
        return f"an object with the keys {keys}"
    if isinstance(data, list):
        return f"a list of {len(data)} item{'s' if len(data) != 1 else ''}"
    return {str: "a text", bool: "true or false", type(None): "null"}.get(type(data), "a number")


class _Segment:
    __slots__ = ("text", "start", "end", "speaker", "turn_next")

    def __init__(self, text: str, start: float | None, end: float | None, speaker: str | None,
                 turn_next: bool) -> None:
        self.text, self.start, self.end, self.speaker, self.turn_next = text, start, end, speaker, turn_next


def _seconds(value: Any, *, what: str, where: str, path: str, per_second: int = 1) -> float | None:
    """A time in seconds from a JSON number (or a number written as text); None when absent.

    ``per_second``: 1000 for milliseconds, divided (12040 ms is 12.04 s; times 0.001 would
    give 12.040000000000001).
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InputFileError("RK-R65", f"{where}: its {what} {json.dumps(value)[:40]} is not a number of seconds.",
                             path=path, hint=_RE_EXPORT)
    try:
        number = float(value)
    except ValueError:
        raise InputFileError("RK-R65", f'{where}: its {what} "{value[:40]}" is not a number of seconds.',
                             path=path, hint=_RE_EXPORT) from None
    if number != number or abs(number) == float("inf"):
        return None
    return number / per_second if per_second != 1 else number


def _speaker(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        label = value.strip()
        return None if label in ("", "?", "None", "null", "UNKNOWN") else label
    return None


def _segment(item: Any, index: int, *, key: str, path: str) -> _Segment:
    """One openai-whisper / WhisperX / faster-whisper segment."""
    where = f"segment {key}[{index}]"
    if not isinstance(item, dict):
        raise InputFileError("RK-R65", f"{where} is {_described(item)}, not an object with a text and times.",
                             path=path, hint=_RE_EXPORT)
    text = item.get("text")
    if not isinstance(text, str):
        raise InputFileError("RK-R65", f'{where} has no "text"' + (f" (its text is {_described(text)})"
                                                                    if "text" in item else "") + ".",
                             path=path, hint=_RE_EXPORT)
    start = _seconds(item.get("start"), what="start", where=where, path=path)
    end = _seconds(item.get("end"), what="end", where=where, path=path)
    words = item.get("words")
    if (start is None or end is None) and isinstance(words, list):  # times of its aligned words
        timed = [w for w in words if isinstance(w, dict)]
        starts = [_seconds(w.get("start"), what="word start", where=where, path=path) for w in timed]
        ends = [_seconds(w.get("end"), what="word end", where=where, path=path) for w in timed]
        start = start if start is not None else next((s for s in starts if s is not None), None)
        end = end if end is not None else next((e for e in reversed(ends) if e is not None), None)
    return _checked(_Segment(text, start, end, _speaker(item.get("speaker")), item.get("speaker_turn_next") is True),
                    where, path)


def _cpp_segment(item: Any, index: int, *, path: str) -> _Segment:
    """One whisper.cpp ``transcription`` item: offsets in milliseconds, or timestamps."""
    where = f"segment transcription[{index}]"
    if not isinstance(item, dict):
        raise InputFileError("RK-R65", f"{where} is {_described(item)}, not an object with a text and times.",
                             path=path, hint=_RE_EXPORT)
    text = item.get("text")
    if not isinstance(text, str):
        raise InputFileError("RK-R65", f'{where} has no "text".', path=path, hint=_RE_EXPORT)
    offsets = item.get("offsets") if isinstance(item.get("offsets"), dict) else {}
    stamps = item.get("timestamps") if isinstance(item.get("timestamps"), dict) else {}
    times = []
    for side in ("from", "to"):
        if offsets.get(side) is not None:
            times.append(_seconds(offsets[side], what=f'offset "{side}"', where=where, path=path,
                                  per_second=1000))
        elif isinstance(stamps.get(side), str):
            match = _TIMESTAMP_RE.match(stamps[side].strip())
            if not match:
                raise InputFileError("RK-R65", f'{where}: its timestamp "{stamps[side][:30]}" is not HH:MM:SS,mmm.',
                                     path=path, hint=_RE_EXPORT)
            h, m, s, ms = match.groups()
            milliseconds = int(h) * 3_600_000 + int(m) * 60_000 + int(s) * 1000 + int((ms or "0").ljust(3, "0"))
            times.append(milliseconds / 1000)
        else:
            times.append(None)
    return _checked(_Segment(text, times[0], times[1], _speaker(item.get("speaker")),
                             item.get("speaker_turn_next") is True), where, path)


def _checked(segment: _Segment, where: str, path: str) -> _Segment:
    if segment.start is not None and segment.end is not None and segment.end < segment.start - 1e-6:
        raise InputFileError("RK-R65", f"{where} ends ({segment.end:g} s) before it starts ({segment.start:g} s).",
                             path=path, hint=_RE_EXPORT)
    return segment


def _kind(description: str) -> str | None:
    return next((kind for kind, pattern in _KINDS if pattern.search(description)), None)


def _split(text: str) -> tuple[str, list[tuple[str, str]], bool]:
    """A segment's words, its non-speech marks as (kind, description), and whether a speaker turn follows."""
    turn_next = False
    if "[SPEAKER_TURN]" in text or "[_SOLM_]" in text:
        text = _TURN_MARKS_RE.sub(" ", text)
        turn_next = True
    events: list[tuple[str, str]] = []
    if "[" in text or "(" in text or "*" in text or "♪" in text:
        def mark(match: re.Match) -> str:
            square, round_, star, music = match.groups()
            if square is not None:
                description = square.strip()
                if not description:
                    return match.group(0)
                events.append((_kind(description) or "event", description))
                return " "
            if round_ is not None or star is not None:
                description = (round_ if round_ is not None else star).strip()
                kind = _kind(description)
                if kind is None and not re.fullmatch(r"(?i)inaudibles?|indistinct|incompréhensibles?|"
                                                     r"unintelligible|crosstalk|\?+", description):
                    return match.group(0)  # words between brackets, not a sound
                events.append((kind or "event", description))
                return " "
            events.append(("background", (music or "").strip() or "♪"))
            return " "

        text = _MARKED_RE.sub(mark, text)
    if "\n" in text or "  " in text or "\t" in text:
        text = _SPACES_RE.sub(" ", text)
    return text.strip(), events, turn_next


def _find(data: Any, path: str) -> tuple[list[Any], str, str, Any]:
    """The segments of a Whisper JSON value, their list's key, the layout, and where the language is said."""
    if isinstance(data, list):
        if data and all(isinstance(item, list) for item in data):
            raise InputFileError("RK-R64", f"this JSON is {_described(data)} of lists, not of segment objects.",
                                 path=path, hint="faster-whisper's segments dumped with json.dump(list(segments)) "
                                                 "lose their field names: dump [s._asdict() for s in segments] "
                                                 "(or dataclasses.asdict(s)) instead.")
        if data and not any(isinstance(item, dict) and "text" in item for item in data[:200]):
            first = _described(data[0])
            raise InputFileError("RK-R64", f"this JSON is {_described(data)}, not of Whisper segments (objects with "
                                           f'a "text" and times); its first item is {first}.', path=path,
                                 hint=_not_whisper_hint())
        return data, "", "faster-whisper", None
    if not isinstance(data, dict):
        raise InputFileError("RK-R64", f"this JSON is {_described(data)}, not a Whisper transcript.", path=path,
                             hint=_not_whisper_hint())
    result = data.get("result") if isinstance(data.get("result"), dict) else {}
    info = data.get("info") if isinstance(data.get("info"), dict) else {}
    params = data.get("params") if isinstance(data.get("params"), dict) else {}
    language = (data.get("language") or data.get("detected_language") or info.get("language")
                or result.get("language") or params.get("language"))
    if isinstance(data.get("transcription"), list):
        return data["transcription"], "transcription", "whisper.cpp", language
    if isinstance(data.get("segments"), list):
        segments = data["segments"]
        if "info" in data:
            layout = "faster-whisper"
        elif "word_segments" in data or any(isinstance(s, dict) and "speaker" in s for s in segments[:200]):
            layout = "whisperx"
        else:
            layout = "whisper"
        return segments, "segments", layout, language
    for key in _WRAPPERS:
        inner = data.get(key)
        if isinstance(inner, dict) and (isinstance(inner.get("segments"), list)
                                        or isinstance(inner.get("transcription"), list)):
            segments, where, layout, said = _find(inner, path)
            return segments, f"{key}.{where}", layout, said or language
    if isinstance(data.get("text"), str) and set(data) <= _API_KEYS:
        return [{"text": data["text"]}], "text", "text", language
    found = _described(data)
    if isinstance(data.get("segments"), dict) or isinstance(data.get("transcription"), dict):
        found += ' (its "segments" is an object, not a list)'
    raise InputFileError("RK-R64", f'this JSON is not a Whisper transcript: it has no "segments" or '
                                   f'"transcription" list; found {found}.', path=path, hint=_not_whisper_hint())


def _not_whisper_hint() -> str:
    return ("Every .json file of a corpus folder is read as a Whisper transcript: if this file is not a transcript, "
            "list it under `exclude:` in corpus.yml; if it is a transcript in another format, give it that format's "
            "extension or set its `format:`. Whisper, WhisperX, faster-whisper and whisper.cpp (-oj) JSON are read.")


def parse_whisper(text: str, *, path: str, options: Mapping[str, Any] | None = None) -> list[ParsedDocument]:
    """Read a Whisper-family JSON transcript: turns of timed segments, their sounds as events.

    Parameters
    ----------
    text
        The file's decoded, newline-normalised text (:func:`research_kit._io.read_text`).
    path
        The file's path, for messages only.
    options
        The document's settings from ``corpus.yml`` (none is used).

    Returns
    -------
    list of ParsedDocument
        One document, with ``language`` among its variables when the file says it.

    Raises
    ------
    InputFileError
        ``RK-R63`` to ``RK-R65`` (see the module's docstring).

    Examples
    --------
    >>> doc, = parse_whisper('{"segments": [{"start": 0.0, "end": 1.5, "text": " Bonjour."}], '
    ...                      '"language": "fr"}', path="a.json")
    >>> doc.turns, doc.variables
    ([ParsedTurn(speaker=None, text='Bonjour.', start_s=0.0, end_s=1.5)], {'language': 'fr'})
    """
    with collector_paused():
        try:
            data = json.loads(text, strict=False)  # strict=False: raw tabs and newlines inside texts
        except json.JSONDecodeError as e:
            hint = "The file was perhaps cut short while it was written, or edited by hand: re-export it, or fix it."
            if e.msg == "Extra data" and e.lineno > 1:
                hint = ("Several JSON values follow each other (JSON Lines?): a Whisper JSON file holds one object; "
                        "re-export it, or give a .jsonl file that is not a transcript another extension.")
            raise InputFileError("RK-R63", f"not valid JSON: {e.msg} (column {e.colno}).", path=path,
                                 line=e.lineno, hint=hint) from None
        except RecursionError:
            raise InputFileError("RK-R63", "not readable JSON: nested too deeply.", path=path,
                                 hint="This is not a Whisper transcript; list it under `exclude:` in corpus.yml."
                                 ) from None
        items, key, layout, said = _find(data, path)
        if key == "transcription" or key.endswith(".transcription"):
            segments = [_cpp_segment(item, i, path=path) for i, item in enumerate(items)]
        else:
            segments = [_segment(item, i, key=key or "", path=path) for i, item in enumerate(items)]
        language = _language(said)
        return [_document(segments, language, layout)]


def _document(segments: list[_Segment], language: str | None, layout: str) -> ParsedDocument:
    turns: list[ParsedTurn] = []
    events: list[ParsedEvent] = []
    glue_nothing = language in _NO_SPACE_LANGUAGES
    speaker: str | None = None
    parts: list[str] = []
    start: float | None = None
    end: float | None = None
    broken = False  # a speaker turn follows what is open

    def close() -> None:
        if parts:
            turns.append(ParsedTurn(speaker, "".join(parts), start, end))

    for segment in segments:
        words, marks, turn_next = _split(segment.text)
        turn_next = turn_next or segment.turn_next  # whisper.cpp -tdrz: "speaker_turn_next": true
        if words:
            if parts and (segment.speaker != speaker or broken):
                close()
                parts, broken = [], False
            if not parts:
                speaker, start, end = segment.speaker, segment.start, segment.end
                parts.append(words)
            else:
                glue = "" if glue_nothing and not segment.text[:1].isspace() else " "
                parts.extend((glue, words))
                if start is None:
                    start = segment.start
                if segment.end is not None and (end is None or segment.end > end):
                    end = segment.end
        if turn_next and parts:
            broken = True
        position = len(turns) + (1 if parts else 0)
        alone = not words
        for kind, description in marks:
            events.append(ParsedEvent(kind, description, position, segment.start if alone else None,
                                      segment.end if alone else None, segment.speaker))
    close()
    speakers = {t.speaker: {} for t in turns if t.speaker is not None}
    variables = {"language": language} if language else {}
    return ParsedDocument(turns, variables=variables, speakers=speakers, events=events, layout=layout)
