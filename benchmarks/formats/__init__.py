"""Writers of large transcripts in every format the readers know, for the benchmarks.

Each ``make_<format>(n_words, *, seed=...)`` returns the text (or the bytes) of one
realistic file of about ``n_words`` words, written the way the tool writes it (several
speakers, times, events), so that ``bench_readers.py`` reads a million words of each.
Run a module alone (``python benchmarks/formats/eaf.py``) to time its reader on one file.
"""

from __future__ import annotations

from collections.abc import Callable

from .chat import make_chat
from .conllu import make_conllu
from .eaf import make_eaf
from .tei import make_tei
from .text import make_verbatim
from .textgrid import make_textgrid
from .trs import make_trs
from .whisper import make_whisper

def _conllu_words(n_words: int, *, seed: int = 7) -> str:
    """A treebank of about ``n_words`` words: its generator counts punctuation tokens too (about 18 %)."""
    return make_conllu(int(n_words / 0.82), seed=seed)


#: format name -> (file suffix, writer)
MAKERS: dict[str, tuple[str, Callable[..., str | bytes]]] = {
    "txt": (".txt", make_verbatim),  # a verbatim with each name on a line of its own
    "textgrid": (".TextGrid", make_textgrid),
    "trs": (".trs", make_trs),
    "eaf": (".eaf", make_eaf),
    "chat": (".cha", make_chat),
    "tei": (".xml", make_tei),
    "conllu": (".conllu", _conllu_words),
    "whisper": (".json", make_whisper),
}
