"""Benchmark of the Whisper JSON reader: a long diarised meeting, of any length.

``make_whisper(n_words)`` writes the JSON WhisperX writes after alignment and diarisation
(``whisperx meeting.wav --language fr --diarize --output_format json``): one line,
``ensure_ascii=False``; ``segments`` of 3 to 30 words, each with ``start``, ``end``,
``text`` (Whisper's leading space), ``speaker`` (``SPEAKER_00`` to ``SPEAKER_04``, who keep
the floor for one to five segments; now and then a segment no diarisation turn covers and
that has no speaker) and ``words`` (``word``, ``start``, ``end``, ``score``, ``speaker``; a
number such as ``2024`` is not aligned and has only its ``word``); now and then a segment
that is only ``[Musique]`` or ends with ``(rires)``; then the ``word_segments`` list of every
word, and ``language``. ``n_words`` counts the words of the segments' texts (a final ``?``, written
after a space as French writes it, is not one).

``make_openai(n_words)`` writes the same meeting as ``whisper --output_format json`` does
(``text``, ``segments`` with ``id``, ``seek``, ``tokens``, ``temperature``, ``avg_logprob``…,
no speakers; ``\\u00e9`` escapes), and ``make_whisper_cpp(n_words)`` as ``whisper-cli -oj``
does (tab-indented, ``timestamps`` and ``offsets`` per segment).

Run with the project's virtual environment::

    /work/main/.venv/bin/python whisper_bench.py            # 1,000,000 words
    /work/main/.venv/bin/python whisper_bench.py 200000     # another size

It prints the size of each file and the time :func:`research_kit.readers.whisper.parse_whisper`
takes to read its text (best of three runs), and what it read.
"""

from __future__ import annotations

import json
import random
import sys
import time

SPEAKERS = ("SPEAKER_00", "SPEAKER_01", "SPEAKER_02", "SPEAKER_03", "SPEAKER_04")
WEIGHTS = (35, 25, 20, 12, 8)
WORDS = ("on", "va", "parler", "du", "budget", "participatif", "et", "des", "jardins", "partagés", "je", "pense",
         "que", "le", "parc", "doit", "rester", "ouvert", "aux", "enfants", "du", "quartier", "la", "mairie",
         "propose", "un", "nouveau", "projet", "pour", "les", "rues", "piétonnes", "mais", "il", "faut", "voir",
         "avec", "les", "commerçants", "alors", "euh", "ben", "oui", "non", "c'est", "vrai", "qu'on", "attend",
         "toujours", "le", "devis", "de", "la", "fontaine", "été", "réunion", "habitants", "école", "sécurité")
NUMBERS = ("2024", "15", "3000", "12", "1er")
OPENERS = ("Alors", "Bon", "Donc", "Oui", "Euh", "Voilà", "Et", "Mais")


def _meeting(n_words: int, seed: int):
    """(start, end, speaker or None, [(word, start, end or None, score)], event) per segment."""
    rng = random.Random(seed)
    words = 0
    clock = 0.0
    who, left = 0, 0
    while words < n_words:
        if rng.random() < 0.02:  # music between two parts of the meeting
            end = clock + rng.uniform(2, 8)
            yield round(clock, 3), round(end, 3), SPEAKERS[who], [], "[Musique]"
            clock = end
            continue
        if left == 0:
            who, left = rng.choices(range(len(SPEAKERS)), WEIGHTS)[0], rng.randint(1, 5)
        left -= 1
        size = min(rng.randint(3, 30), n_words - words)
        out = []
        t = clock + rng.uniform(0.05, 0.4)
        for i in range(size):
            if i == 0:
                word = rng.choice(OPENERS) + ","
            elif rng.random() < 0.01:
                word = rng.choice(NUMBERS)
            else:
                word = rng.choice(WORDS)
            if i == size - 1:
                word += rng.choice((".", ".", ".", " ?", "..."))
            duration = 0.08 + 0.05 * len(word)
            if word[:1].isdigit():  # not aligned
                out.append((word, None, None, None))
            else:
                out.append((word, round(t, 3), round(t + duration, 3), round(rng.uniform(0.3, 1.0), 3)))
            t += duration + rng.uniform(0.0, 0.2)
        words += size
        speaker = None if rng.random() < 0.01 else SPEAKERS[who]
        event = " (rires)" if rng.random() < 0.02 else ""
        yield round(clock, 3), round(t, 3), speaker, out, event
        clock = t + rng.uniform(0.1, 1.5)


def make_whisper(n_words: int, seed: int = 11) -> str:
    """A WhisperX diarised transcript of ``n_words`` words (see the module's docstring)."""
    segments, every_word = [], []
    for start, end, speaker, words, event in _meeting(n_words, seed):
        if not words:
            segment = {"start": start, "end": end, "text": " " + event, "words": []}
        else:
            items = []
            for word, s, e, score in words:
                item = {"word": word}
                if s is not None:
                    item.update({"start": s, "end": e, "score": score})
                if speaker is not None:
                    item["speaker"] = speaker
                items.append(item)
            segment = {"start": start, "end": end, "text": " " + " ".join(w[0] for w in words) + event,
                       "words": items}
            every_word.extend(items)
        if speaker is not None:
            segment["speaker"] = speaker
        segments.append(segment)
    return json.dumps({"segments": segments, "word_segments": every_word, "language": "fr"}, ensure_ascii=False)


def make_openai(n_words: int, seed: int = 11) -> str:
    """The same meeting as openai-whisper's JSON: no speakers, \\u escapes, Whisper's decoding values."""
    rng = random.Random(seed + 1)
    segments, texts = [], []
    for i, (start, end, _, words, event) in enumerate(_meeting(n_words, seed)):
        text = " " + (" ".join(w[0] for w in words) + event if words else event)
        texts.append(text)
        segments.append({"id": i, "seek": int(start * 100) // 3000 * 3000, "start": start, "end": end, "text": text,
                         "tokens": [50364 + rng.randint(0, 1500) for _ in range(len(words) + 2)],
                         "temperature": 0.0, "avg_logprob": -rng.uniform(0.1, 0.6),
                         "compression_ratio": rng.uniform(1.1, 1.9), "no_speech_prob": rng.uniform(0.0, 0.1)})
    return json.dumps({"text": "".join(texts), "segments": segments, "language": "fr"})


def make_whisper_cpp(n_words: int, seed: int = 11) -> str:
    """The same meeting as whisper-cli -oj writes it (its own tab-indented writer)."""
    def stamp(ms: int) -> str:
        h, rest = divmod(ms, 3_600_000)
        m, rest = divmod(rest, 60_000)
        s, ms = divmod(rest, 1000)
        return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"

    items = []
    for start, end, _, words, event in _meeting(n_words, seed):
        t0, t1 = round(start * 100) * 10, round(end * 100) * 10
        text = " " + (" ".join(w[0] for w in words) + event if words else "[BLANK_AUDIO]")
        items.append(f'\t\t{{\n\t\t\t"timestamps": {{\n\t\t\t\t"from": "{stamp(t0)}",\n\t\t\t\t"to": "{stamp(t1)}"\n'
                     f'\t\t\t}},\n\t\t\t"offsets": {{\n\t\t\t\t"from": {t0},\n\t\t\t\t"to": {t1}\n\t\t\t}},\n'
                     f'\t\t\t"text": "{text}"\n\t\t}}')
    head = ('{\n\t"systeminfo": "AVX = 1 | AVX2 = 1 | AVX512 = 0 | FMA = 1 | NEON = 0 | ARM_FMA = 0 | F16C = 1",\n'
            '\t"model": {\n\t\t"type": "medium",\n\t\t"multilingual": true,\n\t\t"vocab": 51865,\n'
            '\t\t"mels": 80,\n\t\t"ftype": 1\n\t},\n\t"params": {\n\t\t"model": "models/ggml-medium.bin",\n'
            '\t\t"language": "fr",\n\t\t"translate": false\n\t},\n\t"result": {\n\t\t"language": "fr"\n\t},\n'
            '\t"transcription": [\n')
    return head + ",\n".join(items) + "\n\t]\n}\n"


def _time(text: str, path: str) -> tuple[float, list]:
    from research_kit.readers.whisper import parse_whisper

    best, docs = float("inf"), []
    for _ in range(3):
        started = time.perf_counter()
        docs = parse_whisper(text, path=path)
        best = min(best, time.perf_counter() - started)
    return best, docs


def main(n_words: int = 1_000_000) -> None:
    for name, make in (("whisperx-like.json", make_whisper), ("openai-like.json", make_openai),
                       ("whisper-cpp-like.json", make_whisper_cpp)):
        started = time.perf_counter()
        text = make(n_words)
        made = time.perf_counter() - started
        seconds, (doc,) = _time(text, name)
        words = sum(1 for t in doc.turns for w in t.text.split() if w != "?")
        print(f"{name}: {len(text.encode('utf-8')) / 1e6:.1f} MB (made in {made:.1f} s); parse_whisper: "
              f"{seconds:.2f} s (best of 3) -> {len(doc.turns):,} turns, {words:,} words, {len(doc.events):,} events, "
              f"layout {doc.layout}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
