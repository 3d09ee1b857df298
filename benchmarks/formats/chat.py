"""Benchmark of the CHAT reader: a CLAN transcript of a community meeting, of any length.

``make_chat(n_words)`` writes, as CLAN exports it, the transcript of a (fictional) public
consultation in Montreal: ``@UTF8``, ``@Begin``, ``@Languages``, ``@Participants`` and
``@ID`` lines for five participants, ``@Date``, ``@Location``, ``@Situation``; then one main
tier per utterance with its time bullet (``\\x15start_end\\x15``, in milliseconds, running on
from one utterance to the next), long utterances wrapped onto tab-indented continuation
lines, and, here and there, what CHAT marks inside and under an utterance: fillers
(``&-euh``), retracings (``<le parc> [/] le parc``), replacements (``pis [: puis]``),
laughter and applause (``&=rit``, a ``*AUD:`` tier of ``&=applaudissements``), pauses
(``(..)``, ``(1.5)``), untranscribed words (``xxx``), words another speaker puts in
(``&*ANI:mhm``), bracketed comments, and the dependent tiers ``%com`` and ``%act``;
``@Comment`` headers now and then, and ``@End``.

Run with the project's virtual environment::

    /work/main/.venv/bin/python chat_bench.py            # 1,000,000 words
    /work/main/.venv/bin/python chat_bench.py 200000     # another size

It prints the size of the file, then the time :func:`research_kit.readers.chat.parse_chat`
takes to read it (best of three runs) and what it read.
"""

from __future__ import annotations

import random
import sys
import time

NAK = "\x15"

#: code, name (underscores for spaces, as @Participants writes it), CHAT role, @ID fields
PARTICIPANTS = (
    ("ANI", "Geneviève_Tremblay", "Leader", "42;", "female", "animation", "", "maîtrise"),
    ("KAR", "Karim_Benali", "Participant", "35;", "male", "résidents", "", ""),
    ("HEL", "Hélène_Côté", "Participant", "67;", "female", "résidents", "", "secondaire"),
    ("ELU", "Denis_Gagnon", "Guest", "51;", "male", "élus", "", ""),
    ("URB", "Sophie_Lavoie", "Guest", "", "female", "ville", "", "doctorat"),
)
#: who speaks how often: the facilitator and the residents most, the invited guests less
WEIGHTS = (30, 22, 20, 16, 12)

OPENERS = ("bon", "alors", "oui", "ben", "écoutez", "moi je pense que", "en fait", "donc", "c'est sûr que",
           "merci", "d'accord", "excusez-moi", "juste une chose")
#: (subject, plural?)
SUBJECTS = (("le parc", False), ("la ruelle verte", False), ("le comité", False), ("la Ville", False),
            ("l'arrondissement", False), ("le projet", False), ("les citoyens", True), ("la piste cyclable", False),
            ("le budget participatif", False), ("les enfants du quartier", True), ("le marché public", False),
            ("la bibliothèque", False), ("les commerçants de la rue Rachel", True), ("le chalet du parc", False),
            ("les résidents", True))
#: (singular, plural); "de" before a vowel becomes "d'"
VERBS = (("doit", "doivent"), ("pourrait", "pourraient"), ("va", "vont"), ("veut", "veulent"),
         ("devrait", "devraient"), ("aimerait", "aimeraient"), ("a décidé de", "ont décidé de"),
         ("essaie de", "essaient de"), ("prévoit de", "prévoient de"))
ACTIONS = ("garder", "réaménager", "financer", "présenter", "consulter", "protéger", "agrandir", "ouvrir",
           "entretenir", "sécuriser", "fermer", "repenser", "améliorer")
OBJECTS = ("les sentiers", "l'accès au lac", "les jeux d'eau", "la patinoire", "les bancs", "l'éclairage",
           "le stationnement", "les toilettes publiques", "le jardin communautaire", "la traverse piétonne",
           "les heures d'ouverture", "le déneigement")
TAILS = ("cet été", "l'année prochaine", "avant l'hiver", "pour tout le monde", "avec les résidents",
         "dans le quartier", "d'ici deux ans", "comme on l'a dit", "si c'est possible", "au printemps")
COMMENTS = ("bruit de chaises", "quelqu'un entre dans la salle", "le micro grésille", "la porte claque",
            "on distribue des documents")
ACTS = ("montre le plan", "lève la main", "pointe l'écran", "hoche la tête", "feuillette le document")


def _sentence(rng: random.Random) -> list[str]:
    """One utterance as CHAT words (possibly with CHAT codes in it), terminator included."""
    words: list[str] = []
    if rng.random() < 0.35:
        opener = rng.choice(OPENERS)
        words.extend(opener.split())
        if not opener.endswith("que"):
            words.append(",")
    if rng.random() < 0.15:
        words.append("&-euh")
    subject_text, plural = rng.choice(SUBJECTS)
    subject = subject_text.split()
    if rng.random() < 0.08:  # a retracing: <le parc> [/] le parc
        words.extend(["<" + subject[0], *subject[1:-1], subject[-1] + ">", "[/]"] if len(subject) > 1
                     else [subject[0], "[/]"])
    words.extend(subject)
    verb = rng.choice(VERBS)[plural].split()
    action = rng.choice(ACTIONS)
    if verb[-1] == "de" and action[0] in "aeiouéè":
        verb, action = verb[:-1], "d'" + action
    words.extend(verb)
    if rng.random() < 0.06:
        words.append("xxx")
    words.append(action)
    words.extend(rng.choice(OBJECTS).split())
    if rng.random() < 0.5:
        words.extend(rng.choice(TAILS).split())
    if rng.random() < 0.07:
        words.extend(["pis", "[:", "puis]", "c'est", "important"])
    if rng.random() < 0.05:
        words.append("(..)" if rng.random() < 0.6 else f"({rng.uniform(1, 3):.1f})")
        words.extend(rng.choice(TAILS).split())
    if rng.random() < 0.05:
        words.append("&=rit")
    if rng.random() < 0.03:
        words.extend(["&*ANI:mhm"])
    if rng.random() < 0.03:
        words.append(f"[% {rng.choice(COMMENTS)}]")
    words.append(rng.choices((".", "?", "!", "+..."), (70, 20, 5, 5))[0])
    return words


def _spoken(words: list[str]) -> int:
    """How many of these are words said (what the reader keeps), roughly."""
    n, skip = 0, False
    for w in words:
        if w.startswith("["):
            skip = not w.endswith("]")
            continue
        if skip:
            skip = not w.endswith("]")
            continue
        if w in (",", ".", "?", "!", "+...", "xxx") or w[0] in "&(":
            continue
        n += 1
    return n


def _wrap(line: str, width: int = 80) -> str:
    """CLAN's line wrapping: long tiers go on tab-indented continuation lines."""
    if len(line) <= width:
        return line
    out, current = [], ""
    for word in line.split(" "):
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = "\t" + word
        else:
            current = f"{current} {word}" if current else word
    out.append(current)
    return "\n".join(out)


def make_chat(n_words: int, *, seed: int = 1) -> str:
    """The text of a CLAN ``.cha`` file of about ``n_words`` spoken words (see the module)."""
    rng = random.Random(seed)
    lines = ["@UTF8", "@Begin", "@Languages:\tfra, eng",
             "@Participants:\t" + ", ".join(f"{c} {n} {r}" for c, n, r, *_ in PARTICIPANTS) + ", AUD Audience"]
    for code, _, role, age, sex, group, ses, education in PARTICIPANTS:
        lines.append(f"@ID:\tfra|consultation-lafontaine|{code}|{age}|{sex}|{group}|{ses}|{role}|{education}||")
    lines += ["@ID:\tfra|consultation-lafontaine|AUD|||||Audience|||",
              "@Media:\tconsultation-2024-11-05, audio",
              "@Date:\t05-NOV-2024", "@Location:\tMontréal, QC, Canada",
              "@Situation:\tconsultation publique sur le réaménagement du parc Lafontaine, salle paroissiale",
              "@Comment:\ttranscription par l'équipe de recherche, relue une fois"]
    codes = [p[0] for p in PARTICIPANTS]
    clock = 1200  # milliseconds
    said = 0
    while said < n_words:
        code = rng.choices(codes, WEIGHTS)[0]
        # a speaker's turn: one to three utterances, each on its own main tier with its bullet
        for _ in range(rng.choices((1, 2, 3), (55, 30, 15))[0]):
            words = _sentence(rng)
            said += _spoken(words)
            start = max(0, clock - rng.randint(0, 400)) if rng.random() < 0.1 else clock  # a little overlap
            end = start + 330 * len(words) + rng.randint(0, 700)
            lines.append(_wrap(f"*{code}:\t" + " ".join(words) + f" {NAK}{start}_{end}{NAK}"))
            if rng.random() < 0.04:
                lines.append(f"%act:\t{rng.choice(ACTS)}")
            if rng.random() < 0.03:
                lines.append(f"%com:\t{rng.choice(COMMENTS)}")
            clock = end + rng.randint(50, 600)
        clock += rng.randint(100, 1200)
        if rng.random() < 0.01:  # the audience applauds: an utterance of events only
            lines.append(f"*AUD:\t&=applaudissements . {NAK}{clock}_{clock + 2500}{NAK}")
            clock += 2600
        if rng.random() < 0.002:
            lines.append(f"@Comment:\t{rng.choice(COMMENTS)}")
    lines.append("@End")
    return "\n".join(lines) + "\n"


def main(n_words: int = 1_000_000) -> None:
    import warnings

    from research_kit.readers.chat import parse_chat

    t0 = time.perf_counter()
    text = make_chat(n_words)
    made = time.perf_counter() - t0
    print(f"make_chat({n_words:,}): {len(text.encode('utf-8')) / 2**20:.1f} MiB, {text.count(chr(10)):,} lines, "
          f"written in {made:.2f} s")
    times = []
    for _ in range(3):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a complete file warns nothing
            t0 = time.perf_counter()
            (doc,) = parse_chat(text, path="consultation.cha")
            times.append(time.perf_counter() - t0)
    words = sum(len(t.text.split()) for t in doc.turns)
    print(f"parse_chat: {min(times):.2f} s (best of 3; {', '.join(f'{t:.2f}' for t in times)}), "
          f"{len(doc.turns):,} turns, {words:,} words, {len(doc.speakers)} speakers, {len(doc.events):,} events, "
          f"{words / min(times) / 1e6:.2f} M words/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
