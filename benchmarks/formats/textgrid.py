"""Time research_kit.readers.textgrid.parse_textgrid on a large TextGrid.

``make_textgrid(n_words)`` writes, in Praat's long text layout (as *Save as text file*
writes it: ``xmin = 0 `` with its trailing space, nested indentation), a two-speaker
interview of ``n_words`` words: an interviewer tier and a participant tier that take turns,
each turn an interval of 12 words followed by an empty interval (the other's turn), one turn
in ten a ``[rire]`` note, one in seven holding a doubled quote, plus a point tier of noises.

Run: ``.venv/bin/python benchmarks/formats/textgrid.py [n_words] [long|short]``.
"""

from __future__ import annotations

import sys
import time

WORDS = ("alors", "on", "commence", "euh", "le", "budget", "participatif", "c'est", "vraiment", "très",
         "important", "pour", "le", "quartier", "et", "les", "habitants", "voilà", "donc", "oui")
PER_TURN = 12


def _turn_text(k: int) -> str:
    words = [WORDS[(k * 7 + j) % len(WORDS)] for j in range(PER_TURN)]
    if k % 7 == 3:
        words[4] = '""budget""'  # a " inside a text, written twice as Praat does
    if k % 10 == 5:
        words.append("[rire]")
    return " ".join(words)


def make_textgrid(n_words: int, layout: str = "long", *, seed: int = 0) -> str:
    """A TextGrid's text holding ``n_words`` words of speech over two speaker tiers."""
    n_turns = max(1, -(-n_words // PER_TURN))
    dur = 4.0  # seconds per turn
    xmax = n_turns * dur
    # speaker tier t (0 or 1) speaks turns k with k % 2 == t; elsewhere an empty interval
    tiers = []
    for t, name in enumerate(("Claire (ENQ)", "speaker#2")):
        intervals = []
        prev = 0.0
        for k in range(t, n_turns, 2):
            a, b = k * dur, (k + 1) * dur
            if a > prev:
                intervals.append((prev, a, ""))
            intervals.append((a, b, _turn_text(k)))
            prev = b
        if prev < xmax:
            intervals.append((prev, xmax, ""))
        tiers.append(("IntervalTier", name, intervals))
    points = [(k * dur + 1.5, "porte") for k in range(0, n_turns, 50)]
    tiers.append(("TextTier", "Bruits", points))
    out: list[str] = ['File type = "ooTextFile"', 'Object class = "TextGrid"', ""]
    add = out.append
    if layout == "short":
        out += ["0", f"{xmax:g}", "<exists>", str(len(tiers))]
        for cls, name, items in tiers:
            out += [f'"{cls}"', f'"{name}"', "0", f"{xmax:g}", str(len(items))]
            for item in items:
                out += [f"{v:g}" if isinstance(v, float) else f'"{v}"' for v in item]
        return "\n".join(out) + "\n"
    out += ["xmin = 0 ", f"xmax = {xmax:g} ", "tiers? <exists> ", f"size = {len(tiers)} ", "item []: "]
    for t, (cls, name, items) in enumerate(tiers, 1):
        out += [f"    item [{t}]:", f'        class = "{cls}" ', f'        name = "{name}" ', "        xmin = 0 ",
                f"        xmax = {xmax:g} "]
        if cls == "IntervalTier":
            add(f"        intervals: size = {len(items)} ")
            for k, (a, b, s) in enumerate(items, 1):
                add(f"        intervals [{k}]:")
                add(f"            xmin = {a:g} ")
                add(f"            xmax = {b:g} ")
                add(f'            text = "{s}" ')
        else:
            add(f"        points: size = {len(items)} ")
            for k, (a, s) in enumerate(items, 1):
                add(f"        points [{k}]:")
                add(f"            number = {a:g} ")
                add(f'            mark = "{s}" ')
    return "\n".join(out) + "\n"


def main() -> None:
    from research_kit.readers.textgrid import parse_textgrid

    n_words = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    layout = sys.argv[2] if len(sys.argv) > 2 else "long"
    text = make_textgrid(n_words, layout)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        (doc,) = parse_textgrid(text, path="bench.TextGrid")
        best = min(best, time.perf_counter() - t0)
    words = sum(len(t.text.split()) for t in doc.turns)
    print(f"{layout}: {len(text) / 1e6:.1f} MB, {text.count(chr(10)):,} lines, {len(doc.turns):,} turns, "
          f"{words:,} words, {len(doc.events):,} events: best of 3 {best:.2f} s")


if __name__ == "__main__":
    main()
