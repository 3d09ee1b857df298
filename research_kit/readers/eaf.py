"""ELAN annotation files (``.eaf``).

ELAN saves an XML file declared UTF-8 whose root is ``<ANNOTATION_DOCUMENT>``
(``FORMAT`` and ``VERSION`` 2.7, 2.8 or 3.0, with ``AUTHOR``, ``DATE`` and an
``xsi:noNamespaceSchemaLocation``; none of them is needed). It holds a ``<HEADER>``
(media descriptors and properties), a ``<TIME_ORDER>`` of ``<TIME_SLOT>``\\ s, the
``<TIER>``\\ s and their annotations, then the ``<LINGUISTIC_TYPE>``\\ s, locales,
languages, constraints and controlled vocabularies that describe the tiers::

    <ANNOTATION_DOCUMENT FORMAT="3.0" VERSION="3.0">
        <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>
        <TIME_ORDER>
            <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="0"/>
            <TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="2500"/>
        </TIME_ORDER>
        <TIER LINGUISTIC_TYPE_REF="default-lt" PARTICIPANT="Ana" TIER_ID="Ana (ENQ)">
            <ANNOTATION>
                <ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
                    <ANNOTATION_VALUE>Alors, on commence ?</ANNOTATION_VALUE>
                </ALIGNABLE_ANNOTATION>
            </ANNOTATION>
        </TIER>
        <LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/>
    </ANNOTATION_DOCUMENT>

What is read
------------
Times
    A ``TIME_VALUE`` counts milliseconds (``TIME_UNITS="milliseconds"``, ELAN's only
    unit; ``PAL-frames`` and ``NTSC-frames`` of the format's first versions are read
    too) and is given in seconds. Time slots may come in any order. A slot without
    ``TIME_VALUE`` (an unaligned boundary inside a subdivided annotation) is placed
    between the aligned slots listed before and after it in ``<TIME_ORDER>``, in
    proportion, and kept inside its parent annotation.
Speakers and turns
    A top-level tier (without ``PARENT_REF``) is one speaker's, and each of its
    annotations with a value is one turn, with its times (an annotation whose start and
    end are the same keeps them). The speaker is the tier's ``PARTICIPANT``, else its
    ``TIER_ID``; a tier named ``default``, ``transcription`` or ``utterance`` without
    participant names nobody (speaker ``None``). An interviewer mark in the participant
    or the tier's id, ``(ENQ)``, ``Enq.``, ``Enquêteur``/``Enquêtrice``,
    ``Interviewer`` or ``(INT)``, gives the speaker the role ``interviewer`` and is left
    out of the label, as for Praat TextGrids (``Marie (ENQ)`` is ``Marie``; ``ENQ``
    alone keeps its name). A speaker's attributes are ``annotator`` (``ANNOTATOR``) and
    ``language`` (the ``<LANGUAGE>`` that the tier's ``LANG_REF`` names, as an ISO 639-1
    code when it has one); ``DEFAULT_LOCALE`` is not read, as it is the keyboard's
    input method and ELAN sets it to ``en`` by default. The turns of all tiers are put
    in time order (by start; at equal starts in tier order), so that speech of two
    speakers at once gives overlapping turns. A value's lines are kept as lines, spaces
    and tabs squeezed; empty values (``<ANNOTATION_VALUE></ANNOTATION_VALUE>``) give no
    turn.
Dependent tiers
    A tier with a ``PARENT_REF`` is never a speaker. Its ``LINGUISTIC_TYPE``'s
    constraint says how it relates to its parent: a ``Symbolic_Subdivision``,
    ``Time_Subdivision`` or ``Included_In`` tier cuts the parent's annotations into
    parts (words, as tokenised transcriptions have them); when a turn's own value is
    empty, the values of its parts are joined with spaces into the turn's text, in the
    order of their ``PREVIOUS_ANNOTATION`` links (in time order for aligned parts, which
    belong to the parent annotation their start lies in), down to the first level that
    has values. Of several such tiers, the first in the file that has parts of the turn
    is taken, leaving aside tiers whose name speaks of phones, syllables or morphemes and
    tiers of events (below). Otherwise (``Symbolic_Association``: translations, glosses,
    parts of speech) a dependent tier is not read, except as events. Tiers that are not
    read (those, and the dependent tiers of tiers that are not speakers) are not checked
    either: a damaged translation does not stop the transcription from being read.
Events
    A turn whose whole text is transcriber's notes in brackets, ``[rire]``, ``(rires)``,
    ``<bruit>``, ``[toux] [rire]``, is not speech: each note is an event of that speaker
    (laughter, applause, vocal, pause, background, noise, else comment, after its
    words), as in TextGrids; notes inside speech (``oui [rire] d'accord``) stay in the
    text. A tier whose ``TIER_ID`` (without the names of its participant and of its
    top-level tier: ``Notes-Karim`` is ``Notes-``) or linguistic type speaks of
    comments (``comment``, ``note``, ``remarque``), noise (``bruit``, ``noise``,
    ``sound``), events (``event``, ``événement``, ``incident``), laughter (``rire``,
    ``laugh``), gestures (``geste``, ``gesture``) or pauses (``pause``, ``silence``)
    gives one event of that kind per
    annotation with a value (on a noise or events tier, ``rires`` is laughter and
    ``applaudissements`` applause), when it is a top-level tier that is not a speaker or
    a dependent tier of a speaker's tier. An event of a dependent tier has its own times
    (or its parent annotation's), and is the speaker's when it is laughter, a vocal
    noise or a gesture.
Tiers that are not speakers
    Top-level tiers whose ``TIER_ID``, ``PARTICIPANT`` or linguistic type is (case aside)
    one of :data:`DEFAULT_NON_SPEAKER_TIERS` (``Comments``, ``Commentaires``, ``Notes``,
    ``Events``, ``Événements``, ``Bruits``, ``Noise``, ``Sections``, ``Topics``,
    ``Translation``, ``Traduction``, ``Words``…), or ``<speaker> - <one of them>`` or
    ``<one of them>@<speaker>``. The ``non_speaker_tiers`` setting of a document (a name
    or a list) replaces that list. Besides the events above, such tiers are skipped.
Variables
    ``language``, when the speakers' tiers all name one language (``LANG_REF``), or
    none does and the file declares a single ``<LANGUAGE>``. The media descriptors
    (whose paths often hold the participants' names), the properties, the author and
    the date of saving are not read; neither are controlled vocabularies (an
    annotation's ``CVE_REF`` has its value as ``ANNOTATION_VALUE`` already).

Error codes
-----------
``RK-R35`` to ``RK-R37``
    Not well-formed XML (also a ``TIME_VALUE`` that is not a number), entity
    declarations, a root other than ``<ANNOTATION_DOCUMENT>`` (see
    :mod:`research_kit.readers._xml`).
``RK-R48``
    An ``<ANNOTATION_DOCUMENT>`` without any ``<TIER>``, a ``<TIER>`` without
    ``TIER_ID``, or two tiers with one ``TIER_ID``.
``RK-R49``
    An annotation whose ``TIME_SLOT_REF1`` or ``TIME_SLOT_REF2`` is missing or names a
    time slot that ``<TIME_ORDER>`` does not declare; a ``TIME_SLOT_ID`` declared twice;
    ``TIME_UNITS`` other than milliseconds or frames.
``RK-R50``
    A reference that leads nowhere: a ``REF_ANNOTATION`` whose ``ANNOTATION_REF`` is
    missing, names no annotation, itself, or an annotation of another tier than the
    parent tier; a ``REF_ANNOTATION`` on a tier without parent; an ``ANNOTATION_ID``
    used twice by annotations that other tiers refer to; a ``PARENT_REF`` naming no tier,
    or tiers whose parents lead round in a circle.
``RK-R51``
    An annotation that ends before it starts (its second time slot's value is smaller
    than its first's).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputFileError, did_you_mean
from ..language import iso639_1
from . import ParsedDocument, ParsedEvent, ParsedTurn, options_get
from ._tiers import ALIGNER_TIER, INTERVIEWER, TIER_KINDS, interviewer_label, note_kind, tier_names
from ._tiers import notes as tier_notes
from ._xml import local_name, parse_xml, read_xml_bytes
from .textgrid import DEFAULT_NON_SPEAKER_TIERS as _TEXTGRID_NON_SPEAKERS

__all__ = ["parse_eaf", "DEFAULT_NON_SPEAKER_TIERS"]

#: Tier names (compared ignoring case) that are not speakers when a document's
#: ``non_speaker_tiers`` setting names none: those of TextGrids, and the tiers of
#: translations, topics and glosses that ELAN transcriptions often have.
DEFAULT_NON_SPEAKER_TIERS: tuple[str, ...] = _TEXTGRID_NON_SPEAKERS + (
    "Translation", "Translations", "Traduction", "Traductions", "Free translation", "Traduction libre",
    "Topics", "Topic", "Thèmes", "Thème", "Themes", "Theme", "Gloss", "Glosses", "Glose", "Gloses",
)

_KIND = "transcript from ELAN"  # "is not a transcript from ELAN", "The transcript from ELAN is damaged"
_FIX = "Open the file in ELAN and save it again, or correct it by hand, and read it again."
# units of TIME_VALUE per second
_UNITS = {"milliseconds": 1000, "pal-frames": 25, "ntsc-frames": 30000 / 1001}
# tier names that say what the tier holds, not who speaks (a speaker only with a PARTICIPANT)
_NOBODY = frozenset({"default", "transcription", "transcript", "utterance", "utterances"})
_PARTS = frozenset({"symbolic_subdivision", "time_subdivision", "included_in"})
_SUBWORD = re.compile(r"phon|syllab|morph", re.IGNORECASE)
_PERSONAL = frozenset({"laughter", "vocal", "gesture"})  # events that are the speaker's own

# What a tier's name (or type) says its annotations are, when they are not speech.
_TIER_KINDS = TIER_KINDS + tuple((re.compile(pattern, re.IGNORECASE), kind) for pattern, kind in (
    (r"\brire|\brires\b|laugh", "laughter"),
    (r"geste|gestur", "gesture"),
    (r"pause|silence", "pause"),
))
_SPACES = re.compile(r"[ \t]+")

# One annotation: (ANNOTATION_ID, start_s, end_s, value, position in its tier, ANNOTATION_REF,
# PREVIOUS_ANNOTATION). Alignable annotations have times and no references, reference annotations
# the reverse. The line is looked up from the position when a message or an event needs it: asking
# lxml for the line of each of a million annotations would cost a tenth of the reading.
_Record = tuple
_ID, _START, _END, _VALUE, _AT, _REF, _PREV = range(7)


@dataclass
class _Tier:
    index: int
    tier_id: str
    participant: str
    annotator: str
    type_id: str
    parent_id: str
    lang_ref: str
    line: int | None
    el: Any
    parent: int | None = None  # index of the parent tier
    constraint: str = ""  # the linguistic type's stereotype, lower case ("symbolic_subdivision")
    records: list[_Record] = field(default_factory=list)
    lines: list[int | None] | None = None  # the line of each record, once asked for


def parse_eaf(source: Path | str | bytes, *, path: str, options: Mapping[str, Any] | None = None,
              ) -> list[ParsedDocument]:
    """Read an ELAN file as one document: a speaker per top-level tier.

    Parameters
    ----------
    source
        The file (or its bytes).
    path
        How messages name the file.
    options
        The document's settings from ``corpus.yml``; ``non_speaker_tiers`` (a name or a
        list) replaces :data:`DEFAULT_NON_SPEAKER_TIERS`.

    Returns
    -------
    list of ParsedDocument
        One document, its ``layout`` ``"eaf"``; its turns and events have ``start_s``
        and ``end_s`` (``None`` only in a file none of whose time slots has a value).

    Raises
    ------
    InputFileError
        ``RK-R35`` to ``RK-R37``, ``RK-R48`` to ``RK-R51``, naming the line and the tier,
        annotation or time slot (see the module's docstring).

    Examples
    --------
    >>> eaf = (b'<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT FORMAT="3.0" VERSION="3.0">'
    ...        b'<HEADER TIME_UNITS="milliseconds"/><TIME_ORDER><TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="0"/>'
    ...        b'<TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="2000"/></TIME_ORDER>'
    ...        b'<TIER LINGUISTIC_TYPE_REF="lt" PARTICIPANT="Ana (ENQ)" TIER_ID="A"><ANNOTATION>'
    ...        b'<ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">'
    ...        b'<ANNOTATION_VALUE>Bonjour.</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER>'
    ...        b'<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="lt" TIME_ALIGNABLE="true"/></ANNOTATION_DOCUMENT>')
    >>> doc, = parse_eaf(eaf, path="a.eaf")
    >>> doc.turns, doc.speakers
    ([ParsedTurn(speaker='Ana', text='Bonjour.', start_s=0.0, end_s=2.0)], {'Ana': {'role': 'interviewer'}})
    """
    data = source if isinstance(source, bytes) else read_xml_bytes(Path(source), path=path)
    root = parse_xml(data, path=path, expect=("ANNOTATION_DOCUMENT",), kind=_KIND)
    return [_Reading(root, path, options).document()]


class _Reading:
    """One ELAN file: its time slots, tiers and annotations, then its turns and events."""

    def __init__(self, root: Any, path: str, options: Mapping[str, Any] | None) -> None:
        self.path = path
        tag = root.tag
        self.ns = tag[:tag.index("}") + 1] if tag.startswith("{") else ""
        self.not_speakers = tier_names(options_get(options, "non_speaker_tiers", DEFAULT_NON_SPEAKER_TIERS), path)
        parts: dict[str, list[Any]] = {}
        for el in root:
            name = local_name(el)
            if name:
                parts.setdefault(name, []).append(el)
        self.root = root
        self.parts = parts
        self._ids: dict[str, int] = {}  # ANNOTATION_ID -> index of its tier
        self._by_id: dict[int, dict[str, _Record]] = {}
        self._groups: dict[int, dict[str, list[_Record]]] = {}
        self._spans: dict[int, tuple[list[float], list[_Record]]] = {}

    # -- the file -------------------------------------------------------------
    def document(self) -> ParsedDocument:
        self.times, self.values = self._time_slots(self._rate())
        types = self._types()
        languages = self._languages()
        self.tiers = tiers = self._tiers(types)
        self.speaking = [t for t in tiers if t.parent is None and not self._not_speaker(t)]
        self.labels = dict(zip((t.index for t in self.speaking), _speaker_labels(self.speaking)))
        self._kinds = {t.index: self._kind(t) for t in tiers}
        self._word_tiers = {t.index: [c for c in tiers if c.parent == t.index and c.constraint in _PARTS
                                      and not any(_SUBWORD.search(n) for n in self._names_of(c))
                                      and self._kinds[c.index] is None]
                            for t in tiers}
        used = self._used()
        referred = {tiers[t].parent for t in used if tiers[t].parent is not None}
        for tier in sorted((tiers[t] for t in used), key=self._depth):  # parents first
            wanted = None
            if tier.index not in referred and self._kinds[tier.index] is None and tier.parent is not None:
                # parts of words that nothing else refers to: only those of utterances without value are used
                wanted = {r[_ID] for r in tiers[tier.parent].records if not _clean(r[_VALUE])}
            self._read_annotations(tier, register=tier.index in referred, wanted=wanted)
        return self._document(languages)

    def _depth(self, tier: _Tier) -> tuple[int, int]:
        depth = 0
        while tier.parent is not None:
            tier, depth = self.tiers[tier.parent], depth + 1
        return depth, tier.index

    def _used(self) -> set[int]:
        """The tiers whose annotations become turns or events, and the tiers above them.

        The others (translations, glosses, the dependent tiers of tiers that are not speakers)
        are neither read nor checked.
        """
        tiers, labels = self.tiers, self.labels
        kinds = self._kinds
        used = set(labels) | {t.index for t in tiers if t.parent is None and kinds[t.index] is not None}
        for tier in tiers:
            if tier.parent is None or self._top(tier).index not in labels:
                continue
            if self._of_words(tier) or kinds[tier.index] is not None:
                up: int | None = tier.index
                while up is not None:
                    used.add(up)
                    up = tiers[up].parent
        return used

    def _fail(self, code: str, line: int | None, message: str, hint: str = _FIX) -> None:
        raise InputFileError(code, message, path=self.path, line=line, hint=hint)

    def _rate(self) -> float:
        """Units of TIME_VALUE per second."""
        header = (self.parts.get("HEADER") or [None])[0]
        units = (header.get("TIME_UNITS") if header is not None else None) or "milliseconds"
        rate = _UNITS.get(units.strip().lower())
        if rate is None:
            self._fail("RK-R49", header.sourceline, f'the <HEADER> gives TIME_UNITS="{_short(units)}"; the times '
                       "of an ELAN file are in milliseconds (or, in its first versions, PAL-frames or NTSC-frames).",
                       hint='Set TIME_UNITS="milliseconds" if the times are milliseconds, or save the file again '
                       "from ELAN.")
        return rate

    def _time_slots(self, rate: float) -> tuple[dict[str, float | None], dict[str, float | None]]:
        """Time slot id -> seconds (unaligned slots placed between their neighbours), and -> its own value."""
        ids: list[str] = []
        raw: list[float | None] = []
        lines: dict[str, int | None] = {}
        slot_tag = self.ns + "TIME_SLOT"
        for order in self.parts.get("TIME_ORDER", ()):
            for slot in order.iter(slot_tag):
                ident = slot.get("TIME_SLOT_ID")
                if ident is None:
                    continue  # nothing can refer to it
                if ident in lines:
                    self._fail("RK-R49", slot.sourceline, f'time slot "{_short(ident)}" is declared twice in '
                               f"<TIME_ORDER>, here and at line {lines[ident]}.",
                               hint="Give the second one another TIME_SLOT_ID (and the annotations that use it), "
                               "or save the file again from ELAN.")
                lines[ident] = slot.sourceline
                ids.append(ident)
                raw.append(self._time_value(slot, ident, rate))
        own = dict(zip(ids, raw))
        if all(v is not None for v in raw):
            return own, own
        filled = list(raw)
        aligned = [i for i, v in enumerate(raw) if v is not None]
        if aligned:
            for i, v in enumerate(raw):
                if v is not None:
                    continue
                k = bisect.bisect_left(aligned, i)
                before = aligned[k - 1] if k > 0 else None
                after = aligned[k] if k < len(aligned) else None
                if before is not None and after is not None and raw[after] >= raw[before]:
                    v0, v1 = raw[before], raw[after]
                    filled[i] = round(v0 + (v1 - v0) * (i - before) / (after - before), 3)
                else:
                    filled[i] = raw[before] if before is not None else raw[after]
        return dict(zip(ids, filled)), own

    def _time_value(self, slot: Any, ident: str, rate: float) -> float | None:
        value = slot.get("TIME_VALUE")
        if value is None:
            return None
        try:
            ms = int(value)
        except ValueError:
            try:
                ms = float(value.strip().replace(",", ".")) if value.strip() else None
            except ValueError:
                ms = float("nan")
        if ms is None:
            return None
        if ms != ms or ms < 0 or ms == float("inf"):
            self._fail("RK-R35", slot.sourceline, f'time slot "{_short(ident)}" has TIME_VALUE "{_short(value)}", '
                       "which is not a time (a whole number of milliseconds).",
                       hint="Correct the value, or open the file in ELAN and save it again.")
        return ms / rate

    def _types(self) -> dict[str, str]:
        """Linguistic type id -> its constraint's stereotype, lower case ("" for none)."""
        return {(el.get("LINGUISTIC_TYPE_ID") or "").strip(): (el.get("CONSTRAINTS") or "").strip().lower()
                for el in self.parts.get("LINGUISTIC_TYPE", ())}

    def _languages(self) -> dict[str, str | None]:
        """LANG_ID -> ISO 639-1 code (None when not known)."""
        return {(el.get("LANG_ID") or "").strip(): iso639_1(el.get("LANG_ID"))
                for el in self.parts.get("LANGUAGE", ())}

    def _tiers(self, types: Mapping[str, str]) -> list[_Tier]:
        elements = self.parts.get("TIER", [])
        if not elements:
            self._fail("RK-R48", self.root.sourceline, "has no <TIER>: there is no annotation to read in it.",
                       hint="Check that the file is an ELAN transcription (an ELAN template, .etf, has tiers but "
                       "no annotations; open the file in ELAN to see), or exclude it in corpus.yml.")
        tiers: list[_Tier] = []
        index: dict[str, int] = {}
        for el in elements:
            tier_id = (el.get("TIER_ID") or "").strip()
            if not tier_id:
                self._fail("RK-R48", el.sourceline, "this <TIER> has no TIER_ID.",
                           hint='Give it a name (TIER_ID="Marie"), or open the file in ELAN and save it again.')
            if tier_id in index:
                self._fail("RK-R48", el.sourceline, f'two tiers are named "{_short(tier_id)}" (TIER_ID), here and '
                           f"at line {tiers[index[tier_id]].line}.",
                           hint="Rename one of them (in ELAN: Tier > Change Tier Attributes), and the PARENT_REF "
                           "of its dependent tiers.")
            type_id = (el.get("LINGUISTIC_TYPE_REF") or "").strip()
            tier = _Tier(len(tiers), tier_id, _squeeze(el.get("PARTICIPANT") or ""),
                         _squeeze(el.get("ANNOTATOR") or ""), type_id, (el.get("PARENT_REF") or "").strip(),
                         (el.get("LANG_REF") or "").strip(), el.sourceline, el, constraint=types.get(type_id, ""))
            index[tier_id] = tier.index
            tiers.append(tier)
        for tier in tiers:
            if not tier.parent_id:
                continue
            if tier.parent_id not in index:
                self._fail("RK-R50", tier.line, f'tier "{_short(tier.tier_id)}" has PARENT_REF="'
                           f'{_short(tier.parent_id)}", but no tier has that TIER_ID.'
                           + did_you_mean(tier.parent_id, index),
                           hint="Correct PARENT_REF to the TIER_ID of its parent tier, or remove it to make the "
                           "tier independent.")
            tier.parent = index[tier.parent_id]
        for tier in tiers:
            seen = [tier.index]
            up = tier.parent
            while up is not None:
                if up in seen:
                    chain = " → ".join(f'"{_short(tiers[i].tier_id)}"' for i in [*seen[seen.index(up):], up])
                    self._fail("RK-R50", tier.line, f"the tiers' PARENT_REF lead round in a circle: {chain}.",
                               hint="One of these tiers is independent: remove its PARENT_REF.")
                seen.append(up)
                up = tiers[up].parent
        return tiers

    def _of_words(self, tier: _Tier) -> bool:
        """Whether the parts of ``tier`` join, level by level, into a speaker's turns."""
        while tier.parent is not None:
            parent = self.tiers[tier.parent]
            if tier not in self._word_tiers[parent.index]:
                return False
            tier = parent
        return tier.index in self.labels

    def _read_annotations(self, tier: _Tier, *, register: bool, wanted: set[str] | None = None) -> None:
        """Read a tier's annotations into its records, and check their references.

        ``register`` their ids when other tiers refer to them; of reference annotations,
        keep only those that refer to ``wanted`` annotations, when given.
        """
        ns = self.ns
        aligned, value_tag = ns + "ALIGNABLE_ANNOTATION", ns + "ANNOTATION_VALUE"
        times, values, ids = self.times, self.values, self._ids
        t, parent = tier.index, tier.parent
        add = tier.records.append
        for k, el in enumerate(tier.el.iter(aligned, ns + "REF_ANNOTATION")):
            aid = el.get("ANNOTATION_ID")
            if el.tag == aligned:
                ref1, ref2 = el.get("TIME_SLOT_REF1"), el.get("TIME_SLOT_REF2")
                try:
                    start, end = times[ref1], times[ref2]
                except KeyError:
                    self._slot_error(tier, aid, el.sourceline, ref1, ref2)
                v1, v2 = values[ref1], values[ref2]
                if v1 is not None and v2 is not None and v2 < v1:
                    self._fail("RK-R51", el.sourceline, f'annotation "{_short(aid or "?")}" of tier '
                               f'"{_short(tier.tier_id)}" ends (time slot "{_short(ref2)}", {v2:g} s) before it '
                               f'starts (time slot "{_short(ref1)}", {v1:g} s).',
                               hint="Correct the annotation's boundaries in ELAN, or the TIME_VALUE of its two time "
                               "slots, and read the file again.")
                if start is not None and end is not None and end < start:
                    end = start  # an unaligned end placed before an aligned start
                ref = prev = None
            else:
                ref = el.get("ANNOTATION_REF")
                if ref is None or parent is None or ids.get(ref) != parent:
                    self._reference_error(tier, (aid, None, None, None, k, ref, None), el.sourceline)
                if wanted is not None and ref not in wanted:
                    continue
                start = end = None
                prev = el.get("PREVIOUS_ANNOTATION")
            try:
                first = el[0]
                value = first.text if first.tag == value_tag else _value(el, value_tag)
            except IndexError:
                value = None
            add((aid, start, end, value, k, ref, prev))
            if register and aid is not None:
                if aid in ids:
                    self._duplicate(tier, aid, el.sourceline)
                ids[aid] = t

    def _line(self, tier: _Tier, k: int) -> int | None:
        """The line of the ``k``-th annotation of ``tier``."""
        if tier.lines is None:
            ns = self.ns
            tier.lines = [el.sourceline for el in tier.el.iter(ns + "ALIGNABLE_ANNOTATION", ns + "REF_ANNOTATION")]
        return tier.lines[k] if k < len(tier.lines) else None

    def _slot_error(self, tier: _Tier, aid: str | None, line: int | None, ref1: str | None, ref2: str | None) -> None:
        what = f'annotation "{_short(aid or "?")}" of tier "{_short(tier.tier_id)}"'
        for name, ref in (("TIME_SLOT_REF1", ref1), ("TIME_SLOT_REF2", ref2)):
            if ref is None:
                self._fail("RK-R49", line, f"{what} has no {name}.",
                           hint="An aligned annotation needs its two time slots (TIME_SLOT_REF1, TIME_SLOT_REF2); "
                           "add the missing one, or delete the annotation in ELAN.")
            if ref not in self.times:
                self._fail("RK-R49", line, f'{what} refers to time slot "{_short(ref)}" ({name}), which '
                           "<TIME_ORDER> does not declare.",
                           hint=f'Declare it (<TIME_SLOT TIME_SLOT_ID="{_short(ref)}" TIME_VALUE="…"/> in '
                           "<TIME_ORDER>) or correct the reference; the file was damaged or edited by hand.")

    def _duplicate(self, tier: _Tier, aid: str, line: int | None) -> None:
        other = self.tiers[self._ids[aid]]
        first = next((self._line(other, r[_AT]) for r in other.records if r[_ID] == aid), None)
        self._fail("RK-R50", line, f'annotation id "{_short(aid)}" (tier "{_short(tier.tier_id)}") is also the id '
                   f'of an annotation at line {first} (tier "{_short(other.tier_id)}").',
                   hint="Each ANNOTATION_ID names one annotation: give one of them another id, or open the file in "
                   "ELAN and save it again.")

    def _reference_error(self, tier: _Tier, rec: _Record, line: int | None = None) -> None:
        aid, ref = rec[_ID], rec[_REF]
        if line is None:
            line = self._line(tier, rec[_AT])
        what = f'annotation "{_short(aid or "?")}" of tier "{_short(tier.tier_id)}"'
        if tier.parent is None:
            self._fail("RK-R50", line, f"{what} is a reference annotation (REF_ANNOTATION), but its tier has no "
                       "parent tier (PARENT_REF) whose annotations it could refer to.",
                       hint="Set the tier's PARENT_REF to the tier it depends on, or make the annotation an "
                       "ALIGNABLE_ANNOTATION with its time slots.")
        parent = self.tiers[tier.parent]
        hint = (f'A reference annotation depends on an annotation of its parent tier ("{_short(parent.tier_id)}"): '
                "correct ANNOTATION_REF, or delete the annotation in ELAN, and read the file again.")
        if ref is None:
            self._fail("RK-R50", line, f"{what} has no ANNOTATION_REF.", hint=hint)
        if ref == aid:
            self._fail("RK-R50", line, f'{what} refers to itself (ANNOTATION_REF="{_short(ref)}").', hint=hint)
        owner = self._ids.get(ref)
        elsewhere = f' (it is on tier "{_short(self.tiers[owner].tier_id)}")' if owner is not None else ""
        self._fail("RK-R50", line, f'{what} refers to annotation "{_short(ref)}" (ANNOTATION_REF), which its '
                   f'parent tier "{_short(parent.tier_id)}" does not have{elsewhere}.', hint=hint)

    # -- turns, speakers and events -------------------------------------------
    def _document(self, languages: Mapping[str, str | None]) -> ParsedDocument:
        tiers, speaking, labels = self.tiers, self.speaking, self.labels
        speakers: dict[str, dict[str, str]] = {}
        turns: list[tuple[float, ParsedTurn]] = []
        events: list[tuple[float, ParsedEvent]] = []
        spoken_languages: list[str | None] = []
        for tier in speaking:
            label, role = labels[tier.index]
            language = languages.get(tier.lang_ref) if tier.lang_ref else None
            if label is not None:
                attrs = speakers.setdefault(label, {})
                for key, value in (("role", role), ("annotator", tier.annotator), ("language", language)):
                    if value and key not in attrs:
                        attrs[key] = value
            said_any = False
            for rec in tier.records:
                said = _clean(rec[_VALUE])
                if not said:
                    said = self._joined(tier.index, rec[_ID])
                    if not said:
                        continue
                start, end = rec[_START], rec[_END]
                notes = tier_notes(said) if said[0] in "[(<" else None
                if notes is not None:
                    line = self._line(tier, rec[_AT])
                    events.extend((_key(start), ParsedEvent(note_kind(note), note, 0, start, end, label, line))
                                  for note in notes)
                    continue
                turns.append((_key(start), ParsedTurn(label, said, start, end)))
                said_any = True
            if said_any:
                spoken_languages.append(language)
        for tier in tiers:
            kind = self._kinds[tier.index]
            if kind is None:
                continue
            if tier.parent is None:
                if tier.index not in labels:
                    events.extend(self._tier_events(tier, kind, top_level=True))
            elif self._top(tier).index in labels:
                events.extend(self._tier_events(tier, kind, top_level=False))
        turns.sort(key=_first)  # stable: at equal starts, tier order, then file order
        events.sort(key=_first)
        starts = [start for start, _ in turns]
        for start, event in events:
            event.position = bisect.bisect_right(starts, start)
        return ParsedDocument(turns=[t for _, t in turns], variables=self._variables(spoken_languages, languages),
                              speakers=speakers, events=[e for _, e in events], layout="eaf")

    def _not_speaker(self, tier: _Tier) -> bool:
        names = self.not_speakers
        for name in (tier.tier_id, tier.participant, tier.type_id):
            key = " ".join(name.split()).casefold()
            if not key:
                continue
            if key in names:
                return True
            aligner = ALIGNER_TIER.fullmatch(key)
            if aligner and aligner.group(1) in names:
                return True
            if "@" in key and key.split("@", 1)[0].strip() in names:
                return True
        return False

    def _names_of(self, tier: _Tier) -> tuple[str, str]:
        """The tier's id without the names of its participant and its top tier's (``Notes-Karim``:
        ``Notes-``), and its linguistic type: what they say of the tier's content."""
        name = tier.tier_id
        top = self._top(tier)
        for who in {tier.participant, top.participant, top.tier_id if top is not tier else ""}:
            if who:
                name = re.sub(rf"(?<![^\W_]){re.escape(who)}(?![^\W_])", " ", name, flags=re.IGNORECASE)
        return name, tier.type_id

    def _kind(self, tier: _Tier) -> str | None:
        """The kind of event a tier's annotations are, by its name or linguistic type; None for speech."""
        for name in self._names_of(tier):
            for pattern, kind in _TIER_KINDS:
                if pattern.search(name):
                    return kind
        return None

    def _top(self, tier: _Tier) -> _Tier:
        while tier.parent is not None:
            tier = self.tiers[tier.parent]
        return tier

    def _tier_events(self, tier: _Tier, kind: str, *, top_level: bool) -> list[tuple[float, ParsedEvent]]:
        out = []
        for rec in tier.records:
            text = _clean(rec[_VALUE])
            if not text:
                continue
            this = kind
            if kind in ("noise", "event"):
                found = note_kind(text)
                this = found if found != "comment" else kind
            speaker = None
            if top_level:
                start, end = rec[_START], rec[_END]
            else:
                span = self._span(tier.index, rec)
                if span is None:
                    continue  # an annotation outside every annotation of its parent tier
                start, end, top_index = span
                if this in _PERSONAL:
                    speaker = self.labels[top_index][0]
            out.append((_key(start), ParsedEvent(this, text, 0, start, end, speaker, self._line(tier, rec[_AT]))))
        return out

    def _span(self, t: int, rec: _Record) -> tuple[float | None, float | None, int] | None:
        """(start, end, index of the top-level tier) of an annotation of any tier."""
        tier = self.tiers[t]
        if tier.parent is None:
            return rec[_START], rec[_END], t
        parent = self._parent_record(tier, rec)
        if parent is None:
            return None
        above = self._span(tier.parent, parent)
        if above is None:
            return None
        p0, p1, top = above
        if rec[_REF] is not None or rec[_START] is None or p0 is None or p1 is None:
            return p0, p1, top
        start = min(max(rec[_START], p0), p1)
        end = min(max(rec[_END], start), p1)
        return start, end, top

    def _parent_record(self, tier: _Tier, rec: _Record) -> _Record | None:
        """The annotation of the parent tier that ``rec`` depends on (by reference, or by time)."""
        if rec[_REF] is not None:
            return self._records_by_id(tier.parent).get(rec[_REF])
        if rec[_START] is None:
            return None  # a file without times
        # the annotation its start lies in (a part of a subdivision starts where its parent does; its end
        # may be an unaligned slot placed beyond the parent's end)
        starts, records = self._parent_spans(tier.parent)
        k = bisect.bisect_right(starts, rec[_START]) - 1
        if k >= 0:
            span = self._span(tier.parent, records[k])
            if span is not None and span[1] is not None and span[1] >= rec[_START]:
                return records[k]
        return None

    def _records_by_id(self, t: int) -> dict[str, _Record]:
        found = self._by_id.get(t)
        if found is None:
            found = self._by_id[t] = {r[_ID]: r for r in self.tiers[t].records if r[_ID] is not None}
        return found

    def _parent_spans(self, t: int) -> tuple[list[float], list[_Record]]:
        """The annotations of tier ``t`` that have times, by start, and their starts."""
        found = self._spans.get(t)
        if found is None:
            timed = []
            for rec in self.tiers[t].records:
                span = self._span(t, rec)
                if span is not None and span[0] is not None:
                    timed.append((span[0], rec))
            timed.sort(key=_first)
            found = self._spans[t] = ([s for s, _ in timed], [r for _, r in timed])
        return found

    def _children(self, t: int) -> dict[str, list[_Record]]:
        """Annotation id of tier ``t``'s parent -> the annotations of ``t`` under it, in order."""
        found = self._groups.get(t)
        if found is not None:
            return found
        tier = self.tiers[t]
        groups: dict[str, list[_Record]] = {}
        records = tier.records
        if all(rec[_REF] is not None for rec in records):  # references were checked: each names a parent
            for rec in records:
                kids = groups.get(rec[_REF])
                if kids is None:
                    groups[rec[_REF]] = [rec]
                else:
                    kids.append(rec)
            for key, kids in groups.items():
                if len(kids) > 1 and not _in_chain_order(kids):
                    groups[key] = _chain_order(kids)
        else:  # aligned parts (or both kinds, in a hand-made file): by their parent's times, in time order
            for rec in records:
                parent = self._parent_record(tier, rec)
                if parent is not None and parent[_ID] is not None:
                    groups.setdefault(parent[_ID], []).append(rec)
            for kids in groups.values():
                kids.sort(key=lambda r: r[_START] if r[_START] is not None else float("inf"))
        self._groups[t] = groups
        return groups

    def _joined(self, t: int, aid: str | None) -> str:
        """The values of the parts of annotation ``aid`` (of tier ``t``), joined with spaces."""
        if aid is None:
            return ""
        for child in self._word_tiers.get(t, ()):
            kids = self._children(child.index).get(aid)
            if not kids:
                continue
            if self._word_tiers.get(child.index):  # parts that may have parts of their own
                said = " ".join(_clean(r[_VALUE]) or self._joined(child.index, r[_ID]) for r in kids)
            else:
                said = " ".join(r[_VALUE] for r in kids if r[_VALUE])
            said = _clean(said)
            if said:
                return said
        return ""

    def _variables(self, spoken: list[str | None], languages: Mapping[str, str | None]) -> dict[str, str]:
        found = set(spoken)
        if len(found) == 1 and None not in found:
            return {"language": found.pop()}
        if not any(spoken) and len(languages) == 1:
            (language,) = languages.values()
            if language:
                return {"language": language}
        return {}


def _in_chain_order(kids: list[_Record]) -> bool:
    """Whether parts are in the order of their PREVIOUS_ANNOTATION links already (as ELAN writes them)."""
    if kids[0][_PREV] is not None:
        return False
    previous = kids[0][_ID]
    for rec in kids[1:]:
        if rec[_PREV] != previous:
            return False
        previous = rec[_ID]
    return True


def _value(el: Any, tag: str) -> str | None:
    """The text of an annotation's ANNOTATION_VALUE that is not its first child."""
    for child in el:
        if child.tag == tag:
            return child.text
    return None


def _chain_order(kids: list[_Record]) -> list[_Record]:
    """Parts of one annotation in the order of their PREVIOUS_ANNOTATION links.

    Chains start at the part without link, then at parts whose link names no part of the
    annotation; parts whose links go round in a circle come last, in file order.
    """
    after = {}
    ids = {r[_ID] for r in kids}
    for rec in kids:
        prev = rec[_PREV]
        if prev is not None and prev in ids and prev not in after:
            after[prev] = rec
    # the first part has no link; then parts whose link names no part, in file order
    firsts = [r for r in kids if r[_PREV] is None] + [r for r in kids if r[_PREV] is not None and r[_PREV] not in ids]
    out: list[_Record] = []
    placed: set[int] = set()
    for rec in firsts:
        while rec is not None and id(rec) not in placed:
            out.append(rec)
            placed.add(id(rec))
            rec = after.get(rec[_ID])
    out.extend(r for r in kids if id(r) not in placed)  # parts whose links go round in a circle
    return out


def _first(pair: tuple[float, Any]) -> float:
    return pair[0]


def _key(start: float | None) -> float:
    return 0.0 if start is None else start


def _speaker_labels(tiers: list[_Tier]) -> list[tuple[str | None, str | None]]:
    """(label, role) of each speaker's tier: an interviewer mark becomes the role and leaves the label."""
    raw = [tier.participant or tier.tier_id for tier in tiers]
    out: list[tuple[str | None, str | None]] = []
    for tier, name in zip(tiers, raw):
        if not tier.participant and tier.tier_id.casefold() in _NOBODY:
            out.append((None, None))
            continue
        label, interviewer = interviewer_label(name, raw)
        if not interviewer and tier.participant and INTERVIEWER.search(tier.tier_id):
            interviewer = True  # PARTICIPANT="Sophie" on the tier "Sophie (ENQ)"
        out.append((label, "interviewer" if interviewer else None))
    return out


def _clean(text: str | None) -> str:
    """An annotation's value as a turn's text: lines stripped, blank ones dropped, spaces squeezed, NFC."""
    if not text:
        return ""
    if "\n" in text:
        lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
        text = "\n".join(line for line in lines if line)
    else:
        if "  " in text or "\t" in text:
            text = _SPACES.sub(" ", text)
        text = text.strip()
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _short(value: str | None, limit: int = 40) -> str:
    value = " ".join(str(value).split())
    return value if len(value) <= limit else value[:limit - 1] + "…"
