"""Benchmark of the Transcriber reader: a ``.trs`` file of a neighbourhood meeting, of any length.

``make_trs(n_words)`` writes what Transcriber 1.5 saves: ISO-8859-1 bytes under
``<?xml version="1.0" encoding="ISO-8859-1"?>`` and ``<!DOCTYPE Trans SYSTEM "trans-14.dtd">``;
a ``<Trans scribe= audio_filename= xml:lang="fr">`` with its ``<Topics>`` and ``<Speakers>``
(six speakers, two of them named "Participante", as Transcriber users name people they do
not know); an ``<Episode>`` that opens with a ``nontrans`` section of music
(``<Background>``), then ``report`` sections, one per topic, of ``<Turn>``\\ s. Each turn has
its ``startTime`` and ``endTime``, a ``<Sync time=>`` every ten words or so, the words on
lines of their own (lower case, as transcribers write them), and here and there: noises
(``<Event type="noise" desc="b">``, ``"rire"``, ``"applaudissements"``), a laugh over
several words (``extent="begin"`` … ``extent="end"``), a word in English marked with a
``language`` event, a ``<Comment>``, a ``<Vocal>``, an overlap (``speaker="spk1 spk3"``
with ``<Who nb="1"/>`` and ``<Who nb="2"/>``), and a turn of applause without a speaker.

Run with the project's virtual environment::

    /work/main/.venv/bin/python trs_bench.py            # 1,000,000 words
    /work/main/.venv/bin/python trs_bench.py 200000     # another size

It prints the size of the file, then the time :func:`research_kit.readers.trs.parse_trs`
takes to read it from its bytes (best of three runs) and what it read.
"""

from __future__ import annotations

import random
import sys
import time
from xml.sax.saxutils import escape, quoteattr

#: id, name, type, dialect, accent, scope
SPEAKERS = (
    ("spk1", "Geneviève Tremblay", "female", "native", "québécois", "local"),
    ("spk2", "Karim Benali", "male", "nonnative", "", "local"),
    ("spk3", "Participante", "female", "native", "", "local"),
    ("spk4", "Participante", "female", "native", "", "local"),
    ("spk5", "Denis Gagnon", "male", "native", "québécois", "local"),
    ("spk6", "Léo", "child", "native", "", "local"),
)
WEIGHTS = (30, 20, 15, 12, 18, 5)
TOPICS = (("to1", "accueil"), ("to2", "parc Lafontaine"), ("to3", "budget participatif"),
          ("to4", "déneigement"), ("to5", "varia"))

OPENERS = ("bon", "alors", "ben", "oui", "euh", "écoutez", "moi je pense que", "en fait", "ok", "merci")
SUBJECTS = (("le parc", False), ("la ruelle verte", False), ("le comité", False), ("la ville", False),
            ("l'arrondissement", False), ("le projet", False), ("les citoyens", True), ("la piste cyclable", False),
            ("le budget participatif", False), ("les enfants du quartier", True), ("le marché public", False),
            ("la bibliothèque", False), ("les commerçants de la rue Rachel", True), ("les résidents", True))
VERBS = (("doit", "doivent"), ("pourrait", "pourraient"), ("va", "vont"), ("veut", "veulent"),
         ("devrait", "devraient"), ("aimerait", "aimeraient"), ("a décidé de", "ont décidé de"),
         ("prévoit de", "prévoient de"))
ACTIONS = ("garder", "réaménager", "financer", "présenter", "consulter", "protéger", "agrandir", "ouvrir",
           "entretenir", "sécuriser", "fermer", "repenser", "améliorer")
OBJECTS = ("les sentiers", "l'accès au lac", "les jeux d'eau", "la patinoire", "les bancs", "l'éclairage",
           "le stationnement", "les toilettes publiques", "le jardin communautaire", "la traverse piétonne",
           "les heures d'ouverture", "le déneigement")
TAILS = ("cet été", "l'année prochaine", "avant l'hiver", "pour tout le monde", "avec les résidents",
         "dans le quartier", "d'ici deux ans", "comme on l'a dit", "si c'est possible", "au printemps")
NOISES = ("b", "b", "i", "bb", "pap", "mic", "tx", "r")
COMMENTS = ("bruit de chaises", "voix éloignée", "quelqu'un entre dans la salle", "micro qui grésille")
ENGLISH = ("by the way", "anyway", "whatever", "so")


def _clause(rng: random.Random) -> list[str]:
    words: list[str] = []
    if rng.random() < 0.3:
        words += rng.choice(OPENERS).split()
    subject, plural = rng.choice(SUBJECTS)
    verb = rng.choice(VERBS)[plural]
    action = rng.choice(ACTIONS)
    if verb.endswith(" de") and action[0] in "aeiouéè":
        verb, action = verb[:-3], "d'" + action
    words += subject.split() + verb.split() + [action] + rng.choice(OBJECTS).split()
    if rng.random() < 0.5:
        words += rng.choice(TAILS).split()
    if rng.random() < 0.15:
        words.append("?")
    return words


def _attr(value: str) -> str:
    return quoteattr(value)


def make_trs(n_words: int, *, seed: int = 1) -> bytes:
    """The ISO-8859-1 bytes of a Transcriber file of about ``n_words`` words (see the module)."""
    rng = random.Random(seed)
    out = ['<?xml version="1.0" encoding="ISO-8859-1"?>\n', '<!DOCTYPE Trans SYSTEM "trans-14.dtd">\n',
           ('<Trans scribe="Annie Gagnon" audio_filename="consultation_2024-11-05" version="7" '
           'version_date="241112" xml:lang="fr">\n<Topics>\n')]
    out += [f"<Topic id={_attr(i)} desc={_attr(d)}/>\n" for i, d in TOPICS]
    out.append("</Topics>\n<Speakers>\n")
    for sid, name, kind, dialect, accent, scope in SPEAKERS:
        out.append(f"<Speaker id={_attr(sid)} name={_attr(name)} check=\"no\" type={_attr(kind)} "
                   f"dialect={_attr(dialect)} accent={_attr(accent)} scope={_attr(scope)}/>\n")
    out.append('</Speakers>\n<Episode program="Consultations publiques" air_date="2024-11-05">\n')
    out.append('<Section type="nontrans" startTime="0" endTime="4.5">\n<Turn startTime="0" endTime="4.5">\n'
               '<Sync time="0"/>\n<Background time="0.8" type="music" level="high"/>\n</Turn>\n</Section>\n')

    clock, said = 4.5, 0
    ids = [s[0] for s in SPEAKERS]
    background_on = True
    per_section = max(8, n_words // 25 // 40)  # turns in a section: some 40 sections, each about one topic
    turns: list[str] = []
    section_start = clock
    topic = 0

    def close_section(end: float) -> None:
        out.append(f'<Section type="report" startTime="{section_start:.3f}" endTime="{end:.3f}" '
                   f'topic="{TOPICS[topic % len(TOPICS)][0]}">\n')
        out.extend(turns)
        out.append("</Section>\n")

    while said < n_words:
        start = clock
        lines: list[str] = []
        if rng.random() < 0.01:  # applause, nobody speaking
            end = start + rng.uniform(2, 5)
            turns.append(f'<Turn startTime="{start:.3f}" endTime="{end:.3f}">\n<Sync time="{start:.3f}"/>\n'
                         '<Event desc="applaudissements" type="noise" extent="instantaneous"/>\n</Turn>\n')
            clock = end
            continue
        overlap = rng.random() < 0.04
        if overlap:
            first, second = rng.sample(ids, 2)
            speaker = f"{first} {second}"
        else:
            speaker = rng.choices(ids, WEIGHTS)[0]
        lines.append(f'<Sync time="{start:.3f}"/>\n')
        if background_on:
            lines.append(f'<Background time="{start:.3f}" type="music" level="off"/>\n')
            background_on = False
        t = start
        n_clauses = 1 if overlap else rng.choices((1, 2, 3, 4, 6), (30, 30, 20, 12, 8))[0]
        laughing = False
        for c in range(n_clauses):
            words = _clause(rng)
            if overlap:
                lines.append('<Who nb="1"/>\n')
                cut = max(2, len(words) // 2)
                lines.append(escape(" ".join(words[:cut])) + "\n")
                lines.append('<Who nb="2"/>\n')
                lines.append(escape(" ".join(_clause(rng)[:5])) + "\n")
                said += cut + 5
                t += 0.3 * len(words)
                continue
            if c and rng.random() < 0.6:  # a new stretch of sound
                lines.append(f'<Sync time="{t:.3f}"/>\n')
            said += sum(1 for w in words if w != "?")
            if rng.random() < 0.05:  # "so", "anyway": a word in English, marked as such
                said += 1
                lines.append('<Event desc="English" type="language" extent="begin"/>\n'
                             f"{rng.choice(ENGLISH)}\n"
                             '<Event desc="English" type="language" extent="end"/>\n')
            lines.append(escape(" ".join(words)) + "\n")
            roll = rng.random()
            if roll < 0.06:
                lines.append(f'<Event desc="{rng.choice(NOISES)}" type="noise" extent="instantaneous"/>\n')
            elif roll < 0.09:
                lines.append('<Event desc="rire" type="noise" extent="instantaneous"/>\n')
            elif roll < 0.10 and not laughing:
                lines.append('<Event desc="rire" type="noise" extent="begin"/>\n')
                laughing = True
            elif roll < 0.12:
                lines.append(f"<Comment desc={_attr(rng.choice(COMMENTS))}/>\n")
            elif roll < 0.13:
                lines.append('<Vocal desc="toux"/>\n')
            t += 0.32 * len(words) + rng.uniform(0, 0.6)
        if laughing:
            lines.append('<Event desc="rire" type="noise" extent="end"/>\n')
        end = t + rng.uniform(0.1, 0.5)
        turns.append(f'<Turn speaker="{speaker}" startTime="{start:.3f}" endTime="{end:.3f}" mode="spontaneous" '
                     f'fidelity="high" channel="studio">\n' + "".join(lines) + "</Turn>\n")
        clock = end
        if len(turns) >= per_section:
            close_section(clock)
            turns, section_start, topic = [], clock, topic + 1
    if turns:
        close_section(clock)
    out.append("</Episode>\n</Trans>\n")
    return "".join(out).encode("iso-8859-1")


def main(n_words: int = 1_000_000) -> None:
    import warnings

    from research_kit.readers.trs import parse_trs

    t0 = time.perf_counter()
    data = make_trs(n_words)
    made = time.perf_counter() - t0
    print(f"make_trs({n_words:,}): {len(data) / 2**20:.1f} MiB (ISO-8859-1), written in {made:.2f} s")
    times = []
    for _ in range(3):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a file as Transcriber writes it warns nothing
            t0 = time.perf_counter()
            (doc,) = parse_trs(data, path="consultation_2024-11-05.trs")
            times.append(time.perf_counter() - t0)
    words = sum(len(t.text.split()) for t in doc.turns)
    print(f"parse_trs: {min(times):.2f} s (best of 3; {', '.join(f'{t:.2f}' for t in times)}), "
          f"{len(doc.turns):,} turns, {words:,} words, {len(doc.speakers)} speakers, {len(doc.events):,} events, "
          f"{words / min(times) / 1e6:.2f} M words/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
