"""WeasyPrint in a child process, with a time limit.

One child is started when first needed and reused for the next renders (starting one costs
about a second: it imports WeasyPrint). It gets HTML and the print folder, nothing else: no
database, no application. A render that takes longer than the limit is stopped by killing the
child; the next render starts a new one. The child runs at a lower priority (nice 10), so that
while it renders the web workers still get the processor first.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
from multiprocessing.connection import Connection
from pathlib import Path

log = logging.getLogger(__name__)

NICENESS = 10


class RenderFailed(RuntimeError):
    """The render did not give a PDF; the message says why, in words for the job's record."""


class RenderTimeout(RenderFailed):
    pass


def _child(connection: Connection) -> None:  # pragma: no cover - runs in the child process
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    from p4p.reports.pdf import write_pdf

    while True:
        try:
            html, folder = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            connection.send((True, write_pdf(html, Path(folder))))
        except Exception as error:  # reported to the parent, which records it in the job
            connection.send((False, f"{type(error).__name__}: {error}"))


class Renderer:
    """A reusable child process that turns HTML into PDF. Thread-safe: one render at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._connection: Connection | None = None

    def render(self, html: str, folder: Path, time_limit: float) -> bytes:
        with self._lock:
            connection = self._ensure_child()
            try:
                connection.send((html, str(folder)))
                if not connection.poll(time_limit):
                    self._stop()
                    raise RenderTimeout(
                        f"The document took longer than {time_limit:g} seconds to make, "
                        "so it was stopped."
                    )
                ok, value = connection.recv()
            except (EOFError, OSError, BrokenPipeError) as error:
                self._stop()
                raise RenderFailed(f"The render process stopped ({error!r}).") from None
            if not ok:
                raise RenderFailed(value)
            return value

    def _ensure_child(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._connection:
            return self._connection
        self._stop()
        # spawn, not fork: the parent may be a web process with threads and database
        # connections, none of which a child should inherit.
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=_child, args=(child,), name="p4p-pdf-render", daemon=True)
        process.start()
        child.close()
        self._process, self._connection = process, parent
        return parent

    def _stop(self) -> None:
        if self._connection is not None:
            self._connection.close()
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(timeout=10)
            self._process.close()
        self._process, self._connection = None, None

    def close(self) -> None:
        with self._lock:
            self._stop()


_renderer: Renderer | None = None
_renderer_pid: int | None = None


def shared() -> Renderer:
    """This process's renderer (a process made by fork gets a fresh one)."""
    global _renderer, _renderer_pid
    if _renderer is None or _renderer_pid != os.getpid():
        _renderer, _renderer_pid = Renderer(), os.getpid()
    return _renderer
