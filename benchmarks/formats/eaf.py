"""Time parse_eaf on a large ELAN file: ``python eaf_bench.py [n_words]`` (default 1,000,000).

The file is a meeting of three speakers, utterances of 10 words; every other utterance has
an empty value and its words on a Symbolic_Subdivision tier (so the reader joins them back
in PREVIOUS_ANNOTATION order), and every utterance has a translation (Symbolic_Association,
not read) and, one in twenty, a comment on a dependent tier. Speakers overlap a little.
"""

from __future__ import annotations

import sys
import time

WORDS = ("alors", "on", "est", "réunis", "pour", "parler", "du", "budget", "participatif", "ça",
         "marche", "très", "bien", "dans", "le", "quartier", "hein", "voilà", "c'est", "ça")
SPEAKERS = ("Hélène (ENQ)", "Karim", "Lucie")


def make_eaf(n_words: int, *, seed: int = 0, words_per_turn: int = 10) -> bytes:
    """An ELAN 3.0 file holding ``n_words`` spoken words, written as ELAN writes it.

    ``seed`` shifts the words, so that files made with different seeds differ (the
    signature ``benchmarks/bench_readers.py`` expects of a format's maker).
    """
    n_turns = max(1, n_words // words_per_turn)
    slots, tiers = [], {s: [] for s in SPEAKERS}
    tokens = {s: [] for s in SPEAKERS}
    translations = {s: [] for s in SPEAKERS}
    comments = {s: [] for s in SPEAKERS}
    aid = 0
    t = 0
    for i in range(n_turns):
        speaker = SPEAKERS[i % 3]
        start, end = t, t + 2800  # the next turn starts 2.5 s later: 300 ms of overlap
        t += 2500
        slots.append(f'        <TIME_SLOT TIME_SLOT_ID="ts{2 * i + 1}" TIME_VALUE="{start}"/>\n')
        slots.append(f'        <TIME_SLOT TIME_SLOT_ID="ts{2 * i + 2}" TIME_VALUE="{end}"/>\n')
        said = [WORDS[(i * 7 + k + seed) % len(WORDS)] for k in range(words_per_turn)]
        aid += 1
        parent = aid
        value = "" if i % 2 else " ".join(said)
        tiers[speaker].append(
            f'        <ANNOTATION>\n            <ALIGNABLE_ANNOTATION ANNOTATION_ID="a{parent}" '
            f'TIME_SLOT_REF1="ts{2 * i + 1}" TIME_SLOT_REF2="ts{2 * i + 2}">\n'
            f"                <ANNOTATION_VALUE>{value}</ANNOTATION_VALUE>\n"
            "            </ALIGNABLE_ANNOTATION>\n        </ANNOTATION>\n")
        previous = None
        for word in said:
            aid += 1
            prev = f' PREVIOUS_ANNOTATION="a{previous}"' if previous else ""
            tokens[speaker].append(
                f'        <ANNOTATION>\n            <REF_ANNOTATION ANNOTATION_ID="a{aid}" '
                f'ANNOTATION_REF="a{parent}"{prev}>\n'
                f"                <ANNOTATION_VALUE>{word}</ANNOTATION_VALUE>\n"
                "            </REF_ANNOTATION>\n        </ANNOTATION>\n")
            previous = aid
        aid += 1
        translations[speaker].append(
            f'        <ANNOTATION>\n            <REF_ANNOTATION ANNOTATION_ID="a{aid}" ANNOTATION_REF="a{parent}">\n'
            "                <ANNOTATION_VALUE>so we are here to talk about the budget</ANNOTATION_VALUE>\n"
            "            </REF_ANNOTATION>\n        </ANNOTATION>\n")
        if i % 20 == 0:
            aid += 1
            comments[speaker].append(
                f'        <ANNOTATION>\n            <REF_ANNOTATION ANNOTATION_ID="a{aid}" ANNOTATION_REF="a{parent}">\n'
                "                <ANNOTATION_VALUE>parle plus fort</ANNOTATION_VALUE>\n"
                "            </REF_ANNOTATION>\n        </ANNOTATION>\n")
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n'
           '<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-05-02T14:31:07+02:00" FORMAT="3.0" VERSION="3.0" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv3.0.xsd">\n'
           '    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">\n'
           f'        <PROPERTY NAME="lastUsedAnnotationId">{aid}</PROPERTY>\n    </HEADER>\n'
           "    <TIME_ORDER>\n", *slots, "    </TIME_ORDER>\n"]
    for s, k in zip(SPEAKERS, ("h", "k", "l")):
        out.append(f'    <TIER LANG_REF="fra" LINGUISTIC_TYPE_REF="transcription" PARTICIPANT="{s}" TIER_ID="{k}">\n')
        out += tiers[s]
        out.append("    </TIER>\n")
        for name, typ, rows in ((f"{k}-mots", "mots", tokens[s]), (f"{k}-traduction", "traduction", translations[s]),
                                (f"{k}-commentaires", "commentaire", comments[s])):
            out.append(f'    <TIER LINGUISTIC_TYPE_REF="{typ}" PARENT_REF="{k}" PARTICIPANT="{s}" TIER_ID="{name}">\n')
            out += rows
            out.append("    </TIER>\n")
    out.append(
        '    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="transcription" TIME_ALIGNABLE="true"/>\n'
        '    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Subdivision" GRAPHIC_REFERENCES="false" '
        'LINGUISTIC_TYPE_ID="mots" TIME_ALIGNABLE="false"/>\n'
        '    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" GRAPHIC_REFERENCES="false" '
        'LINGUISTIC_TYPE_ID="traduction" TIME_ALIGNABLE="false"/>\n'
        '    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" GRAPHIC_REFERENCES="false" '
        'LINGUISTIC_TYPE_ID="commentaire" TIME_ALIGNABLE="false"/>\n'
        '    <LANGUAGE LANG_DEF="http://cdb.iso.org/lg/CDB-00138580-001" LANG_ID="fra" LANG_LABEL="French (fra)"/>\n'
        '    <CONSTRAINT DESCRIPTION="Symbolic subdivision of a parent annotation. Annotations refering to the same '
        'parent are ordered" STEREOTYPE="Symbolic_Subdivision"/>\n'
        '    <CONSTRAINT DESCRIPTION="1-1 association with a parent annotation" STEREOTYPE="Symbolic_Association"/>\n'
        "</ANNOTATION_DOCUMENT>\n")
    return "".join(out).encode("utf-8")


def main(n_words: int = 1_000_000) -> None:
    from research_kit.readers.eaf import parse_eaf

    data = make_eaf(n_words)
    wall, cpu = time.perf_counter(), time.process_time()
    (doc,) = parse_eaf(data, path="bench.eaf")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    words = sum(len(t.text.split()) for t in doc.turns)
    print(f"{len(data) / 1e6:.0f} MB, {len(doc.turns):,} turns, {words:,} words, {len(doc.events):,} events: "
          f"parse_eaf {wall:.2f} s ({cpu:.2f} s of CPU)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
