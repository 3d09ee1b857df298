"""Benchmark of the TEI reader: a ParlaMint-style session of a municipal council, of any length.

``make_tei(n_words)`` writes one ``<TEI>`` document, encoded as ParlaMint encodes its
sessions and spoken corpora their recordings: a ``<teiHeader>`` with the main title, the
term and the sitting (``<meeting ana="#parla.term">``, ``#parla.sitting``), the date of the
sitting (``<setting><date when=>``), a ``<listPerson>`` of the council's members (names,
sex, birth dates, party affiliations) and a ``<listOrg>`` of their parties; a
``<timeline unit="s">`` of ``<when interval= since="#T0">`` points; then a ``<body>`` of
debate sections (``<div type="debateSection">`` with a ``<head>``), each utterance a
``<u who="#id" ana="#chair|#regular|#guest" start= end=>`` of ``<seg>`` sentences, introduced
by the printed ``<note type="speaker">`` label; now and then an applause
(``<kinesic type="applause">``), laughter (``<vocal type="laughter">``), an interjection
(``<vocal type="interruption">``), an ``<incident>`` (the sitting suspended), a
``<gap reason="inaudible"/>``, a ``<pause/>`` or a transcriber's ``<note>``.

Run with the project's virtual environment::

    /work/main/.venv/bin/python tei_bench.py            # 1,000,000 words
    /work/main/.venv/bin/python tei_bench.py 200000     # another size

It prints the size of the file, then the time :func:`research_kit.readers.tei.parse_tei`
takes to read it from its bytes (best of three runs) and what it read; then the same for the
session as a linguistically annotated ``.ana.xml`` (every word a ``<w>``, every mark a ``<pc>``).
"""

from __future__ import annotations

import random
import sys
import time
from xml.sax.saxutils import escape

#: xml:id, forename, surname, sex, birth, party id, printed label, role in the sitting
MEMBERS = (
    ("TremblayGenevieve", "Geneviève", "Tremblay", "F", "1982-03-14", "EP", "Mme la présidente.", "chair"),
    ("BenaliKarim", "Karim", "Benali", "M", "1989-07-02", "EP", "M. Karim Benali (Équipe Plateau).", "regular"),
    ("CoteHelene", "Hélène", "Côté", "F", "1957-11-23", "PM", "Mme Hélène Côté (Projet Montréal).", "regular"),
    ("GagnonDenis", "Denis", "Gagnon", "M", "1973-05-30", "EP", "M. Denis Gagnon (Équipe Plateau).", "regular"),
    ("LavoieSophie", "Sophie", "Lavoie", "F", "1980-01-09", None, "Mme Sophie Lavoie, directrice.", "guest"),
    ("NguyenMinh", "Minh", "Nguyen", "M", "1991-09-17", "PM", "M. Minh Nguyen (Projet Montréal).", "regular"),
)
WEIGHTS = (26, 18, 18, 14, 10, 14)
PARTIES = (("EP", "Équipe Plateau"), ("PM", "Projet Montréal"))
SECTIONS = ("Période de questions du public", "Réaménagement du parc Lafontaine", "Budget participatif 2025",
            "Déneigement et entretien des rues", "Affaires nouvelles")

OPENERS = ("Merci, madame la présidente.", "Bonsoir à tous.", "Je vous remercie.", "Très bien.",
           "Permettez-moi une précision.", "Je serai bref.", "Oui, tout à fait.")
SUBJECTS = (("le parc", False), ("la ruelle verte", False), ("le comité", False), ("la Ville", False),
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
NOTES = ("(en anglais)", "(hors micro)", "(Exclamations dans la salle)", "(Murmures)")


def _sentence(rng: random.Random) -> str:
    subject, plural = rng.choice(SUBJECTS)
    verb = rng.choice(VERBS)[plural]
    action = rng.choice(ACTIONS)
    if verb.endswith(" de") and action[0] in "aeiouéè":
        verb, action = verb[:-3], "d'" + action
    words = [subject, verb, action, rng.choice(OBJECTS)]
    if rng.random() < 0.5:
        words.append(rng.choice(TAILS))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choices((".", " ?", " !"), (80, 15, 5))[0]


def _tokens(text: str, sid: str) -> str:
    """A sentence as ParlaMint's ``.ana.xml`` writes it: ``<s>`` of ``<w>`` and ``<pc>`` tokens,
    ``join="right"`` on a token the next one is glued to (``l'`` before ``État``, a word before
    its full stop)."""
    out = [f'<s xml:id="{sid}">']
    pieces: list[tuple[str, bool]] = []  # (token, punctuation?)
    for word in text.split():
        marks = []
        while word and word[-1] in ".,!?":
            marks.insert(0, word[-1])
            word = word[:-1]
        if word:
            pieces.extend(_elided(word))
        pieces.extend((mark, True) for mark in marks)
    for i, (token, punct) in enumerate(pieces):
        nxt = pieces[i + 1] if i + 1 < len(pieces) else None
        glued = nxt is not None and (token.endswith("'") or (nxt[1] and nxt[0] in ".,"))
        join = ' join="right"' if glued else ""
        if punct:
            out.append(f'<pc xml:id="{sid}.t{i + 1}" msd="UPosTag=PUNCT"{join}>{token}</pc>')
        else:
            out.append(f'<w xml:id="{sid}.t{i + 1}" lemma="{escape(token.lower(), {chr(34): "&quot;"})}" '
                       f'msd="UPosTag=X"{join}>{escape(token)}</w>')
    out.append("</s>")
    return "\n".join(out)


def _elided(word: str) -> list[tuple[str, bool]]:
    """``d'ouvrir`` is two tokens, ``d'`` and ``ouvrir``."""
    if "'" in word[:-1] and word.index("'") <= 2:
        at = word.index("'") + 1
        return [(word[:at], False), (word[at:], False)]
    return [(word, False)]


def make_tei(n_words: int, *, seed: int = 1, annotated: bool = False) -> bytes:
    """The bytes of a TEI session of about ``n_words`` words of speech (see the module);
    ``annotated``: its sentences as ``<s>`` of ``<w>``/``<pc>`` tokens, as in ParlaMint's
    linguistically annotated ``.ana.xml`` files (no ``<gap>`` or ``<note>`` inside them)."""
    rng = random.Random(seed)
    session = "ParlaMint-MTL_2024-11-05-pmr"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="{session}" ana="#parla.sitting" xml:lang="fr">\n',
        "<teiHeader>\n<fileDesc>\n<titleStmt>\n",
        ('<title type="main" xml:lang="fr">Conseil d\'arrondissement du Plateau-Mont-Royal, séance du '
        "5 novembre 2024</title>\n"),
        ('<title type="main" xml:lang="en">Plateau-Mont-Royal borough council, sitting of 5 November 2024'
        "</title>\n"),
        '<meeting n="2021-2025" ana="#parla.term">Mandat 2021-2025</meeting>\n',
        '<meeting n="118" ana="#parla.sitting">Séance ordinaire 118</meeting>\n',
        "</titleStmt>\n<publicationStmt><p>Transcription de travail (fictive)</p></publicationStmt>\n",
        ('<sourceDesc><bibl><title>Procès-verbal</title><date when="2024-11-05">5 novembre 2024</date></bibl>'
        "</sourceDesc>\n</fileDesc>\n<profileDesc>\n"),
        ('<settingDesc><setting><name type="city">Montréal</name><date when="2024-11-05"/></setting>'
        "</settingDesc>\n<particDesc>\n<listPerson>\n"),
    ]
    for pid, forename, surname, sex, birth, party, _, _ in MEMBERS:
        out.append(f'<person xml:id="{pid}"><persName><forename>{forename}</forename> <surname>{surname}</surname>'
                   f'</persName><sex value="{sex}"/><birth when="{birth}"/>')
        if party:
            out.append(f'<affiliation role="member" ref="#party.{party}" from="2021-11-07"/>')
        out.append("</person>\n")
    out.append("</listPerson>\n<listOrg>\n")
    for oid, name in PARTIES:
        out.append(f'<org xml:id="party.{oid}" role="politicalParty"><orgName full="yes">{name}</orgName>'
                   f'<orgName full="abb">{oid}</orgName></org>\n')
    out.append("</listOrg>\n</particDesc>\n</profileDesc>\n</teiHeader>\n<text>\n")

    # the speech first (it decides the timeline), then the timeline written before it
    body: list[str] = []
    whens: list[float] = [0.0]
    clock, said, u = 2.0, 0, 0
    section = 0
    body.append(f'<div type="debateSection">\n<head>{SECTIONS[0]}</head>\n')
    while said < n_words:
        if u and rng.random() < 0.01:
            section += 1
            body.append(f'</div>\n<div type="debateSection">\n<head>{SECTIONS[section % len(SECTIONS)]}</head>\n')
        member = rng.choices(MEMBERS, WEIGHTS)[0]
        pid, label, role = member[0], member[6], member[7]
        u += 1
        start = clock
        segs = []
        for s in range(rng.choices((1, 2, 3, 4), (35, 35, 20, 10))[0]):
            sentences = [_sentence(rng) for _ in range(rng.choices((1, 2), (70, 30))[0])]
            if s == 0 and rng.random() < 0.3:
                sentences.insert(0, rng.choice(OPENERS))
            text = " ".join(sentences)
            said += text.count(" ") + 1
            if annotated:
                segs.append(f'<seg xml:id="{session}.u{u}.{s + 1}">\n'
                            + "\n".join(_tokens(x, f"{session}.u{u}.{s + 1}.s{j + 1}")
                                        for j, x in enumerate(sentences)) + "\n</seg>\n")
                continue
            text = escape(text)
            if rng.random() < 0.04:
                cut = text.find(" ", len(text) // 2)
                text = text[:cut] + ' <gap reason="inaudible"/>' + text[cut:]
            elif rng.random() < 0.04:
                cut = text.find(" ", len(text) // 3)
                text = text[:cut] + f" <note>{rng.choice(NOTES)}</note>" + text[cut:]
            segs.append(f'<seg xml:id="{session}.u{u}.{s + 1}">{text}</seg>\n')
            if rng.random() < 0.03:
                segs.append('<vocal type="laughter"><desc xml:lang="fr">Rires</desc></vocal>\n')
            if rng.random() < 0.02:
                other = rng.choice(MEMBERS)
                segs.append(f'<vocal type="interruption" who="#{other[0]}"><desc xml:lang="fr">'
                            f"M. {other[2]} : C'est faux !</desc></vocal>\n")
        clock += 0.33 * sum(seg.count(" " if not annotated else "<w ") for seg in segs) + rng.uniform(0.3, 1.5)
        whens += [start, clock]
        a, b = len(whens) - 2, len(whens) - 1
        body.append(f'<note type="speaker">{escape(label)}</note>\n')
        body.append(f'<u who="#{pid}" ana="#{role}" xml:id="{session}.u{u}" start="#T{a}" end="#T{b}">\n')
        body.extend(segs)
        body.append("</u>\n")
        if rng.random() < 0.05:
            body.append('<kinesic type="applause"><desc xml:lang="fr">Applaudissements</desc></kinesic>\n')
        if rng.random() < 0.01:
            whens.append(clock + 0.5)
            body.append(f'<pause start="#T{b}" end="#T{len(whens) - 1}"/>\n')
        if rng.random() < 0.002:
            body.append('<incident><desc xml:lang="fr">La séance est suspendue quelques minutes.</desc>'
                        "</incident>\n")
            clock += 180
        clock += rng.uniform(0.2, 1.0)
    body.append("</div>\n")

    out.append('<timeline unit="s" origin="#T0">\n<when xml:id="T0" absolute="19:00:00"/>\n')
    out.extend(f'<when xml:id="T{i}" interval="{t:.3f}" since="#T0"/>\n' for i, t in enumerate(whens) if i)
    out.append("</timeline>\n<body>\n")
    out.extend(body)
    out.append("</body>\n</text>\n</TEI>\n")
    return "".join(out).encode("utf-8")


def main(n_words: int = 1_000_000) -> None:
    import warnings

    from research_kit.readers.tei import parse_tei

    for annotated in (False, True):
        name = "ParlaMint-MTL_2024-11-05-pmr" + (".ana.xml" if annotated else ".xml")
        t0 = time.perf_counter()
        data = make_tei(n_words, annotated=annotated)
        made = time.perf_counter() - t0
        print(f"make_tei({n_words:,}, annotated={annotated}): {len(data) / 2**20:.1f} MiB, written in {made:.2f} s")
        times = []
        for _ in range(3):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                t0 = time.perf_counter()
                (doc,) = parse_tei(data, path=name)
                times.append(time.perf_counter() - t0)
        words = sum(len(t.text.split()) for t in doc.turns)
        print(f"parse_tei ({name}): {min(times):.2f} s (best of 3; {', '.join(f'{t:.2f}' for t in times)}), "
              f"{len(doc.turns):,} turns, {words:,} words, {len(doc.speakers)} speakers, "
              f"{len(doc.events):,} events, {words / min(times) / 1e6:.2f} M words/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
