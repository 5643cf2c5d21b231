"""Run a function in a forked child process while this one goes on, and collect its result later.

The child inherits everything in memory (nothing is sent to it); its result comes back pickled
through a temporary file. Used only where fork is safe: no other threads in the process.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import threading
from collections.abc import Callable
from typing import Any


class ChildError(Exception):
    """The child's function raised; the message names the exception and says what it said."""


def can_fork() -> bool:
    """True when a child can be forked safely here (a POSIX system, one thread)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def start(fn: Callable[[], Any]) -> Callable[[], Any]:
    """Start fn in a child process now; return a function that waits for the child and returns fn's result.

    Where forking is not safe, fn runs when its result is asked for, in this process.
    """
    if not can_fork():
        return fn
    result = tempfile.TemporaryFile()  # noqa: SIM115 - closed by collect(), after the child ends
    pid = os.fork()
    if pid == 0:
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

    def collect() -> Any:
        _pid, status = os.waitpid(pid, 0)
        with result:
            result.seek(0)
            try:
                kind, value = pickle.load(result)  # written by our own child, just now
            except (EOFError, pickle.UnpicklingError):
                kind, value = "error", f"the child process stopped (exit status {os.waitstatus_to_exitcode(status)})"
        if kind == "error":
            raise ChildError(value)
        return value

    return collect
