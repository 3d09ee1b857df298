"""Beyond one machine: annotation, rule coding and brief batches on a Dask cluster.

Dask (``pip install "research-kit[cluster]"``) is the engine; this module is the thin
layer between it and the verbs, and it imports Dask only when it is used, so that
``import research_kit`` never does. ``docs/scale.md`` says how to start a cluster on a
laptop, a workstation, a SLURM cluster and Kubernetes.

What it gives
-------------
- :func:`connect`: a ``dask.distributed.Client`` from what a user passes as
  ``client=``: a client, a cluster object (``LocalCluster``, ``SLURMCluster``…) or a
  scheduler address such as ``"tcp://10.0.0.5:8786"``.
- :func:`map_jobs`: the per-worker side of ``annotate(client=)`` and
  ``autocode(client=)``. What every job shares (pipelines' specifications, rules) is
  sent to each worker once; the jobs (a few documents each) are spread over the workers
  and their results come back as they finish, so that a progress bar advances as it
  does locally. A worker that dies has its jobs run again by another (Dask reschedules
  them; after ``distributed.scheduler.allowed-failures`` deaths, 3 by default, the call
  fails with ``RK-A23``).
- :func:`sweep_temporary`: cache files are written atomically (temporary file, then
  rename), so a worker that dies mid-write leaves a hidden temporary file and never a
  half-written cache file; the caller removes those once its jobs are over.
- :func:`run_tasks`: what the brief runner calls to run its per-brief jobs on a
  cluster, with the same contract as its local pool: each task runs in a process of its
  own on a worker, is killed with its kernel past its time limit, and a task that fails
  or crashes is reported for that brief alone.
- Out of core: :func:`read_tokens` is the tokens frame as a ``dask.dataframe`` read
  from the annotation cache, whole documents per partition; :func:`frequencies` and
  :func:`keyness` compute what :func:`research_kit.textstats.frequencies` and
  :func:`research_kit.keyness.keyness` do, with the same result, one partition at a time
  (partial counts per partition, summed); :func:`participation` does the same for a
  turns frame (:func:`turns_frame`, or a user's own Parquet files of turns). Use them
  when the tokens frame would not fit in memory (``docs/benchmarks.md`` says when).

Codes: ``RK-A20`` Dask is not installed; ``RK-A21`` ``client=`` is not a client, a
cluster or an address; ``RK-A22`` the scheduler cannot be reached; ``RK-A23`` workers
kept dying on a job; ``RK-A25`` no annotation cache to read the tokens from;
``RK-A26`` a frame or an option the out-of-core functions cannot use; ``RK-A27`` (in a
brief's error) the worker running a brief died.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .errors import ParameterError, ResearchKitError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .corpus import Corpus

__all__ = ["check_client", "connect", "worker_threads", "map_jobs", "sweep_temporary", "partition", "run_tasks",
           "read_tokens", "turns_frame", "frequencies", "keyness", "participation", "INSTALL"]

#: What to run to get the cluster layer.
INSTALL = 'pip install "research-kit[cluster]"'

#: Words per partition of :func:`read_tokens` and :func:`turns_frame` by default: about
#: 300,000 tokens, about 90 MiB of pandas frame per partition in memory.
WORDS_PER_PARTITION = 250_000

# How long connecting to a scheduler address may take, in seconds.
_CONNECT_TIMEOUT = 30
# Fan-in of the reductions of partial counts.
_FAN_IN = 8
# Missing group keys while combining partial counts (a role may be NA); never returned.
_NA = "\x00NA"
_SEP = "\x1f"


# ---------------------------------------------------------------------------
# clients


def _require(function: str) -> None:
    if importlib.util.find_spec("dask") is None or importlib.util.find_spec("distributed") is None:
        raise ResearchKitError(
            "RK-A20", f"{function}() was asked to use a Dask cluster, and Dask is not installed.",
            hint=f"Install it with `{INSTALL}` (or `pip install dask[dataframe] distributed`) in this environment "
                 "and in the workers' environment; see docs/scale.md.")


def check_client(client: Any, *, function: str) -> None:
    """Check a ``client=`` argument without connecting (nor importing Dask).

    Parameters
    ----------
    client
        A ``dask.distributed.Client``, a cluster object (anything with a
        ``scheduler_address``), or a scheduler address string.
    function
        The public function, for messages.

    Raises
    ------
    ResearchKitError
        ``RK-A20`` when Dask is not installed.
    ParameterError
        ``RK-A21`` for anything else.
    """
    _require(function)
    if isinstance(client, str):
        if not client.strip():
            raise ParameterError("RK-A21", f"the 'client' parameter of {function}() is an empty address.",
                                 hint='Give the scheduler\'s address, e.g. client="tcp://10.0.0.5:8786".')
        return
    if hasattr(client, "submit") and hasattr(client, "scheduler"):  # a Client
        return
    if hasattr(client, "scheduler_address"):  # a LocalCluster, SLURMCluster, KubeCluster…
        return
    raise ParameterError(
        "RK-A21", f"the 'client' parameter of {function}() must be a dask.distributed.Client, a Dask cluster or a "
                  f"scheduler address; got {type(client).__name__} instead.",
        hint='For example client=Client(LocalCluster(n_workers=2)) or client="tcp://10.0.0.5:8786".')


@contextlib.contextmanager
def connect(client: Any, *, function: str = "connect") -> Iterator[Any]:
    """A ``dask.distributed.Client`` for what ``client=`` holds, for the time of a call.

    A client is used as it is; for a cluster object or an address, a client is
    opened and closed again when the ``with`` block ends.

    Parameters
    ----------
    client
        A client, a cluster object or a scheduler address (``"tcp://host:8786"``).
    function
        The public function, for messages.

    Yields
    ------
    distributed.Client

    Raises
    ------
    ResearchKitError
        ``RK-A20`` when Dask is not installed, ``RK-A22`` when the scheduler cannot be
        reached.
    ParameterError
        ``RK-A21`` when ``client`` is none of these.

    Examples
    --------
    >>> with connect("tcp://10.0.0.5:8786") as c:       # doctest: +SKIP
    ...     c.nthreads()
    """
    check_client(client, function=function)
    import distributed

    if isinstance(client, distributed.Client):
        yield client
        return
    where = client if isinstance(client, str) else getattr(client, "scheduler_address", repr(client))
    try:
        opened = distributed.Client(client, timeout=_CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as e:
        raise ResearchKitError(
            "RK-A22", f"{function}() cannot reach the Dask scheduler at {where} ({type(e).__name__}: {e}).",
            hint="Check the address (the scheduler prints it as it starts: `dask scheduler`), that the scheduler "
                 "runs, and that this machine may open a connection to it (firewall, VPN, SSH tunnel).") from e
    try:
        yield opened
    finally:
        opened.close()


def worker_threads(client: Any) -> int:
    """How many tasks the cluster runs at once (its workers' threads), at least 1."""
    return max(1, sum(client.nthreads().values()))


# ---------------------------------------------------------------------------
# jobs


class _Raised:
    """An error of ours raised in a job, carried back as its parts (our errors do not pickle)."""

    def __init__(self, error: ResearchKitError) -> None:
        self.kind = type(error)
        self.parts = {"code": error.code, "message": error.message, "path": error.path, "line": error.line,
                      "hint": error.hint}

    def rebuild(self) -> ResearchKitError:
        p = self.parts
        try:
            return self.kind(p["code"], p["message"], path=p["path"], line=p["line"], hint=p["hint"])
        except TypeError:  # a subclass with another signature
            return ResearchKitError(p["code"], p["message"], path=p["path"], line=p["line"], hint=p["hint"])


def _call(fn: Callable[..., Any], job: Any, shared: Any, options: Mapping[str, Any]) -> Any:
    try:
        with _roomy_heap():
            return fn(job, shared, **options)
    except ResearchKitError as e:
        return _Raised(e)


# glibc's mallopt() parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
# glibc's fixed mmap threshold once MALLOC_TRIM_THRESHOLD_ is set, and its largest.
_MMAP_FIXED, _MMAP_MAX = 128 * 1024, 32 * 2**20
_HEAP_LOCK = threading.Lock()
# Seconds without a job of ours before a worker's heap is set back and trimmed.
_HEAP_IDLE = 2.0
_HEAP: dict[str, Any] = {"jobs": 0, "roomy": False, "timer": None}


@functools.lru_cache(maxsize=1)
def _glibc() -> Any:
    """The C library when it is glibc (with ``mallopt`` and ``malloc_trim``), else ``None``."""
    import ctypes
    import platform

    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt, libc.malloc_trim  # noqa: B018 - both must exist
    except (OSError, AttributeError):
        return None
    return libc


@contextlib.contextmanager
def _roomy_heap() -> Iterator[None]:
    """While jobs of ours run on a Dask worker, let glibc reuse the memory it frees; give it back after.

    Dask's nanny starts each worker with ``MALLOC_TRIM_THRESHOLD_=65536``
    (``distributed.nanny.pre-spawn-environ``), so that a worker hands freed memory back to
    the system at once. Setting it also stops glibc from adapting its mmap threshold: every
    block above 128 KiB (spaCy's arrays, Arrow buffers) is then a fresh ``mmap`` whose pages
    fault in zeroed, and memory freed at the top of the heap is returned, then faulted in
    again by the next allocation. Measured on 1M words annotated by 2 workers: 4.3 million
    page faults instead of 0.34 million, 15 % more CPU time. While our jobs run, the
    thresholds are roomy (mmap above 32 MiB, trim above 256 MiB); once the worker has run
    none for :data:`_HEAP_IDLE` seconds, they are set back to what the environment asked
    for and the free memory is trimmed, as Dask wants. Nothing changes without that
    variable, with ``MALLOC_MMAP_THRESHOLD_`` set too (someone chose), or without glibc.
    """
    trim = os.environ.get("MALLOC_TRIM_THRESHOLD_", "")
    libc = _glibc() if trim.isdigit() and "MALLOC_MMAP_THRESHOLD_" not in os.environ else None
    if libc is None:
        yield
        return
    with _HEAP_LOCK:
        _HEAP["jobs"] += 1
        if _HEAP["timer"] is not None:
            _HEAP["timer"].cancel()
            _HEAP["timer"] = None
        if not _HEAP["roomy"]:
            libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_MAX)
            libc.mallopt(_M_TRIM_THRESHOLD, 8 * _MMAP_MAX)
            _HEAP["roomy"] = True
    try:
        yield
    finally:
        with _HEAP_LOCK:
            _HEAP["jobs"] -= 1
            if _HEAP["jobs"] == 0:
                timer = threading.Timer(_HEAP_IDLE, _tight_heap, (libc, int(trim)))
                timer.daemon = True
                _HEAP["timer"] = timer
                timer.start()


def _tight_heap(libc: Any, trim: int) -> None:
    """Set glibc's thresholds back to the environment's and trim, unless a job started meanwhile."""
    with _HEAP_LOCK:
        if _HEAP["jobs"] or not _HEAP["roomy"]:
            return
        libc.mallopt(_M_TRIM_THRESHOLD, trim)
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_FIXED)
        libc.malloc_trim(0)
        _HEAP["roomy"] = False
        _HEAP["timer"] = None


def map_jobs(client: Any, fn: Callable[..., Any], jobs: Sequence[Any], shared: Any, *, what: str,
             options: Mapping[str, Any] | None = None, labels: Sequence[str] | None = None) -> Iterator[Any]:
    """Run ``fn(job, shared, **options)`` for every job on the cluster; yield the results as they come.

    ``shared`` goes to every worker once (scattered), not once per job. The order of
    the results is the order in which jobs finish, as with ``as_completed``.

    Parameters
    ----------
    client
        A connected ``dask.distributed.Client`` (see :func:`connect`).
    fn
        A function importable by the workers (a module-level function of this package).
    jobs
        One argument per task.
    shared
        What every job needs; picklable.
    what
        What the jobs do, for messages ("annotating documents").
    options
        Keyword arguments of every call.
    labels
        One label per job (its documents) for the message of a job the workers kept dying on.

    Yields
    ------
    object
        Each job's result.

    Raises
    ------
    ResearchKitError
        ``RK-A23`` when the workers running a job kept dying (each death reschedules
        the job on another worker, up to ``distributed.scheduler.allowed-failures``
        times); an error of ours raised by a job is raised here as it was.
    """
    import distributed

    if not jobs:
        return
    [shared_future] = client.scatter([shared], broadcast=True, hash=False)
    run = uuid.uuid4().hex[:8]
    name = getattr(fn, "__name__", "job").strip("_")
    futures = [client.submit(_call, fn, job, shared_future, dict(options or {}), key=f"research-kit-{name}-{run}-{i}",
                             pure=False) for i, job in enumerate(jobs)]
    index = {f.key: i for i, f in enumerate(futures)}
    try:
        for future in distributed.as_completed(futures):
            try:
                result = future.result()
            except distributed.KilledWorker as e:
                i = index[future.key]
                job = labels[i] if labels is not None else f"job {i + 1} of {len(jobs)}"
                raise ResearchKitError(
                    "RK-A23", f"the Dask workers kept dying while {what} ({job}; {e}).",
                    hint="A worker may run out of memory: give the workers more memory, or fewer threads each "
                         "(`dask worker --nthreads 1 --memory-limit 8GiB`), then run again; what was done is "
                         "cached.") from e
            if isinstance(result, _Raised):
                raise result.rebuild()
            yield result
    finally:
        client.cancel([f for f in futures if not f.done()])
        del shared_future


def partition(sizes: Iterable[int], target: int) -> list[list[int]]:
    """Cut a sequence of sizes into runs of consecutive positions of about ``target`` each.

    Parameters
    ----------
    sizes
        The size of each item (words per document).
    target
        The size of a run; a run closes once it reaches it, so a large item makes a
        run of its own.

    Returns
    -------
    list of list of int
        The positions of each run, in order; every position in exactly one run.

    Examples
    --------
    >>> partition([5, 5, 5, 20, 1], 10)
    [[0, 1], [2, 3], [4]]
    """
    runs: list[list[int]] = []
    current: list[int] = []
    total = 0
    for i, size in enumerate(sizes):
        current.append(i)
        total += int(size)
        if total >= target:
            runs.append(current)
            current, total = [], 0
    if current:
        runs.append(current)
    return runs


def sweep_temporary(paths: Iterable[str | os.PathLike]) -> int:
    """Remove the temporary files that writing ``paths`` atomically may have left behind.

    A file is written to a hidden temporary file beside it (``.<name>.<random>.tmp``)
    then renamed; a process that dies in between leaves the temporary file. Call this
    once every job that could write these paths is over.

    Returns
    -------
    int
        The number of files removed.
    """
    by_folder: dict[Path, set[str]] = {}
    for p in paths:
        path = Path(p)
        by_folder.setdefault(path.parent, set()).add(path.name)
    removed = 0
    for folder, names in by_folder.items():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if not (name.startswith(".") and name.endswith(".tmp")):
                continue
            stem = name[1:].rsplit(".", 2)[0]  # .<name>.<random>.tmp -> <name>
            if stem in names:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed += 1
    return removed


# ---------------------------------------------------------------------------
# batches of briefs: the runner's tasks on a cluster

def run_tasks(tasks: Iterable[tuple[str, Callable[..., Any], tuple, dict]], *, client: Any, timeout: float | None,
              on_done: Callable[[str, tuple[str, Any]], None],
              on_progress: Callable[[str, Any], None] | None = None) -> None:
    """Run each ``(key, fn, args, kwargs)`` on the cluster, each in a process of its own on a worker.

    The same contract as the brief runner's local pool
    (:func:`research_kit.briefs.workers.run_isolated`), so that the runner keeps its
    skipping, manifest and atomic outputs and only hands the tasks over: ``on_done(key,
    outcome)`` is called in this process as each task ends, with ``("ok", value)``,
    ``("error", message)`` for an exception in the task, ``("timeout", seconds)`` when
    it ran past ``timeout`` (its process and every process it started, a Jupyter kernel
    above all, are killed), or ``("crashed", exit code)`` when its process died without a
    result. A failing task never stops the others. With ``on_progress``, each ``fn`` is
    also given a ``report`` keyword, a function of one picklable value; ``on_progress(key,
    value)`` is called here for each, in order, as they come, and all of them before the
    task's ``on_done``.

    The worker that runs a task forks it from a warm Python of its own, which must import
    the task's function: the workers need the same packages and, for outputs, the same file
    system as this process. A worker that dies (a node lost) has its tasks run again by
    another; a task whose workers keep dying fails with ``RK-A27`` in its error.

    Parameters
    ----------
    tasks
        ``(key, fn, args, kwargs)``; ``fn`` and its arguments must pickle (cloudpickle).
    client
        A client, a cluster object or a scheduler address (see :func:`connect`).
    timeout
        Seconds each task may run, or ``None``.
    on_done
        Called with each task's key and outcome.
    on_progress
        Called with each task's key and each value it reports.

    Raises
    ------
    ResearchKitError
        ``RK-A20`` / ``RK-A22`` as :func:`connect`.
    """
    tasks = list(tasks)
    if not tasks:
        return
    with connect(client, function="run_batch") as c:
        import queue

        import cloudpickle
        import distributed

        run = uuid.uuid4().hex[:8]
        topic = f"research-kit-progress-{run}" if on_progress is not None else None
        events: queue.Queue = queue.Queue()
        delivered: dict[str, int] = {}
        if topic is not None:
            c.subscribe_topic(topic, lambda event: events.put(event[1]))
        futures = {}
        for i, (key, fn, args, kwargs) in enumerate(tasks):
            payload = cloudpickle.dumps((fn, tuple(args), dict(kwargs)))
            future = c.submit(_isolated, payload, timeout, topic, key, key=f"research-kit-task-{run}-{i}", pure=False)
            futures[future] = key
            delivered[key] = 0

        def progress(key: str, seq: int, data: bytes) -> None:
            if on_progress is not None and seq == delivered[key]:  # in order, once (a re-run starts again at 0)
                delivered[key] += 1
                on_progress(key, pickle.loads(data))

        def drain() -> None:
            while True:
                try:
                    message = events.get_nowait()
                except queue.Empty:
                    return
                progress(message["key"], message["seq"], message["data"])

        pending = set(futures)
        try:
            while pending:
                try:
                    done, pending = distributed.wait(pending, timeout=0.5, return_when="FIRST_COMPLETED")
                except TimeoutError:
                    done = set()
                drain()
                for future in done:
                    key = futures[future]
                    reported: list[bytes] = []
                    try:
                        outcome, reported = future.result()
                    except distributed.KilledWorker as e:
                        outcome = ("error", f"[RK-A27] the Dask workers running this task kept dying ({e}), "
                                            "perhaps out of memory. Give the workers more memory, then run again.")
                    except Exception as e:  # noqa: BLE001 - one failing task never stops the others
                        outcome = ("error", f"{type(e).__name__}: {e}")
                    for seq, data in enumerate(reported):  # what did not come as it happened, in order
                        progress(key, seq, data)
                    on_done(key, outcome)
        finally:
            c.cancel([f for f in futures if not f.done()])
            if topic is not None:
                c.unsubscribe_topic(topic)


def _isolated(payload: bytes, timeout: float | None, topic: str | None,
              key: str) -> tuple[tuple[str, Any], list[bytes]]:
    """On a worker: run a pickled task in a process of its own; its outcome and what it reported.

    The process is forked from a task server (:func:`_serve`) that this worker keeps warm:
    a plain Python started once, single-threaded, which has imported what briefs need
    (papermill, the renderers). A fresh interpreter per task paid those imports (about
    3 s of CPU) for every brief; a fork pays none and keeps each task apart as before.
    """
    import select
    import time

    with tempfile.TemporaryDirectory(prefix="research-kit-task-") as tmp:
        task, result, log = Path(tmp) / "task.pkl", Path(tmp) / "outcome.pkl", Path(tmp) / "progress.log"
        task.write_bytes(payload)
        reported: list[bytes] = []
        offset = 0

        def forward() -> None:
            nonlocal offset
            if topic is None or not log.exists():
                return
            for data in _read_reports(log, offset):
                offset += 8 + len(data)
                with contextlib.suppress(Exception):  # progress is best effort while it runs
                    import distributed

                    distributed.get_worker().log_event(topic, {"key": key, "seq": len(reported), "data": data})
                reported.append(data)

        server = _TaskServer.take()
        pid = server.start(task, result, log if topic is not None else None)
        if pid is None:  # the server died before it forked: the task never ran
            server.close()
            return ("crashed", server.proc.returncode), reported
        started = time.monotonic()
        code: int | None = None
        try:
            while code is None:
                ready, _, _ = select.select([server.fd], [], [], 0.1)
                if ready or server.buffer:
                    code = server.exit_code()
                    if code is None and not server.alive():
                        code = -9  # the server went, and its child with it
                    continue
                forward()
                if timeout is not None and time.monotonic() - started >= timeout:
                    _kill_tree(pid)
                    server.exit_code(block=True)
                    forward()
                    server.give_back()
                    return ("timeout", timeout), reported
        except BaseException:  # the task was cancelled: its process goes too, and the server
            _kill_tree(pid)
            server.close()
            raise
        server.give_back()
        forward()
        if result.exists():
            try:
                return pickle.loads(result.read_bytes()), reported
            except Exception as e:  # noqa: BLE001 - a result that does not unpickle here
                return ("error", f"the task's result cannot be read back ({type(e).__name__}: {e})"), reported
        return ("crashed", code), reported


#: What the task server imports once, before it forks tasks: the brief runner's heavy modules.
_PRELOAD = ("research_kit.briefs.runner", "papermill", "nbclient", "research_kit.render")

_SERVER = "import sys; from research_kit.cluster import _serve; _serve(sys.argv[1:])"


class _TaskServer:
    """A warm Python on this worker that forks one task at a time (see :func:`_serve`)."""

    _idle: list[_TaskServer] = []
    _lock = threading.Lock()

    def __init__(self) -> None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self.proc = subprocess.Popen([sys.executable, "-c", _SERVER, *_PRELOAD], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, bufsize=0)
        self.fd = self.proc.stdout.fileno()
        self.buffer = b""

    @classmethod
    def take(cls) -> _TaskServer:
        with cls._lock:
            while cls._idle:
                server = cls._idle.pop()
                if server.alive():
                    return server
        return cls()

    def give_back(self) -> None:
        if self.alive():
            with self._lock:
                self._idle.append(self)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.wait(5)

    def _line(self, block: bool) -> str | None:
        import select

        while b"\n" not in self.buffer:
            if not block and not select.select([self.fd], [], [], 0)[0]:
                return None
            data = os.read(self.fd, 4096)
            if not data:
                return None
            self.buffer += data
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()

    def start(self, task: Path, result: Path, log: Path | None) -> int | None:
        """Ask for a task to be forked; its pid, or ``None`` if the server is gone."""
        try:
            self.proc.stdin.write(f"{task}\t{result}\t{log or ''}\n".encode())
            self.proc.stdin.flush()
        except OSError:
            return None
        line = self._line(block=True)
        return int(line.split()[1]) if line and line.startswith("pid ") else None

    def exit_code(self, block: bool = False) -> int | None:
        line = self._line(block)
        if line is None:
            return None if self.alive() or not block else -9
        return int(line.split()[1])


def _serve(preload: Sequence[str]) -> None:
    """The task server's loop: import ``preload``, then for each request ``task\tresult\tlog`` on
    stdin fork a child that runs it (:func:`_child_main`), answer ``pid N``, wait for it and
    answer ``exit CODE``. Single-threaded, so forking is safe; it dies with its worker."""
    _die_with_parent()
    for name in preload:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    out = sys.stdout.buffer
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return  # the worker closed the pipe (or died)
        task, result, log = line.decode().rstrip("\n").split("\t")
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                devnull = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(devnull, fd)
                _child_main(task, result, log)
                code = 0
            finally:
                os._exit(code)
        out.write(f"pid {pid}\n".encode())
        out.flush()
        _, status = os.waitpid(pid, 0)
        out.write(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
        out.flush()


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes
            import signal

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _read_reports(log: Path, offset: int) -> list[bytes]:
    """The complete reports written to ``log`` past ``offset`` (8-byte length, then the pickled value)."""
    out = []
    with open(log, "rb") as fh:
        fh.seek(offset)
        while True:
            head = fh.read(8)
            if len(head) < 8:
                break
            size = int.from_bytes(head, "little")
            data = fh.read(size)
            if len(data) < size:
                break
            out.append(data)
    return out


def _child_main(task: str, result: str, log: str = "") -> None:
    """In the task's own process: run it, write its outcome (atomically) for the worker to read."""
    _die_with_parent()  # with the task server, which dies with the worker
    import cloudpickle

    try:
        fn, args, kwargs = cloudpickle.loads(Path(task).read_bytes())
        if log:
            sink = open(log, "ab", buffering=0)  # noqa: SIM115 - open for the life of the task

            def report(value: Any) -> None:
                data = cloudpickle.dumps(value)
                sink.write(len(data).to_bytes(8, "little") + data)

            kwargs = {**kwargs, "report": report}
        outcome: tuple[str, Any] = ("ok", fn(*args, **kwargs))
        data = cloudpickle.dumps(outcome)
    except BaseException as e:  # noqa: BLE001 - reported to the worker, which reports it to the caller
        data = cloudpickle.dumps(("error", f"{type(e).__name__}: {e}"))
    tmp = result + ".tmp"
    Path(tmp).write_bytes(data)
    os.replace(tmp, result)


def _kill_tree(pid: int) -> None:
    import psutil

    try:
        parent = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    family = parent.children(recursive=True) + [parent]
    for proc in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(family, timeout=5)


# ---------------------------------------------------------------------------
# out of core: the frames


def read_tokens(corpus: Corpus, *, client: Any = None, words_per_partition: int = WORDS_PER_PARTITION,
                **options: Any) -> Any:
    """The tokens frame as a ``dask.dataframe``, read from the annotation cache.

    The documents not yet cached are annotated first (on ``client`` when given),
    without gathering their tokens here. Each partition holds whole documents, in
    corpus order, about ``words_per_partition`` words; computed, the frame equals
    ``annotate(corpus, **options)``, row for row.

    Parameters
    ----------
    corpus
        A corpus read from a folder, or any corpus with ``cache=<folder>``.
    client
        A client, a cluster object or an address, to annotate on; computing the frame
        uses Dask's default scheduler, or the client the caller has made the default.
    words_per_partition
        About how many words each partition holds.
    **options
        The options of :func:`research_kit.annotate.annotate` (``pipelines``,
        ``entities``, ``by_turn``, ``stop_words``, ``cache``, ``n_process``,
        ``progress``, ``gold``).

    Returns
    -------
    dask.dataframe.DataFrame
        Schema :data:`research_kit.schemas.TOKENS`.

    Raises
    ------
    ResearchKitError
        ``RK-A25`` when there is no cache folder; ``RK-A20`` without Dask; the errors
        of :func:`~research_kit.annotate.annotate`.

    Examples
    --------
    >>> tokens = read_tokens(read_corpus("big-corpus"))          # doctest: +SKIP
    >>> frequencies(tokens, by="site", corpus=corpus).head()     # doctest: +SKIP
    """
    _require("read_tokens")
    words_per_partition = _check_partition_size(words_per_partition, "read_tokens")
    from . import schemas
    from .annotate import annotation_categories, annotation_files, pseudonym_spans

    files = annotation_files(corpus, client=client, **options)
    spans = pseudonym_spans(corpus, files["doc_id"].astype(str).tolist())
    gold = corpus.gold_tokens
    # every partition with the same categories, so that the frame computed is annotate()'s, categories included
    categories = annotation_categories(files, gold)
    pieces = []
    for run in partition(files["n_words"].tolist(), words_per_partition) or [[]]:
        rows = files.iloc[run].reset_index(drop=True)
        ids = rows["doc_id"].astype(str).tolist()
        mine = None
        if gold is not None and rows["path"].isna().any():
            mine = gold[gold["doc_id"].astype(str).isin(set(ids))]
        pieces.append((rows, {d: spans[d] for d in ids}, mine, categories))
    return _from_pieces(_read_piece, pieces, schemas.empty_frame(schemas.TOKENS), label="read-tokens")


def _read_piece(piece: tuple[Any, Any, Any, Any]) -> pd.DataFrame:
    from .annotate import read_annotation_files

    rows, spans, gold, categories = piece
    return read_annotation_files(rows, spans=spans, gold_tokens=gold, categories=categories)


def turns_frame(corpus: Corpus, *, words_per_partition: int = WORDS_PER_PARTITION, text: bool = False) -> Any:
    """The corpus's turns as a ``dask.dataframe``, whole documents per partition.

    For :func:`participation` on a cluster; a frame of turns too large for memory is
    better read from Parquet files of turns (``dask.dataframe.read_parquet``), one
    document per file or files sorted by document.

    Parameters
    ----------
    corpus
        The corpus.
    words_per_partition
        About how many words each partition holds.
    text
        Keep the turns' texts (``participation`` does not need them).

    Returns
    -------
    dask.dataframe.DataFrame
        The columns of :data:`research_kit.schemas.TURNS` (``text`` only when asked).
    """
    _require("turns_frame")
    words_per_partition = _check_partition_size(words_per_partition, "turns_frame")
    turns = corpus.turns if text else corpus.turns.drop(columns="text")
    positions = {str(k): v for k, v in turns.groupby("doc_id", sort=False).indices.items()}
    ids = [d for d in corpus.doc_ids if d in positions]
    words = turns["n_words"].to_numpy()
    sizes = [int(words[positions[d]].sum()) for d in ids]
    pieces = []
    for run in partition(sizes, words_per_partition) or [[]]:
        where = [i for k in run for i in sorted(positions[ids[k]])]
        pieces.append(turns.iloc[where].reset_index(drop=True))
    return _from_pieces(_same, pieces, turns.iloc[:0], label="turns")


def _same(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


def _from_pieces(fn: Callable[[Any], pd.DataFrame], pieces: list, meta: pd.DataFrame, *, label: str) -> Any:
    import dask
    import dask.dataframe as dd

    # Our string columns stay pandas' "string" dtype, as annotate() returns them.
    with dask.config.set({"dataframe.convert-string": False}):
        return dd.from_map(fn, pieces, meta=meta, label=label, enforce_metadata=False)


def _check_partition_size(value: Any, function: str) -> int:
    from .errors import check_int

    return check_int(value, "words_per_partition", function=function, minimum=1)


# ---------------------------------------------------------------------------
# out of core: partial results, summed


def _partitions(frame: Any, function: str, needed: Sequence[str]) -> list:
    """The partitions of a dask frame, as delayed pandas frames; its columns checked first."""
    _require(function)
    import dask.dataframe as dd

    if not isinstance(frame, dd.DataFrame):
        raise ParameterError(
            "RK-A26", f"the first argument of research_kit.cluster.{function}() must be a dask.dataframe.DataFrame; "
                      f"got {type(frame).__name__}.",
            hint=f"For a pandas frame, use research_kit.{function}() itself; for the cache, read_tokens(corpus).")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        from .errors import SchemaError

        raise SchemaError("RK-S01", f"the frame passed to {function}() lacks the column(s) {', '.join(missing)}.",
                          hint="Pass the frame that read_tokens(corpus) (or turns_frame(corpus)) returns.")
    return frame.to_delayed()


def _reduce(parts: list, combine: Callable[[list], Any], client: Any) -> Any:
    """Combine partial results ``_FAN_IN`` at a time, in order, and compute the last one."""
    import dask

    if not parts:
        return combine([])
    while len(parts) > 1:
        parts = [dask.delayed(combine)(parts[i:i + _FAN_IN]) for i in range(0, len(parts), _FAN_IN)]
    [last] = parts
    last = dask.delayed(combine)([last])
    if client is not None:
        with connect(client, function="compute") as c:
            return c.compute(last).result()
    return last.compute()


def _check_whole_documents(doc_lists: Sequence[Sequence[str]], function: str) -> None:
    seen: set[str] = set()
    for docs in doc_lists:
        twice = seen.intersection(docs)
        if twice:
            raise ParameterError(
                "RK-A26", f"{function}(): document {sorted(twice)[0]!r} is in two partitions of the frame; these "
                          "counts need each document whole in one partition.",
                hint="Build the frame with read_tokens(corpus) or turns_frame(corpus), or write Parquet files "
                     "holding whole documents (one file per document, or sorted by doc_id).")
        seen.update(docs)


def _context(corpus: Corpus | None, columns: Sequence[str], present: Sequence[str]) -> Any:
    """A corpus holding only the context columns a partition needs (no texts), or None."""
    if corpus is None:
        return None
    from .corpus import Corpus as _Corpus

    missing = [c for c in dict.fromkeys(columns) if c not in present]
    turn_cols = [c for c in missing if c in corpus.turns.columns and c not in ("doc_id", "turn")]
    doc_cols = [c for c in missing if c not in turn_cols and c in corpus.documents.columns and c != "doc_id"]
    return _Corpus(documents=corpus.documents[["doc_id", *doc_cols]], turns=corpus.turns[["doc_id", "turn",
                                                                                          *turn_cols]])


def _key_strings(keys: pd.DataFrame) -> list[str]:
    """One string per row of a keys frame, the same for equal keys in any partition."""
    import pandas as pd

    if not len(keys.columns):
        return [""] * len(keys)
    columns = [[_NA if v is None or v is pd.NA or v != v else f"{type(v).__name__}:{v}" for v in keys[c].tolist()]
               for c in keys.columns]
    return [_SEP.join(parts) for parts in zip(*columns)]


def frequencies(
    tokens: Any,
    *,
    of: Literal["lemma", "text", "lower"] = "lemma",
    by: str | Sequence[str] | None = None,
    corpus: Corpus | None = None,
    drop_stop: bool = True,
    min_count: int = 1,
    drop_pseudonyms: bool = True,
    client: Any = None,
) -> pd.DataFrame:
    """:func:`research_kit.textstats.frequencies` over a tokens frame too large for memory.

    Each partition is counted on its own (terms per group, their documents, the
    groups' sizes); the counts are summed, then shares, ranks and order are those of
    the in-memory function, whose result this equals.

    Parameters
    ----------
    tokens
        A ``dask.dataframe`` of tokens whose partitions hold whole documents
        (:func:`read_tokens`).
    of, by, corpus, drop_stop, min_count, drop_pseudonyms
        As for :func:`research_kit.textstats.frequencies`.
    client
        Compute on this cluster (client, cluster object or address); default: Dask's
        default scheduler.

    Returns
    -------
    pandas.DataFrame
        What :func:`research_kit.textstats.frequencies` returns.

    Raises
    ------
    ParameterError
        As :func:`research_kit.textstats.frequencies`; ``RK-A26`` for a frame that is
        not a dask frame or whose partitions split a document.
    """
    import pandas as pd

    from .errors import check_int, check_option
    from .tokens import OF, check_columns, empty_result, with_context, with_pseudonyms

    fn = "frequencies"
    check_option("of", of, OF, function=fn)
    check_option("drop_stop", drop_stop, (True, False), function=fn)
    check_option("drop_pseudonyms", drop_pseudonyms, (True, False), function=fn)
    by = check_columns(by, "by", function=fn)
    min_count = check_int(min_count, "min_count", function=fn, minimum=1)
    needed = ["doc_id", "text", "lemma", "is_stop", "is_punct", "is_space"]
    parts = _partitions(tokens, fn, needed)
    meta = tokens._meta
    context = _context(corpus, by, list(meta.columns))
    with_context(meta, by, context, function=fn, keep=with_pseudonyms(needed, meta))  # RK-P20/P21 here, not in a task
    import dask

    context = dask.delayed(context)
    partials = [dask.delayed(_frequency_counts)(p, context, of, by, drop_stop, drop_pseudonyms) for p in parts]
    total = _reduce(partials, _combine_frequencies, client)
    _check_whole_documents(total["docs"], fn)
    keys, sizes, counts = total["keys"], total["sizes"], total["counts"]
    dtypes = {c: keys[c].dtype for c in by} if len(keys) else {c: meta[c].dtype if c in meta.columns else "string"
                                                                for c in by}
    if not len(sizes) or int(sizes.sum()) == 0:
        return empty_result({**dtypes, "term": "string", "count": "int64", "share": "float64", "per_10k": "float64",
                             "rank": "int64", "doc_freq": "int64"})
    counts = counts[counts["count"].to_numpy() >= min_count]
    group = counts["_key"].to_numpy(dtype=object)
    size = sizes.reindex(group).to_numpy(dtype="int64")
    count = counts["count"].to_numpy(dtype="int64")
    out = keys.set_index("_key").reindex(group).reset_index(drop=True)[by] if by else pd.DataFrame(
        index=range(len(counts)))
    out["term"] = pd.array(counts["term"].to_numpy(dtype=object), dtype="string")
    out["count"] = count
    out["share"] = count / size
    out["per_10k"] = count / size * 10_000
    out["doc_freq"] = counts["doc_freq"].to_numpy(dtype="int64")
    grouped = out.groupby(by, sort=False, dropna=False)["count"] if by else out["count"]
    out["rank"] = grouped.rank(method="min", ascending=False).astype("int64")
    out = out.sort_values([*by, "rank", "term"], kind="stable", na_position="last").reset_index(drop=True)
    return out[[*by, "term", "count", "share", "per_10k", "rank", "doc_freq"]]


def _frequency_counts(part: pd.DataFrame, context: Any, of: str, by: list[str], drop_stop: bool,
                      drop_pseudonyms: bool) -> dict[str, Any]:
    """One partition's counts: group keys, group sizes, and (group, term) counts with their documents."""
    import numpy as np
    import pandas as pd

    from .tokens import bool_column, group_codes, pseudonym_mask, term_codes, with_context, with_pseudonyms, word_mask

    needed = ["doc_id", "text", "lemma", "is_stop", "is_punct", "is_space"]
    frame = with_context(part, by, context, function="frequencies", keep=with_pseudonyms(needed, part))
    word = word_mask(frame)
    if drop_pseudonyms:
        word &= ~pseudonym_mask(frame)
    group, keys = group_codes(frame, by)
    key = np.array(_key_strings(keys), dtype=object)
    size = np.bincount(group[word], minlength=len(keys))
    keep = word & ~bool_column(frame, "is_stop") if drop_stop else word
    term, names = term_codes(frame, of)
    doc, _ = pd.factorize(frame["doc_id"])
    pairs = pd.DataFrame({"g": group[keep], "t": term[keep], "d": doc[keep]})
    per_doc = pairs.groupby(["g", "t", "d"], sort=False).size().rename("n").reset_index()
    agg = per_doc.groupby(["g", "t"], sort=False).agg(count=("n", "sum"), doc_freq=("d", "size")).reset_index()
    counts = pd.DataFrame({"_key": key[agg["g"].to_numpy()], "term": names[agg["t"].to_numpy()],
                           "count": agg["count"].to_numpy(dtype="int64"),
                           "doc_freq": agg["doc_freq"].to_numpy(dtype="int64")})
    used = size > 0
    return {"keys": keys[used].assign(_key=key[used]).reset_index(drop=True),
            "sizes": pd.Series(size[used], index=key[used], dtype="int64"),
            "counts": counts, "docs": [[str(d) for d in pd.unique(frame["doc_id"])]]}


def _combine_frequencies(parts: list[dict[str, Any]]) -> dict[str, Any]:
    import pandas as pd

    if not parts:
        return {"keys": pd.DataFrame({"_key": []}), "sizes": pd.Series(dtype="int64"),
                "counts": pd.DataFrame({"_key": [], "term": [], "count": [], "doc_freq": []}), "docs": []}
    if len(parts) == 1:
        return parts[0]
    keys = pd.concat([p["keys"] for p in parts], ignore_index=True).drop_duplicates("_key").reset_index(drop=True)
    sizes = pd.concat([p["sizes"] for p in parts]).groupby(level=0, sort=False).sum().astype("int64")
    counts = (pd.concat([p["counts"] for p in parts], ignore_index=True)
              .groupby(["_key", "term"], sort=False)[["count", "doc_freq"]].sum().reset_index())
    return {"keys": keys, "sizes": sizes, "counts": counts, "docs": [d for p in parts for d in p["docs"]]}


def keyness(
    tokens: Any,
    *,
    target: Mapping[str, object],
    reference: Mapping[str, object] | None = None,
    of: Literal["lemma", "text", "lower"] = "lemma",
    corpus: Corpus | None = None,
    measure: Literal["log_likelihood", "chi_square", "log_ratio", "percent_diff", "lafon"] = "log_likelihood",
    min_count: int = 3,
    drop_stop: bool = True,
    drop_pseudonyms: bool = True,
    client: Any = None,
) -> pd.DataFrame:
    """:func:`research_kit.keyness.keyness` over a tokens frame too large for memory.

    Each partition counts each term in the target and in the reference, and the sizes
    of both; the counts are summed and scored as the in-memory function scores them,
    whose result this equals.

    Parameters
    ----------
    tokens
        A ``dask.dataframe`` of tokens (:func:`read_tokens`).
    target, reference
        Filters ``{column: value or list of values}`` as for
        :func:`research_kit.keyness.keyness` (a boolean Series cannot be aligned with a
        frame that is not in memory).
    of, corpus, measure, min_count, drop_stop, drop_pseudonyms
        As for :func:`research_kit.keyness.keyness`.
    client
        Compute on this cluster; default: Dask's default scheduler.

    Returns
    -------
    pandas.DataFrame
        What :func:`research_kit.keyness.keyness` returns.

    Raises
    ------
    ParameterError
        As :func:`research_kit.keyness.keyness` (``RK-P24`` for a filter that is not a
        mapping, ``RK-P25`` / ``RK-P26``); ``RK-A26`` for a frame that is not a dask frame.

    References
    ----------
    See :func:`research_kit.keyness.keyness`.
    """
    from .errors import check_int, check_option
    from .keyness import MEASURES, keyness_table
    from .tokens import OF, with_context, with_pseudonyms

    fn = "keyness"
    check_option("of", of, OF, function=fn)
    check_option("measure", measure, MEASURES, function=fn)
    check_option("drop_stop", drop_stop, (True, False), function=fn)
    check_option("drop_pseudonyms", drop_pseudonyms, (True, False), function=fn)
    min_count = check_int(min_count, "min_count", function=fn, minimum=1)
    columns = _filter_columns(target, "target") + _filter_columns(reference, "reference")
    needed = ["doc_id", "text", "lemma", "is_stop", "is_punct", "is_space"]
    parts = _partitions(tokens, fn, needed)
    meta = tokens._meta
    context = _context(corpus, columns, list(meta.columns))
    with_context(meta, columns, context, function=fn, parameter="target/reference", keep=with_pseudonyms(needed, meta))
    import dask

    context = dask.delayed(context)
    partials = [dask.delayed(_keyness_counts)(p, context, dict(target), None if reference is None else dict(reference),
                                              columns, of, drop_stop, drop_pseudonyms) for p in parts]
    total = _reduce(partials, _combine_keyness, client)
    _check_whole_documents(total["docs"], fn)
    if total["overlap"]:
        raise ParameterError(
            "RK-P25",
            f"the target and the reference of keyness() overlap: {total['overlap']} token(s) are in both "
            f"(e.g. document {total['first']!r}).",
            hint="Make the two filters exclusive, or leave reference=None to compare the target with the rest.")
    c, d = total["c"], total["d"]
    for name, size, spec in (("target", c, target), ("reference", d, reference)):
        if size == 0:
            shown = "the rest of the corpus" if spec is None else repr(dict(spec))
            raise ParameterError(
                "RK-P26", f"the {name} of keyness() holds no word: {shown} selects no token other than punctuation, "
                          "white space and pseudonyms.",
                hint="Check the filter's column and values (e.g. frame[column].unique()).")
    counts = total["counts"]
    return keyness_table(counts.index.to_numpy(dtype=object), counts["a"].to_numpy(dtype="int64"),
                         counts["b"].to_numpy(dtype="int64"), c, d, min_count=min_count, measure=measure)


def _filter_columns(spec: object, name: str) -> list[str]:
    if spec is None:
        return []
    if not isinstance(spec, Mapping):
        raise ParameterError(
            "RK-P24", f"the {name!r} parameter of research_kit.cluster.keyness() must be a mapping {{column: value or "
                      f"list of values}}; got {type(spec).__name__} instead (a boolean Series cannot be aligned "
                      "with a frame that is not in memory).",
            hint=f'For example {name}={{"doc_id": "mtl-cop-01"}} or {name}={{"site": ["Liège", "Namur"]}}.')
    if not spec:
        raise ParameterError("RK-P24", f"the {name!r} filter of keyness() is empty.",
                             hint=f'Give at least one condition, e.g. {name}={{"role": "habitant·e"}}.')
    bad = [k for k in spec if not isinstance(k, str)]
    if bad:
        raise ParameterError("RK-P24", f"the {name!r} filter of keyness() must map column names to values; "
                                       f"got the key {bad[0]!r}.")
    return list(spec)


def _mask(frame: pd.DataFrame, spec: Mapping[str, object]) -> Any:
    import numpy as np

    mask = np.ones(len(frame), dtype=bool)
    for column, values in spec.items():
        wanted = list(values) if isinstance(values, (list, tuple, set, frozenset)) or hasattr(values, "tolist") \
            else [values]
        mask &= frame[column].isin(wanted).to_numpy(dtype=bool, na_value=False)
    return mask


def _keyness_counts(part: pd.DataFrame, context: Any, target: Mapping[str, object],
                    reference: Mapping[str, object] | None, columns: list[str], of: str, drop_stop: bool,
                    drop_pseudonyms: bool) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    from .tokens import bool_column, pseudonym_mask, term_codes, with_context, with_pseudonyms, word_mask

    needed = ["doc_id", "text", "lemma", "is_stop", "is_punct", "is_space"]
    frame = with_context(part, columns, context, function="keyness", parameter="target/reference",
                         keep=with_pseudonyms(needed, part))
    in_target = _mask(frame, target)
    overlap, first = 0, None
    if reference is None:
        in_reference = ~in_target
    else:
        in_reference = _mask(frame, reference)
        both = in_target & in_reference
        overlap = int(both.sum())
        if overlap:
            first = str(frame["doc_id"].iloc[int(np.argmax(both))])
    word = word_mask(frame)
    if drop_pseudonyms:
        word &= ~pseudonym_mask(frame)
    c = int((in_target & word).sum())
    d = int((in_reference & word).sum())
    counted = word & (in_target | in_reference)
    if drop_stop:
        counted &= ~bool_column(frame, "is_stop")
    term, names = term_codes(frame, of)
    a = np.bincount(term[counted & in_target], minlength=len(names))
    b = np.bincount(term[counted & in_reference], minlength=len(names))
    used = (a + b) > 0
    counts = pd.DataFrame({"a": a[used].astype("int64"), "b": b[used].astype("int64")}, index=names[used])
    return {"c": c, "d": d, "overlap": overlap, "first": first, "counts": counts,
            "docs": [[str(x) for x in pd.unique(frame["doc_id"])]]}


def _combine_keyness(parts: list[dict[str, Any]]) -> dict[str, Any]:
    import pandas as pd

    if not parts:
        return {"c": 0, "d": 0, "overlap": 0, "first": None, "counts": pd.DataFrame({"a": [], "b": []}), "docs": []}
    if len(parts) == 1:
        return parts[0]
    counts = pd.concat([p["counts"] for p in parts]).groupby(level=0, sort=False).sum().astype("int64")
    first = next((p["first"] for p in parts if p["first"] is not None), None)
    return {"c": sum(p["c"] for p in parts), "d": sum(p["d"] for p in parts),
            "overlap": sum(p["overlap"] for p in parts), "first": first, "counts": counts,
            "docs": [d for p in parts for d in p["docs"]]}


def participation(
    turns: Any,
    *,
    by: Literal["speaker", "role"] = "speaker",
    over: Literal["document", "corpus"] = "document",
    client: Any = None,
) -> pd.DataFrame:
    """:func:`research_kit.participation.participation` over a turns frame too large for memory.

    With ``over="document"`` each partition's documents are computed as the
    in-memory function computes them and the rows put end to end; with
    ``over="corpus"`` each partition gives its speakers' (roles') counts, summed
    over the partitions before the shares are taken. The result equals the
    in-memory one (sums of seconds may differ in the last digits: they are added in
    another order).

    Parameters
    ----------
    turns
        A ``dask.dataframe`` of turns (:data:`research_kit.schemas.TURNS`; ``text`` is
        not needed) whose partitions hold whole documents: :func:`turns_frame`, or
        Parquet files of turns one document per file.
    by, over
        As for :func:`research_kit.participation.participation`.
    client
        Compute on this cluster; default: Dask's default scheduler.

    Returns
    -------
    pandas.DataFrame
        What :func:`research_kit.participation.participation` returns.

    Raises
    ------
    ParameterError
        ``RK-P01`` for ``by`` / ``over``; ``RK-A26`` for a frame that is not a dask
        frame or whose partitions split a document.
    """
    from . import schemas
    from .errors import check_option

    check_option("by", by, ("speaker", "role"), function="participation")
    check_option("over", over, ("document", "corpus"), function="participation")
    needed = [c for c in schemas.TURNS.names if c != "text"]
    parts = _partitions(turns, "participation", needed)
    import dask

    partials = [dask.delayed(_participation_part)(p, by, over) for p in parts]
    total = _reduce(partials, _combine_participation, client)
    _check_whole_documents(total["docs"], "participation")
    if over == "document":
        return total["rows"]
    return _participation_over_corpus(total["rows"], by)


def _participation_part(part: pd.DataFrame, by: str, over: str) -> dict[str, Any]:
    import pandas as pd

    from . import schemas
    from .participation import participation as in_memory

    frame = part if "text" in part.columns else part.assign(text=pd.Series("", index=part.index, dtype="string"))
    docs = [[str(d) for d in pd.unique(frame["doc_id"].astype("string"))]]
    if not len(frame):
        return {"rows": None, "docs": docs}
    rows = in_memory(frame[schemas.TURNS.names], by=by, over="document")
    if over == "document":
        return {"rows": rows, "docs": docs}
    # over the corpus: this partition's keys in order of first appearance, with their sums
    rank = {d: i for i, d in enumerate(docs[0])}
    t = frame.assign(_rank=frame["doc_id"].astype("string").map(rank)).sort_values(["_rank", "turn"], kind="stable")
    speaker = t["speaker"].astype("string").fillna(schemas.UNKNOWN_SPEAKER)
    key = speaker if by == "speaker" else t["role"].astype("string")
    key = key.astype(object).where(key.notna(), _NA)
    row_key = rows[by].astype(object).where(rows[by].notna(), _NA) if by == "role" else rows["speaker"].astype(object)
    g = rows.assign(_key=row_key.to_numpy()).groupby("_key", sort=False)
    sums = pd.DataFrame({
        "turns": g["turns"].sum(), "words": g["words"].sum(),
        "speaking_time_s": g["speaking_time_s"].sum(min_count=1), "longest_turn_words": g["longest_turn_words"].max(),
        "overlaps": g["overlaps"].sum(min_count=1), "interruptions": g["interruptions"].sum(min_count=1),
        "overlap_s": g["overlap_s"].sum(min_count=1), "documents": g.size(),
    })
    order = list(dict.fromkeys(key.tolist()))
    sums = sums.reindex(order)
    if by == "speaker":
        role = t["role"].astype("string")
        pairs = pd.DataFrame({"k": key.to_numpy(), "r": role.to_numpy()}).dropna().drop_duplicates()
        sums["names"] = pd.Series({k: list(v) for k, v in pairs.groupby("k", sort=False)["r"]}).reindex(order)
    else:
        pairs = pd.DataFrame({"k": key.to_numpy(), "s": speaker.to_numpy()}).drop_duplicates()
        sums["names"] = pd.Series({k: list(v) for k, v in pairs.groupby("k", sort=False)["s"]}).reindex(order)
    return {"rows": sums, "docs": docs}


def _merge_names(lists: Any) -> list:
    out: dict = {}
    for names in lists:
        if isinstance(names, list):
            out.update(dict.fromkeys(names))
    return list(out)


def _combine_participation(parts: list[dict[str, Any]]) -> dict[str, Any]:
    import pandas as pd

    docs = [d for p in parts for d in p["docs"]]
    frames = [p["rows"] for p in parts if p["rows"] is not None]
    if not frames:
        return {"rows": None, "docs": docs}
    if len(frames) == 1:
        return {"rows": frames[0], "docs": docs}
    if "doc_id" in frames[0].columns:  # over documents: end to end
        return {"rows": pd.concat(frames, ignore_index=True), "docs": docs}
    both = pd.concat(frames)
    g = both.groupby(level=0, sort=False)
    rows = pd.DataFrame({
        "turns": g["turns"].sum(), "words": g["words"].sum(),
        "speaking_time_s": g["speaking_time_s"].sum(min_count=1), "longest_turn_words": g["longest_turn_words"].max(),
        "overlaps": g["overlaps"].sum(min_count=1), "interruptions": g["interruptions"].sum(min_count=1),
        "overlap_s": g["overlap_s"].sum(min_count=1), "documents": g["documents"].sum(),
        "names": g["names"].agg(_merge_names),
    })
    return {"rows": rows, "docs": docs}


def _participation_over_corpus(rows: pd.DataFrame | None, by: str) -> pd.DataFrame:
    """The corpus-wide participation frame from the summed rows, as the in-memory function builds it."""
    import numpy as np
    import pandas as pd

    from . import schemas

    lead = ["speaker", "role", "named", "documents"] if by == "speaker" else ["role", "n_speakers", "documents"]
    columns = lead + ["turns", "words", "speaking_time_s", "share_turns", "share_words", "share_time",
                      "mean_turn_words", "longest_turn_words", "overlaps", "interruptions", "overlap_s"]
    if rows is None or not len(rows):
        dtypes = {"speaker": "string", "role": "string", "named": "bool", "n_speakers": "int64", "documents": "int64",
                  "turns": "int64", "words": "int64", "longest_turn_words": "int64", "overlaps": "Int64",
                  "interruptions": "Int64"}
        return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "float64")) for c in columns})
    keys = rows.index.to_numpy(dtype=object)
    out = pd.DataFrame({"turns": rows["turns"].to_numpy(dtype="int64"), "words": rows["words"].to_numpy(dtype="int64")})
    time = _floats(rows["speaking_time_s"])
    timed = ~np.isnan(time)
    out["speaking_time_s"] = time

    def share(part: pd.Series) -> pd.Series:
        total = float(part.sum())
        return (part.astype("float64") / (total if total > 0 else np.nan)).astype("float64")

    out["share_turns"] = share(out["turns"])
    out["share_words"] = share(out["words"])
    out["share_time"] = share(out["speaking_time_s"]).where(timed)
    out["mean_turn_words"] = (out["words"] / out["turns"]).astype("float64")
    out["longest_turn_words"] = rows["longest_turn_words"].to_numpy(dtype="int64")
    out["documents"] = rows["documents"].to_numpy(dtype="int64")
    names = rows["names"].tolist()
    if by == "speaker":
        out["speaker"] = pd.array(keys, dtype="string")
        out["role"] = pd.array([("; ".join(n) if isinstance(n, list) and n else pd.NA) for n in names],
                               dtype="string")
        out["named"] = (out["speaker"] != schemas.UNKNOWN_SPEAKER).astype(bool)
    else:
        out["role"] = pd.array([pd.NA if k == _NA else k for k in keys], dtype="string")
        out["n_speakers"] = np.array([len(n) if isinstance(n, list) else 0 for n in names], dtype="int64")
    for col in ("overlaps", "interruptions"):
        values = _floats(rows[col])
        out[col] = pd.array(np.where(timed, np.nan_to_num(values, nan=0.0), np.nan), dtype="float64").astype("Int64")
    spans = _floats(rows["overlap_s"])
    out["overlap_s"] = np.where(timed, np.nan_to_num(spans, nan=0.0), np.nan).astype("float64")
    out = out.assign(_neg=-out["words"]).sort_values("_neg", kind="stable")
    return out[columns].reset_index(drop=True)


def _floats(values: pd.Series) -> Any:
    """A column of numbers, missing values as NaN, as a float64 array."""
    import numpy as np
    import pandas as pd

    return pd.to_numeric(pd.Series(values), errors="coerce").astype("Float64").to_numpy(dtype="float64",
                                                                                         na_value=np.nan)
