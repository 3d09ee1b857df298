"""Benchmark of the CoNLL-U reader: a spoken treebank of a meeting, of any length.

``make_conllu(n_words)`` writes one file as the spoken French treebanks write theirs
(Rhapsodie, ParisStories): a ``# global.columns`` line, then sentences of 4 to 25 words,
each with ``# sent_id``, ``# speaker`` and ``# speaker_id`` (four speakers, who keep the
floor for one to four sentences), a ``# text``, and ten tab-separated columns per token;
multiword tokens (``3-4 du`` over ``de`` + ``le``, ``au``, ``des``), ``SpaceAfter=No`` before
commas and final punctuation and after elided words (``j'``, ``c'``), ``AlignBegin`` and
``AlignEnd`` in MISC (milliseconds), and now and then an empty node (``8.1``) or a
``# newpar``. ``n_words`` counts the words of the text (surface tokens, punctuation
included), as the corpus's tokens do.

``make_cefc(n_words)`` writes the same meeting as the CEFC (Orféo) files do: thirteen
columns, the token's start and end in seconds and its speaker in the last three.

Run with the project's virtual environment::

    /work/main/.venv/bin/python conllu_bench.py            # 1,000,000 words
    /work/main/.venv/bin/python conllu_bench.py 200000     # another size

It prints the size of each file and the time :func:`research_kit.readers.conllu.parse_conllu`
takes to read its text (best of three runs), and what it read.
"""

from __future__ import annotations

import random
import sys
import time

SPEAKERS = (("L1", "§AF12"), ("L2", "§AM07"), ("L3", "§AF31"), ("L4", "§AM22"))
CEFC_NAMES = {"L1": "Helene_Cote", "L2": "Karim_Benali", "L3": "Ines_Morel", "L4": "Paul_Girard"}
WEIGHTS = (40, 25, 20, 15)

#: (form, lemma, upos, space after) of the words a sentence is drawn from
OPENERS = (("bon", "bon", "INTJ"), ("alors", "alors", "ADV"), ("euh", "euh", "INTJ"), ("donc", "donc", "ADV"),
           ("ben", "ben", "INTJ"), ("et", "et", "CCONJ"), ("mais", "mais", "CCONJ"), ("voilà", "voilà", "INTJ"))
SUBJECTS = ((("on", "on", "PRON"),), (("je", "moi", "PRON"),), (("ils", "eux", "PRON"),), (("c'", "ce", "PRON"),),
            (("les", "le", "DET"), ("habitants", "habitant", "NOUN")), (("la", "le", "DET"), ("mairie", "mairie", "NOUN")),
            (("le", "le", "DET"), ("comité", "comité", "NOUN")), (("j'", "moi", "PRON"),))
VERBS = (("parle", "parler", "VERB"), ("propose", "proposer", "VERB"), ("veut", "vouloir", "VERB"),
         ("est", "être", "AUX"), ("a", "avoir", "AUX"), ("pense", "penser", "VERB"), ("voit", "voir", "VERB"),
         ("garde", "garder", "VERB"), ("finance", "financer", "VERB"), ("attend", "attendre", "VERB"))
NOUNS = (("budget", "budget", "NOUN"), ("parc", "parc", "NOUN"), ("jardin", "jardin", "NOUN"),
         ("quartier", "quartier", "NOUN"), ("projet", "projet", "NOUN"), ("marché", "marché", "NOUN"),
         ("bancs", "banc", "NOUN"), ("écoles", "école", "NOUN"), ("rues", "rue", "NOUN"), ("fontaine", "fontaine", "NOUN"))
ADJECTIVES = (("participatif", "participatif", "ADJ"), ("nouveau", "nouveau", "ADJ"), ("petit", "petit", "ADJ"),
              ("important", "important", "ADJ"), ("public", "public", "ADJ"))
#: multiword tokens: surface form, then its two words (form, lemma, upos)
CONTRACTIONS = (("du", ("de", "de", "ADP"), ("le", "le", "DET")), ("au", ("à", "à", "ADP"), ("le", "le", "DET")),
                ("des", ("de", "de", "ADP"), ("les", "le", "DET")), ("aux", ("à", "à", "ADP"), ("les", "le", "DET")))
DETERMINERS = (("le", "le", "DET"), ("un", "un", "DET"), ("ce", "ce", "DET"), ("notre", "notre", "DET"))
FINAL = ((".", ".", "PUNCT"), ("?", "?", "PUNCT"), ("…", "…", "PUNCT"))
ELIDED = ("c'", "j'", "l'", "d'", "qu'", "jusqu'")


def _sentence(rng: random.Random, size: int) -> list[tuple]:
    """Surface tokens of one sentence: (form, lemma, upos) or ("MWT", form, word, word)."""
    out: list[tuple] = []
    if rng.random() < 0.5:
        out.append(rng.choice(OPENERS))
        out.append((",", ",", "PUNCT"))
    while len(out) < size - 1:
        out.extend(rng.choice(SUBJECTS))
        out.append(rng.choice(VERBS))
        if rng.random() < 0.4:
            form, first, second = rng.choice(CONTRACTIONS)
            out.append(("MWT", form, first, second))
        else:
            out.append(rng.choice(DETERMINERS))
        out.append(rng.choice(NOUNS))
        if rng.random() < 0.3:
            out.append(rng.choice(ADJECTIVES))
        if rng.random() < 0.2:
            out.append((",", ",", "PUNCT"))
    del out[size - 1:]
    if out and out[-1][-1] == "PUNCT":  # no comma before the final mark
        out[-1] = rng.choice(NOUNS)
    out.append(rng.choice(FINAL))
    return out


def _glued(token: tuple, following: tuple | None) -> bool:
    """Whether no space follows a token: before punctuation, after an elided word."""
    form = token[1] if token[0] == "MWT" else token[0]
    return following is not None and (following[-1] == "PUNCT" or form in ELIDED)


def _meeting(n_words: int, seed: int):
    """(speaker, code, sentence number, tokens, start in ms) of each sentence, up to ``n_words`` surface tokens."""
    rng = random.Random(seed)
    words = number = 0
    clock = 1200
    who = 0
    left = 0
    while words < n_words:
        if left == 0:
            who = rng.choices(range(len(SPEAKERS)), WEIGHTS)[0]
            left = rng.randint(1, 4)
        left -= 1
        size = min(rng.randint(4, 25), n_words - words)
        size = max(size, 1)
        tokens = _sentence(rng, size) if size > 1 else [rng.choice(OPENERS)]
        number += 1
        words += len(tokens)
        yield SPEAKERS[who], number, tokens, clock, rng
        clock += sum(180 + 40 * len(t[0] if t[0] != "MWT" else t[1]) for t in tokens) + rng.randint(100, 900)


def make_conllu(n_words: int, seed: int = 7) -> str:
    """A Rhapsodie-like treebank of ``n_words`` surface tokens (see the module's docstring)."""
    out = ["# global.columns = ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC"]
    for (speaker, code), number, tokens, clock, rng in _meeting(n_words, seed):
        if number > 1 and rng.random() < 0.05:
            out.append("# newpar")
        pieces = []
        for i, token in enumerate(tokens):
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            pieces.append((token[1] if token[0] == "MWT" else token[0]) + ("" if _glued(token, following)
                                                                           or following is None else " "))
        out += [f"# sent_id = Atelier_M02-{number}", "# prosodic_annotation = yes", f"# speaker = {speaker}",
                f"# speaker_id = {code}", f"# text = {''.join(pieces)}"]
        tid, t = 0, clock
        root = 0
        for i, token in enumerate(tokens):
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            space = "SpaceAfter=No" if _glued(token, following) else ""
            if token[0] == "MWT":
                _, form, first, second = token
                duration = 150 + 30 * len(form)
                out.append(f"{tid + 1}-{tid + 2}\t{form}\t_\t_\t_\t_\t_\t_\t_\t{space or '_'}")
                for word in (first, second):
                    tid += 1
                    head = tid + 2 if word is first else tid + 1
                    out.append(f"{tid}\t{word[0]}\t{word[1]}\t{word[2]}\t_\t_\t{head}\t"
                               f"{'case' if word is first else 'det'}\t_\tAlignBegin={t}|AlignEnd={t + duration}")
                t += duration
                continue
            tid += 1
            form, lemma, upos = token
            duration = 0 if upos == "PUNCT" else 120 + 40 * len(form)
            if upos in ("VERB", "AUX") and not root:
                root, head, deprel = tid, 0, "root"
            else:
                head, deprel = (root or tid + 1), ("punct" if upos == "PUNCT" else "dep")
            misc = f"AlignBegin={t}|AlignEnd={t + duration}" + (f"|{space}" if space else "")
            out.append(f"{tid}\t{form}\t{lemma}\t{upos}\t_\t_\t{head}\t{deprel}\t_\t{misc}")
            if upos == "VERB" and rng.random() < 0.02:  # a gapped verb, copied as an empty node
                out.append(f"{tid}.1\t{form}\t{lemma}\t{upos}\t_\t_\t_\t_\t{tid}:conj\tCopyOf={tid}")
            t += duration
        out.append("")
    return "\n".join(out) + "\n"


def make_cefc(n_words: int, seed: int = 7) -> str:
    """The same meeting as a CEFC (Orféo) file: times in seconds and the speaker in three more columns."""
    out = []
    for (speaker, _), number, tokens, clock, _rng in _meeting(n_words, seed):
        words = []
        for token in tokens:
            if token[0] == "MWT":
                words += [token[2], token[3]]
            elif token[2] != "PUNCT":  # CEFC transcripts have no punctuation
                words.append(token)
        if not words:
            continue
        out += [f"# sent_id = cefc-tcof-Reunion_quartier-{number}", "# text = " + " ".join(w[0] for w in words)]
        t = clock / 1000
        for i, (form, lemma, upos) in enumerate(words, start=1):
            end = t + 0.09 + 0.04 * len(form)
            out.append(f"{i}\t{form}\t{lemma}\t{upos}\t{upos}\t_\t{0 if i == 1 else 1}\t{'root' if i == 1 else 'dep'}"
                       f"\t_\t_\t{t:.6f}\t{end:.6f}\t{CEFC_NAMES[speaker]}")
            t = end + 0.01
        out.append("")
    return "\n".join(out) + "\n"


def _time(text: str, path: str) -> tuple[float, list]:
    from research_kit.readers.conllu import parse_conllu

    best, docs = float("inf"), []
    for _ in range(3):
        started = time.perf_counter()
        docs = parse_conllu(text, path=path)
        best = min(best, time.perf_counter() - started)
    return best, docs


def main(n_words: int = 1_000_000) -> None:
    for name, make in (("rhapsodie-like.conllu", make_conllu), ("cefc-like.conllu", make_cefc)):
        started = time.perf_counter()
        text = make(n_words)
        made = time.perf_counter() - started
        seconds, docs = _time(text, name)
        turns = [t for d in docs for t in d.turns]
        tokens = sum(len(t.tokens) for t in turns)
        print(f"{name}: {len(text.encode('utf-8')) / 1e6:.1f} MB, {text.count(chr(10)):,} lines "
              f"(made in {made:.1f} s); parse_conllu: {seconds:.2f} s (best of 3) -> {len(turns):,} turns, "
              f"{tokens:,} gold tokens, {tokens / seconds / 1e6:.2f} M tokens/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
