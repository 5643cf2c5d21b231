"""Run a function in a forked child process while this one goes on, and collect its result later.

The child inherits everything in memory (nothing is sent to it); its result comes back pickled
through a temporary file. Used only where fork is safe: no other threads in the process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import IO, Any


class ChildError(Exception):
    """The child's function raised; the message names the exception and says what it said."""


def shares(items: list, parts: int) -> list[list]:
    """items in exactly parts shares of about the same size, in order (the last ones may be empty)."""
    size = max(1, -(-len(items) // parts))
    return [items[i * size : (i + 1) * size] for i in range(parts)]


class Tickets:
    """The numbers 0 to count-1, each taken once, by whichever process asks first (this one, or one forked later).

    They wait in a pipe, one byte each: a one-byte read from a pipe is atomic, so two processes
    never take the same number, and a process that finds the pipe empty is done. This lets two
    processes share tasks of unknown length without any coordinator.
    """

    LIMIT = 255

    def __init__(self, count: int) -> None:
        if not 0 <= count <= self.LIMIT:
            raise ValueError(f"between 0 and {self.LIMIT} tickets, not {count}")
        self._fd, write_end = os.pipe()
        try:
            os.write(write_end, bytes(range(count)))
        finally:
            os.close(write_end)  # so that a read of the empty pipe ends instead of waiting

    def __iter__(self) -> Iterator[int]:
        while taken := os.read(self._fd, 1):
            yield taken[0]

    def close(self) -> None:
        """Let go of the pipe (in each process that has it)."""
        with contextlib.suppress(OSError):
            os.close(self._fd)


def can_fork() -> bool:
    """True when a child can be forked safely here (a POSIX system, one thread)."""
    return hasattr(os, "fork") and threading.active_count() == 1


class Child:
    """A function started in a child process: result() waits for it, stop() ends it unheard."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        self._fn = fn
        self._pid = 0
        self._result: IO[bytes] | None = None
        if can_fork():
            self._result = tempfile.TemporaryFile()  # noqa: SIM115 - closed by result() or stop()
            self._pid = os.fork()
            if self._pid == 0:
                _run_child(fn, self._result)

    def result(self) -> Any:
        """fn's result (run here and now when no child could be forked); ChildError when fn raised."""
        if not self._pid:
            return self._fn()
        _pid, status = os.waitpid(self._pid, 0)
        self._pid = 0
        with self._result:
            self._result.seek(0)
            try:
                kind, value = pickle.load(self._result)  # written by our own child, just now
            except (EOFError, pickle.UnpicklingError):
                kind, value = "error", f"the child process stopped (exit status {os.waitstatus_to_exitcode(status)})"
        if kind == "error":
            raise ChildError(value)
        return value

    def stop(self) -> None:
        """End the child without waiting for its result (this process failed meanwhile)."""
        if self._pid:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGTERM)
                os.waitpid(self._pid, 0)
            self._pid = 0
            self._result.close()


def _run_child(fn: Callable[[], Any], result: IO[bytes]) -> None:
    """In the child: run fn, pickle its outcome into result, and end the process."""
    code = 1
    try:
        outcome = ("ok", fn())
        code = 0
    except BaseException as exc:
        outcome = ("error", f"{type(exc).__name__}: {exc}")
    try:
        pickle.dump(outcome, result, protocol=pickle.HIGHEST_PROTOCOL)
        result.flush()
    finally:
        os._exit(code)
