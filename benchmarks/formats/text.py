"""Speed of the text reader on a long parliamentary verbatim (names alone on their lines).

Run from the repository: ``.venv/bin/python benchmarks/formats/text.py [n_words]``.
"""

from __future__ import annotations

import random
import sys
import time

_SPEAKERS = ["M. LE PRÉSIDENT.", "M. PAUL LEFÈVRE.", "MME LA MINISTRE.", "MME SOPHIE GARNIER.",
             "M. JEAN-LUC DUBOIS.", "Mme Dupont (PS).—", "M. le rapporteur."]
_WORDS = ("la séance est ouverte les familles attendent toujours des places en crèche nous avons "
          "ouvert deux mille places cette année et nous en ouvrirons autant l'an prochain madame "
          "ministre monsieur député budget commune quartier logement école travail santé").split()
_DIRECTIONS = ["(Applaudissements sur plusieurs bancs.)", "(Exclamations sur les bancs du groupe Horizons.)",
               "(Rires.)", "(Mouvements divers.)"]


def make_verbatim(n_words: int, *, seed: int = 13) -> str:
    """A verbatim of about ``n_words`` words: speaker lines, wrapped paragraphs, stage directions."""
    rng = random.Random(seed)
    out: list[str] = ["COMPTE RENDU INTÉGRAL", "Séance du jeudi 14 mars 2024", ""]
    written = 0
    while written < n_words:
        out.append(rng.choice(_SPEAKERS))
        for _ in range(rng.randint(1, 3)):  # paragraphs
            words = [rng.choice(_WORDS) for _ in range(rng.randint(20, 120))]
            words[0] = words[0].capitalize()
            written += len(words)
            for start in range(0, len(words), 12):  # hard-wrapped at 12 words a line
                line = " ".join(words[start:start + 12])
                out.append(line + ("." if start + 12 >= len(words) else ""))
            out.append("")
        if rng.random() < 0.2:
            out.extend([rng.choice(_DIRECTIONS), ""])
    return "\n".join(out) + "\n"


def main(n_words: int = 1_000_000) -> None:
    from research_kit.readers.text import parse_text

    text = make_verbatim(n_words)
    t0 = time.perf_counter()
    [doc] = parse_text(text, path="verbatim.txt")
    elapsed = time.perf_counter() - t0
    print(f"{n_words:,} words, {text.count(chr(10)):,} lines, {len(text) / 1e6:.1f} MB: "
          f"layout {doc.layout}, {len(doc.turns):,} turns, {len(doc.events):,} events, {elapsed:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
