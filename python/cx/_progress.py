"""The progress bar of the ``cx`` command line.

Every long-running cx call that takes ``progress=`` calls it as
``progress(step, done, total)`` (`cx.report`: steps of the report; `cx.read_feedback`,
`cx.summarize_feedback`: bytes of the file; `cx.nps(ci="bootstrap")`: resamples). The
kernels report at most about a hundred times per job (every 1 %, `cx_core::progress`),
so drawing each call is cheap. The command line draws a bar only when stderr is a
terminal (`for_stderr`); piped or redirected output stays clean.

>>> import io
>>> out = io.StringIO()
>>> bar = TerminalProgress(out)
>>> bar("read feedback", 5_000_000, 10_000_000)
>>> bar("read feedback", 10_000_000, 10_000_000)
>>> out.getvalue().splitlines()[-1].split("\\r")[-1]
'[########################] 100% read feedback 10.0M/10.0M'
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

__all__ = ["TerminalProgress", "for_stderr"]


def _count(v: int) -> str:
    """Compact count: 950, 12.3k, 109.7M."""
    if v >= 1_000_000:
        return f"{v / 1e6:.1f}M"
    if v >= 10_000:
        return f"{v / 1e3:.1f}k"
    return str(v)


class TerminalProgress:
    """A one-line progress bar redrawn in place (``\\r``) on a stream, ending with a
    newline when ``done == total``."""

    def __init__(self, stream: TextIO | Any = None, width: int = 24) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self._last: tuple[str, int] | None = None

    def __call__(self, step: str, done: int, total: int) -> None:
        frac = min(max(done / total, 0.0), 1.0) if total > 0 else 1.0
        pct = round(100 * frac)
        if (step, pct) == self._last and done < total:
            return  # nothing visible changed
        self._last = (step, pct)
        filled = round(self.width * frac)
        bar = "#" * filled + "." * (self.width - filled)
        clear = "\x1b[K" if _is_tty(self.stream) else ""  # erase a longer previous line
        end = "\n" if done >= total else ""
        line = f"[{bar}] {pct:3d}% {step} {_count(done)}/{_count(total)}"
        self.stream.write(f"\r{line}{clear}{end}")
        self.stream.flush()


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def for_stderr() -> TerminalProgress | None:
    """A bar on stderr when stderr is a terminal, else None (no output at all)."""
    return TerminalProgress(sys.stderr) if _is_tty(sys.stderr) else None
