"""Time and memory budgets for one command: a watchdog process around the work (layer 8).

``run_guarded(work, limits, ...)`` forks; the child lowers its address-space limit
(``RLIMIT_AS``) to what it uses now plus ``limits.memory`` and runs ``work()``, which prints its
own result and returns the exit code.  The parent waits, prints a progress line on stderr while
the work runs long, and ends the child when ``limits.seconds`` have passed.  So a certified
computation that would run for hours or eat the machine's memory (exact GD whose rationals grow
without bound, an integrand like sin(10⁶x)) ends as an UNKNOWN that names the limit it hit,
instead of a hang or an out-of-memory kill of the whole session.

Where ``fork`` does not exist (Windows), or stdout/stderr are not the process's own file
descriptors (pytest's capsys), the work runs in-process without limits.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import os
import re
import signal
import sys
import time
from dataclasses import dataclass
from typing import Callable

from .errors import InputError

EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Limits:
    """Wall-clock seconds and extra memory (bytes) one command may use."""

    seconds: float = 120.0
    memory: int = 4 << 30


DEFAULT_LIMITS = Limits()

_DEADLINE: contextvars.ContextVar = contextvars.ContextVar("deadline", default=None)


@contextlib.contextmanager
def deadline(seconds: float):
    """Announce, for the block, that the work will be stopped after ``seconds`` (the search's per-example
    limit): long computations that can stop early with a partial answer ask `remaining` and plan to end before
    it, instead of being cut off in the middle.  Nested deadlines keep the earlier one."""
    end = time.monotonic() + seconds
    outer = _DEADLINE.get()
    token = _DEADLINE.set(end if outer is None else min(outer, end))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining() -> float | None:
    """Seconds left before the announced `deadline` (None: no deadline announced)."""
    end = _DEADLINE.get()
    return None if end is None else end - time.monotonic()
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def parse_seconds(text: str, option: str = "--seconds") -> float:
    """A positive, finite number of seconds; `InputError` otherwise (``nan``, ``inf``, ``0``)."""
    try:
        x = float(text)
    except (TypeError, ValueError):
        raise InputError(f"expected a number of seconds, got {text!r}", option) from None
    if not math.isfinite(x) or x <= 0:
        raise InputError(f"must be a positive finite number of seconds, got {text!r}", option)
    return x


def parse_memory(text: str, option: str = "--max-memory") -> int:
    """Bytes from ``"4G"``, ``"512M"``, ``"2.5g"`` or a plain byte count; at least 64 MiB."""
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([kmgtKMGT]?)(i?[bB])?\s*", str(text))
    if not m:
        raise InputError(f"expected a size such as 4G or 512M, got {text!r}", option)
    n = int(float(m.group(1)) * _UNITS[m.group(2).lower()])
    if n < 64 << 20:
        raise InputError(f"{text!r} is below the minimum of 64M", option)
    if n > 1 << 50:
        raise InputError(f"{text!r} is above the maximum of 1P", option)
    return n


def _vm_bytes() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def limit_memory(extra: int):
    """Cap this process's address space at what it maps now plus ``extra`` bytes."""
    import resource

    cap = _vm_bytes() + extra
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OverflowError, OSError):  # a cap the kernel refuses: run without one
        pass


def run_guarded(work: Callable[[], int], limits: Limits, label: str,
                on_limit: Callable[[str], int], progress_every: float = 15.0) -> int:
    """Run ``work()`` under ``limits``; return its exit code, or ``on_limit(reason)`` when the
    time or memory limit ended it (``on_limit`` prints the UNKNOWN and returns its exit code)."""
    if not hasattr(os, "fork") or not _real_streams():
        return work()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: do the work, never return into the caller's stack
        code = 4
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            limit_memory(limits.memory)
            code = work()
        except MemoryError:
            code = on_limit(f"memory limit of {_size(limits.memory)} hit (--max-memory)")
        except BaseException as e:  # noqa: BLE001  (the parent only sees the exit code)
            print(f"relu-verify: internal error: {type(e).__name__}: {e}", file=sys.stderr)
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    t0 = time.monotonic()
    next_note = min(10.0, progress_every)
    try:
        while True:
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                break
            elapsed = time.monotonic() - t0
            if elapsed > limits.seconds:
                _kill(pid)
                return on_limit(f"time limit of {limits.seconds:g} s hit (--seconds)")
            if elapsed >= next_note:
                print(f"relu-verify: {label} still running: {elapsed:.0f} s of at most {limits.seconds:g} s "
                      "(--seconds)", file=sys.stderr, flush=True)
                next_note += progress_every
            time.sleep(min(0.05 + elapsed / 50, 0.25))
    except KeyboardInterrupt:
        _kill(pid)
        print(f"relu-verify: {label} interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    sig = os.WTERMSIG(status)
    if sig == signal.SIGINT:
        return EXIT_INTERRUPTED
    peak = usage.ru_maxrss * 1024
    name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
    if sig in (signal.SIGKILL, signal.SIGABRT) or peak >= limits.memory // 2:  # GMP/FLINT abort when malloc fails
        return on_limit(f"the computation stopped with {name} at a peak of {_size(peak)} resident "
                        f"(memory limit {_size(limits.memory)}, --max-memory): most likely out of memory")
    print(f"relu-verify: internal error: the computation ended by signal {name}", file=sys.stderr)
    return 4


def _real_streams() -> bool:
    """Whether stdout and stderr are the process's file descriptors 1 and 2, which a forked child
    shares (under pytest's capsys they are in-memory buffers: the work then runs in-process)."""
    try:
        return sys.stdout.fileno() == 1 and sys.stderr.fileno() == 2
    except (AttributeError, ValueError, OSError):
        return False


def _kill(pid: int):
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _size(n: int) -> str:
    for unit, k in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if n >= k:
            return f"{n / k:.3g}{unit}"
    return f"{n}B"
