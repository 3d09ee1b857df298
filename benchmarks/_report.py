"""What every benchmark prints (its rows as a Markdown table), and how they sample memory."""

import threading
import time
from collections.abc import Callable

COLUMNS = ("benchmark", "value", "unit", "baseline", "ratio", "target")


def table(rows: list[dict]) -> str:
    """Rows ``{"benchmark", "value", "unit", "baseline", "ratio", "target"}`` as a Markdown table."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        lines.append("| " + " | ".join("–" if r.get(k) is None else str(r[k]).replace("|", "\\|")
                                       for k in COLUMNS) + " |")
    return "\n".join(lines)


def peak_rss(fn: Callable[[], object]) -> tuple[float, float, object]:
    """(seconds, peak resident memory above the start in MiB, result) of one call."""
    import psutil

    process = psutil.Process()
    before = process.memory_info().rss
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            done.wait(0.005)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    start = time.perf_counter()
    try:
        out = fn()
    finally:
        took = time.perf_counter() - start
        done.set()
        watcher.join()
    peak[0] = max(peak[0], process.memory_info().rss)
    return took, (peak[0] - before) / 2**20, out
