"""Many inputs in one run: expanding them, converting them in parallel, naming what they make.

The rules a shell script can rely on:

- **Inputs** are files, folders (one input each: a folder of chapter files is
  one book), glob patterns the shell left alone, and lists read from a file or
  stdin (:func:`read_list`). They keep the order they were given in.
- **Results** come back in input order whatever finishes first, one
  :class:`Result` per input. A failed input never stops the others unless
  ``fail_fast`` is set.
- **Workers**: ``jobs`` > 1 runs conversions in worker processes fed one task at
  a time (:class:`_Pool`); ``jobs`` = 1 converts in this process, so a single
  book starts fast. The books are the same bytes either way.
- **Files**: a worker writes each book to a hidden temporary file in the output
  folder; this process renames it into place in input order (:class:`_Namer`),
  so two inputs that want the same name get ``-2``, ``-3`` … deterministically
  and a book is never half-written. Leaving the :class:`Batch` — normally,
  on an error or on Ctrl-C — kills the workers and removes every temporary
  file of the run; finished books stay.
"""

from __future__ import annotations

import glob
import os
import re
import signal
import string
import sys
import time
import traceback
import unicodedata
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .errors import FicError
from .sources import natural_key

if TYPE_CHECKING:  # imported when a conversion or a worker pool needs them, not with this module
    from multiprocessing.connection import Connection

    from .pipeline import Options

GLOB_CHARS = frozenset("*?[")
TEMPLATE_FIELDS = ("title", "author", "lang", "stem")
"""What ``--name-template`` may use: ``{title}``, ``{author}``, ``{lang}``, and ``{stem}`` (the input's file name
without its extension)."""
MAX_NAME_BYTES = 200
"""Room for ``-NN.epub`` under the 255-byte limit of common file systems."""
_WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(1, 10)] + [f"lpt{i}" for i in range(1, 10)]
)


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Input:
    """One input as given: ``label`` is what reports show, ``path`` what is read (None: nothing to read)."""

    label: str
    path: Path | None
    error: str | None = None


def read_list(source: str) -> list[str]:
    """The paths in a list file (``-``: stdin): one per line; blank lines and ``#`` comments skipped."""
    try:
        if source == "-":
            data = sys.stdin.buffer.read()
        else:
            data = Path(source).read_bytes()
    except FileNotFoundError:
        raise FicError("no such file", path=source) from None
    except IsADirectoryError:
        raise FicError("is a folder, not a list of paths", path=source) from None
    except OSError as exc:
        raise FicError(f"cannot be read: {exc.strerror or exc}", path=source) from None
    text = data.decode("utf-8", "surrogateescape").lstrip("\ufeff")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def expand(arguments: Iterable[str]) -> list[Input]:
    """Inputs in the order given; a pattern that names no existing file is expanded, naturally sorted.

    A path that exists is taken as it is, even if it contains ``*?[``; a
    pattern that matches nothing is an input that fails with a clear reason.
    """
    out: list[Input] = []
    for argument in arguments:
        path = Path(argument)
        if path.exists() or not GLOB_CHARS & set(argument):
            out.append(Input(argument, path))
            continue
        matches = sorted(glob.glob(argument, recursive=True), key=natural_key)
        if not matches:
            out.append(Input(argument, None, "no file matches this pattern"))
        out.extend(Input(match, Path(match)) for match in matches)
    return out


# ---------------------------------------------------------------- names


def check_template(template: str) -> None:
    """Refuse a ``--name-template`` with unknown fields, formatting or attribute access."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise FicError(f"'{template}' is not a valid template: {exc}") from None
    known = ", ".join("{" + f + "}" for f in TEMPLATE_FIELDS)
    fields = [name for _, name, _, _ in parts if name is not None]
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in TEMPLATE_FIELDS or spec or conversion:
            raise FicError(f"'{{{name}}}' is not a template field (use {known})")
    if not fields:
        raise FicError(f"the template has no field, so every book would get the same name (use {known})")


def safe_file_name(text: str) -> str:
    """A file name that any file system, an e-reader's FAT32 included, takes as one name.

    No path separators, no characters Windows or FAT refuse, no control
    characters, no leading dash or dot, no trailing dot or space, at most
    :data:`MAX_NAME_BYTES` bytes of UTF-8.
    """
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    text = text.replace('"', "'").replace(":", " -")
    text = re.sub(r"[/\\|<>?*]", "-", text)
    text = " ".join(text.split()).strip(" .-_")
    while len(text.encode("utf-8")) > MAX_NAME_BYTES:
        text = text[:-1]
    text = text.rstrip(" .-_")
    if text.split(".")[0].casefold() in _WINDOWS_RESERVED:
        text += "_"
    return text or "book"


def book_stem(template: str | None, *, title: str, author: str, lang: str, stem: str) -> str:
    """The output name without suffix or extension: the title's ASCII slug, or the template filled in."""
    from .pipeline import slugify

    if template is None:
        return slugify(title)
    return safe_file_name(template.format(title=title, author=author, lang=lang, stem=stem))


def _key(path: str | Path) -> str:
    """How two paths compare: resolved, and without case, since e-readers use FAT32."""
    return os.path.normcase(os.path.realpath(path)).casefold()


class _Namer:
    """Final names, given out in input order: a name taken earlier in the run gets ``-2``, ``-3`` …

    Input files count as taken, so no book is ever written over an input of
    the run. Names from earlier runs are not taken: a re-run overwrites its own books.
    """

    def __init__(self, output_dir: Path, inputs: Iterable[Path]) -> None:
        self.output_dir = output_dir
        self.taken = {_key(path) for path in inputs}

    def claim(self, stem: str, formats: Sequence[str]) -> list[Path]:
        n = 1
        while True:
            targets = [self.output_dir / f"{stem}{'' if n == 1 else f'-{n}'}.{fmt}" for fmt in formats]
            keys = [_key(target) for target in targets]
            if not self.taken.intersection(keys):
                self.taken.update(keys)
                return targets
            n += 1


# ---------------------------------------------------------------- one conversion


@dataclass(frozen=True)
class Task:
    """What a worker needs for one input; ``probe`` reads the story and names it, writing nothing."""

    index: int
    path: Path
    output_dir: Path
    token: str
    options: Options
    template: str | None = None
    probe: bool = False
    debug: bool = False


@dataclass
class Result:
    """What became of one input; :meth:`record` is its ``--json`` line."""

    index: int
    input: str
    outputs: list[str] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    encoding: str | None = None
    chapters: int | None = None
    words: int | None = None
    warnings: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    """The warnings worth a line on stderr (not the repairs decoding made as a matter of course)."""
    error: str | None = None
    seconds: float = 0.0
    skipped: bool = False
    stem: str | None = None
    temporaries: list[str] = field(default_factory=list)
    traceback: str | None = None

    def record(self) -> dict[str, Any]:
        keys = ("input", "outputs", "title", "author", "encoding", "chapters", "words", "warnings", "error",
                "seconds", "skipped")  # fmt: skip
        out = {key: getattr(self, key) for key in keys}
        out["seconds"] = round(self.seconds, 3)
        return out


def temporary_path(task: Task, fmt: str) -> Path:
    """Where a worker writes a book before it gets its name: hidden, and unique to the run and input."""
    return task.output_dir / f".fic2book-{task.token}-{task.index:06d}.{fmt}.part"


def convert(task: Task) -> Result:
    """Read one input and write its books to temporary files; failures become the result's ``error``."""
    from .pipeline import check_formats, read_book, write_book

    started = time.perf_counter()
    result = Result(task.index, str(task.path))
    try:
        book, text = read_book(task.path, task.options)
        meta = book.metadata
        result.title = meta.title
        result.author = ", ".join(meta.authors)
        result.encoding = ", ".join(dict.fromkeys(info.encoding for info in book.sources)) or None
        result.chapters = len(book.chapters)
        result.words = len(text.split())
        result.warnings = [w for info in book.sources for w in (*info.warnings, *info.repairs)] + list(book.warnings)
        result.alerts = [w for info in book.sources for w in info.warnings] + list(book.warnings)
        result.stem = book_stem(task.template, title=meta.title, author=result.author, lang=meta.language,
                                stem=task.path.name if task.path.is_dir() else task.path.stem)  # fmt: skip
        if not task.probe:
            check_formats(book, text, task.options.formats)
            for fmt in task.options.formats:
                target = temporary_path(task, fmt)
                result.temporaries.append(str(target))
                write_book(book, text, fmt, target, task.options)
    except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops the batch
        if isinstance(exc, FicError):
            result.error = exc.message if exc.path in (None, str(task.path)) else str(exc)
        else:
            result.error = f"unexpected {type(exc).__name__}: {exc} (run with --debug for details)"
        if task.debug:
            result.traceback = traceback.format_exc()
        _remove(result.temporaries)
        result.temporaries = []
    result.seconds = time.perf_counter() - started
    return result


def _remove(paths: Iterable[str | Path]) -> None:
    for path in paths:
        try:
            os.unlink(path)
        except OSError:
            pass


# ---------------------------------------------------------------- workers


def _serve(conn: Connection, inherited: Sequence[Connection]) -> None:
    """A worker: convert tasks until told to stop; the parent decides about Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for other in inherited:  # with fork, the other workers' pipes came along; they must not stay open here
        other.close()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(convert(task))


@dataclass(eq=False)
class _Worker:
    process: Any  # multiprocessing.Process
    conn: Connection


def _start_method() -> str:
    """fork on Linux: workers start at once with everything already imported; spawn elsewhere."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


class _Pool:
    """``jobs`` worker processes, each fed one task at a time; a worker that dies fails only its task.

    No threads: this process waits on the workers' pipes itself, so forking a
    replacement worker is safe at any time.
    """

    def __init__(self, jobs: int) -> None:
        import multiprocessing

        self._ctx = multiprocessing.get_context(_start_method())
        self._workers: list[_Worker] = []
        for _ in range(jobs):
            self._workers.append(self._start())

    def _start(self) -> _Worker:
        sys.stdout.flush()
        sys.stderr.flush()
        parent_end, child_end = self._ctx.Pipe()
        inherited = [w.conn for w in self._workers] + [parent_end]
        process = self._ctx.Process(target=_serve, args=(child_end, inherited), daemon=True, name="fic2book-worker")
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def _replace(self, worker: _Worker) -> _Worker:
        worker.conn.close()
        worker.process.join(timeout=5)
        fresh = self._start()
        self._workers[self._workers.index(worker)] = fresh
        return fresh

    def map(self, tasks: Sequence[Task]) -> Iterator[Result]:
        """A result for each task, in the order of ``tasks``, whatever finishes first."""
        from multiprocessing.connection import wait

        queue = deque(tasks)
        busy: dict[_Worker, Task] = {}
        done: dict[int, Result] = {}
        for task in tasks:
            while task.index not in done:
                for worker in list(self._workers):
                    while worker not in busy and queue:
                        job = queue.popleft()
                        try:
                            worker.conn.send(job)
                            busy[worker] = job
                        except OSError:  # died while idle: start another and try again
                            queue.appendleft(job)
                            worker = self._replace(worker)
                ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
                for worker, job in list(busy.items()):
                    if worker.conn not in ready and worker.process.sentinel not in ready:
                        continue
                    del busy[worker]
                    try:
                        done[job.index] = worker.conn.recv()
                    except (EOFError, OSError):
                        worker.process.join(timeout=5)
                        done[job.index] = _crashed(job, worker.process.exitcode)
                        self._replace(worker)
            yield done.pop(task.index)

    def close(self) -> None:
        """Stop the workers: politely if idle, by force after a moment."""
        for worker in self._workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 2
        for worker in self._workers:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
        self.kill()

    def kill(self) -> None:
        """Stop the workers now, whatever they are doing."""
        for worker in self._workers:
            if worker.process.is_alive():
                worker.process.kill()
        for worker in self._workers:
            worker.process.join(timeout=5)
            worker.conn.close()
        self._workers = []


def _crashed(task: Task, exitcode: int | None) -> Result:
    if exitcode is not None and exitcode < 0:
        try:
            how = f"was killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"was killed by signal {-exitcode}"
        if exitcode == -signal.SIGKILL:
            how += " (out of memory?)"
    else:
        how = f"exited with status {exitcode}"
    return Result(task.index, str(task.path), error=f"the worker process converting it {how}")


def default_jobs() -> int:
    """The CPUs this process may use."""
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


# ---------------------------------------------------------------- the run


class Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C, so that temporary files are removed."""


def raise_on_sigterm() -> None:
    """Turn SIGTERM into :class:`Terminated` in this process."""

    def handler(signum: int, frame: object) -> None:
        raise Terminated

    signal.signal(signal.SIGTERM, handler)


class Batch:
    """One run over many inputs; use it as a context manager so that its temporary files go away.

    Each input makes one book per format in ``options.formats``.
    """

    def __init__(
        self,
        output_dir: Path,
        options: Options,
        *,
        jobs: int = 1,
        fail_fast: bool = False,
        skip_existing: bool = False,
        name_template: str | None = None,
        debug: bool = False,
    ) -> None:
        if name_template is not None:
            check_template(name_template)
        self.output_dir = output_dir
        self.options = options
        self.jobs = max(1, jobs)
        self.fail_fast = fail_fast
        self.skip_existing = skip_existing
        self.template = name_template
        self.debug = debug
        self.token = f"{os.getpid()}-{os.urandom(4).hex()}"
        self._pool: _Pool | None = None
        self._pending: set[str] = set()  # temporary files written and not yet renamed
        self._stopped = False  # the run ended before its last input (--fail-fast)

    def __enter__(self) -> Batch:
        from .output import ensure_output_folder

        ensure_output_folder(self.output_dir)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._pool is not None:
            if kind is None and not self._stopped:
                self._pool.close()
            else:  # interrupted, or --fail-fast: what the workers are doing is not wanted
                self._pool.kill()
            self._pool = None
        _remove(self._pending)
        # What a killed worker was writing: its temporary file and write_atomically's own (".{name}.XXXX.part").
        mark = f"fic2book-{self.token}-"
        try:
            _remove(entry.path for entry in os.scandir(self.output_dir) if mark in entry.name)
        except OSError:
            pass

    # -- running tasks

    def _tasks(self, inputs: Sequence[Input], *, probe: bool) -> list[Task]:
        return [
            Task(i, item.path, self.output_dir, self.token, self.options, self.template, probe, self.debug)
            for i, item in enumerate(inputs)
            if item.path is not None
        ]

    def _map(self, tasks: Sequence[Task]) -> Iterator[Result]:
        if self.jobs == 1 or len(tasks) <= 1:
            return (convert(task) for task in tasks)
        if self._pool is None:
            self._preload()
            self._pool = _Pool(min(self.jobs, len(tasks)))
        return self._pool.map(tasks)

    def _preload(self) -> None:
        """Import the stages before forking, so that each worker does not import them again."""
        import importlib

        importlib.import_module("fic2book.pipeline")
        for fmt in self.options.formats:
            if fmt in ("epub", "pdf"):
                importlib.import_module(f"fic2book.render.{fmt}")

    # -- the run

    def run(self, inputs: Sequence[Input]) -> Iterator[Result]:
        """One result per input, in input order; books are in place when their result is yielded."""
        namer = _Namer(self.output_dir, [item.path for item in inputs if item.path is not None])
        names: dict[int, list[Path]] = {}
        early: dict[int, Result] = {}  # inputs decided before converting: bad patterns, skipped, failed probes
        for i, item in enumerate(inputs):
            if item.path is None:
                early[i] = Result(i, item.label, error=item.error)
        tasks = self._tasks(inputs, probe=False)
        if self.skip_existing:
            tasks = self._skip_existing(tasks, namer, names, early)
        stream = self._map(tasks)
        failed = False
        for i, item in enumerate(inputs):
            if failed:
                yield Result(i, item.label, error="not converted: stopped after an earlier failure (--fail-fast)")
                continue
            result = early.pop(i, None)
            if result is None:
                result = next(stream)
                self._pending.update(result.temporaries)
                if result.error is None:
                    self._place(result, names.get(i) or namer.claim(result.stem or "book", self.options.formats))
            result.input = item.label
            failed = self.fail_fast and result.error is not None
            self._stopped = failed and i + 1 < len(inputs)
            yield result

    def _skip_existing(
        self,
        tasks: list[Task],
        namer: _Namer,
        names: dict[int, list[Path]],
        early: dict[int, Result],
    ) -> list[Task]:
        """Read every input to learn its names; keep the tasks whose books are missing or older than it."""
        todo: list[Task] = []
        for task, probe in zip(tasks, self._map([replace(t, probe=True) for t in tasks])):
            if probe.error is not None:
                early[task.index] = probe
                continue
            targets = namer.claim(probe.stem or "book", self.options.formats)
            names[task.index] = targets
            if _up_to_date(task.path, targets):
                probe.skipped = True
                probe.outputs = [str(t) for t in targets]
                early[task.index] = probe
            else:
                todo.append(task)
        return todo

    def _place(self, result: Result, targets: list[Path]) -> None:
        """Rename the worker's temporary files to their final names, or turn the result into a failure."""
        try:
            for temporary, target in zip(result.temporaries, targets):
                os.replace(temporary, target)
                self._pending.discard(temporary)
                result.outputs.append(str(target))
        except OSError as exc:
            result.error = f"cannot write {target}: {exc.strerror or exc}"
        _remove(t for t in result.temporaries if t in self._pending)
        self._pending.difference_update(result.temporaries)
        result.temporaries = []


def _up_to_date(source: Path, targets: Sequence[Path]) -> bool:
    """Every target exists and is at least as new as the source and its ``.toml`` sidecar (a folder: and
    everything in it)."""
    try:
        newest = source.stat().st_mtime_ns
        sidecar = source.with_suffix(".toml")
        if sidecar.is_file():
            newest = max(newest, sidecar.stat().st_mtime_ns)
        if source.is_dir():
            newest = max([newest, *(entry.stat().st_mtime_ns for entry in os.scandir(source))])
        return all(t.is_file() and t.stat().st_mtime_ns >= newest for t in targets)
    except OSError:
        return False
