"""Run briefs in worker processes that cannot outlive their time or their parent.

Each brief runs in a process of its own, ``jobs`` at a time. A brief that runs past its
time limit is killed with every process it started (its Jupyter kernel above all), and
reported like any other failure; a worker never outlives the batch that started it (on
Linux it is told to die with its parent, and a kernel dies with its worker), so a killed
``research-kit batch`` leaves no kernel spinning. A worker that dies without a result
(out of memory, a crash in a native library) fails its brief only. A task may report
progress while it runs: its messages travel back on the pipe that carries its result.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection, wait
from typing import Any

__all__ = ["run_isolated", "kill_tree", "pid_alive", "Outcome"]

#: What a task gave: ``("ok", value)``, ``("timeout", seconds)`` or ``("crashed", exit code)``.
Outcome = tuple[str, Any]


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (no-op elsewhere)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _worker(conn: Connection, fn: Callable[..., Any], args: tuple, kwargs: dict, reports: bool) -> None:
    _die_with_parent()
    if reports:
        kwargs = {**kwargs, "report": lambda payload: conn.send(("progress", payload))}
    try:
        conn.send(("ok", fn(*args, **kwargs)))
    except BaseException as e:  # noqa: BLE001 - reported to the parent, which decides
        conn.send(("error", f"{type(e).__name__}: {e}"))
    finally:
        conn.close()


def kill_tree(pid: int) -> None:
    """Kill a process and every process it started (children first), waiting briefly for them."""
    import psutil

    try:
        parent = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    family = parent.children(recursive=True) + [parent]
    for proc in family:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(family, timeout=5)


def run_isolated(tasks: Iterable[tuple[str, Callable[..., Any], tuple, dict]], *, jobs: int,
                 timeout: float | None, on_done: Callable[[str, Outcome], None],
                 on_progress: Callable[[str, Any], None] | None = None) -> None:
    """Run each ``(key, fn, args, kwargs)`` in its own process, ``jobs`` at a time.

    ``on_done(key, outcome)`` is called in the parent as each task ends, with
    ``("ok", value)``, ``("error", message)`` for an exception in the task,
    ``("timeout", seconds)`` when it ran past ``timeout`` seconds (its process tree is
    killed), or ``("crashed", exit code)`` when its process died without a result.

    With ``on_progress``, each ``fn`` is also given a ``report`` keyword: a function of
    one picklable value that the task calls as often as it likes; the parent calls
    ``on_progress(key, value)`` for each, in order, before the task's ``on_done``.
    """
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    pending = list(tasks)
    running: dict[Any, tuple[str, Any, Connection, float]] = {}  # sentinel -> (key, process, conn, start)
    while pending or running:
        while pending and len(running) < max(1, jobs):
            key, fn, args, kwargs = pending.pop(0)
            here, there = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_worker, args=(there, fn, args, kwargs, on_progress is not None), daemon=True)
            proc.start()
            there.close()
            running[proc.sentinel] = (key, proc, here, time.monotonic())
        waits: list[Any] = [conn for _, _, conn, _ in running.values()] + list(running)
        limit = None
        if timeout is not None:
            limit = max(0.0, min(start + timeout for _, _, _, start in running.values()) - time.monotonic())
        ready = set(wait(waits, timeout=limit))
        now = time.monotonic()
        for sentinel, (key, proc, conn, start) in list(running.items()):
            outcome: Outcome | None = None
            if conn in ready or sentinel in ready:
                outcome, closed = _receive(conn, key, on_progress)
                if outcome is None and (closed or sentinel in ready):  # ended without a result
                    proc.join(5)
                    if proc.exitcode is None:
                        continue
                    outcome = ("crashed", proc.exitcode)
            if outcome is None and timeout is not None and now - start >= timeout:  # progress does not stop the clock
                kill_tree(proc.pid)
                outcome = ("timeout", timeout)
            if outcome is None:
                continue
            del running[sentinel]
            conn.close()
            proc.join(5)
            if proc.is_alive():
                kill_tree(proc.pid)
            on_done(key, outcome)


def _receive(conn: Connection, key: str,
             on_progress: Callable[[str, Any], None] | None) -> tuple[Outcome | None, bool]:
    """Read what a task sent: pass progress messages on; its outcome once it came, and whether the pipe closed."""
    try:
        while conn.poll():
            message = conn.recv()
            if message[0] != "progress":
                return message, False
            if on_progress is not None:
                on_progress(key, message[1])
    except (EOFError, OSError):
        return None, True
    return None, False


def pid_alive(pid: int) -> bool:
    """Whether a process of this machine has this id (for stale staging folders)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
