"""The ``cx`` command line: ``cx summary``, ``cx redact``, ``cx sample``, ``cx report``.

Exit codes: 0 success; 1 data error (one line on stderr naming file, row and
column); 2 usage error. Never a traceback for bad input.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cx import _cli_privacy
from cx.exceptions import CxError

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors as a one-line message and exit code 2."""

    def error(self, message: str) -> Any:  # pragma: no cover - exercised via main()
        self.print_usage(sys.stderr)
        self.exit(2, f"cx: error: {message}\n")


def _build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="cx", description="Customer-experience analytics (cx).")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    s = sub.add_parser("summary", help="summarise a feedback file (CSV or JSON Lines)")
    s.add_argument("data", metavar="DATA", help="feedback file (.csv, .tsv, .jsonl)")
    s.add_argument("--tz", metavar="ZONE", help="IANA zone for timestamps without offset")
    s.add_argument("--encoding", metavar="ENC", help="text encoding (utf-8, gb18030, gbk, ...)")
    s.add_argument("--format", choices=["text", "json"], default="text", help="output format")
    s.add_argument(
        "--strict",
        action="store_true",
        help="stop at the first bad row (default: count and list bad rows)",
    )

    r = sub.add_parser("redact", help="redact personal data in one column of a CSV file")
    r.add_argument("input", metavar="IN", help="CSV file to read")
    r.add_argument("output", metavar="OUT", help="CSV file to write")
    r.add_argument("--column", default="text", help="column to redact (default: text)")
    r.add_argument("--encoding", metavar="ENC", default="utf-8-sig", help="input encoding")

    g = sub.add_parser("sample", help="write the seeded sample data set to a directory")
    g.add_argument("--out", metavar="DIR", required=True, help="directory to write to")
    g.add_argument("--seed", type=int, default=42, help="generator seed (default: 42)")
    g.add_argument("--n-feedback", type=int, default=None, help="number of feedback records")

    rep = sub.add_parser("report", help="write the CX health report (one HTML file)")
    rep.add_argument(
        "data", metavar="DATA", nargs="*", help="input files (default: the bundled sample)"
    )
    rep.add_argument("-o", "--output", metavar="FILE", default="report.html", help="HTML file")
    rep.add_argument("--lang", choices=["zh", "en"], default=None, help="report language")
    rep.add_argument("--config", metavar="FILE", help="configuration (.yaml or .json)")
    _cli_privacy.add_parsers(sub)
    return p


def _fail(where: str, e: BaseException) -> int:
    if isinstance(e, CxError):
        loc = []
        if e.row is not None:
            loc.append(f"row {e.row}")
        if e.field is not None:
            loc.append(f"column {e.field!r}")
        where = ": ".join([where, ", ".join(loc)]) if loc else where
        msg = e.message
    else:
        msg = str(e)
    print(f"cx: error: {where}: {msg}", file=sys.stderr)
    return 1


def _cmd_summary(args: argparse.Namespace) -> int:
    from cx._progress import for_stderr
    from cx.io import summarize_feedback

    summary = summarize_feedback(
        args.data,
        tz=args.tz,
        encoding=args.encoding,
        errors="raise" if args.strict else "collect",
        progress=for_stderr(),
    )
    if args.format == "json":
        json.dump(summary.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(str(summary))
        sys.stdout.write("\n")
    return 0


def _cmd_redact(args: argparse.Namespace) -> int:
    from cx.privacy import redact_many

    src, dst = Path(args.input), Path(args.output)
    with src.open(encoding=args.encoding, newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            raise CxError(f"{src}: empty file", "empty_input", str(src))
        if args.column not in header:
            raise CxError(
                f"no column {args.column!r} (columns: {', '.join(header)})",
                "missing_field",
                args.column,
            )
        col = header.index(args.column)
        rows = list(reader)
    texts = [row[col] if col < len(row) else "" for row in rows]
    redacted = redact_many(texts)
    n_changed = 0
    with dst.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for row, new in zip(rows, redacted, strict=True):
            if col < len(row):
                n_changed += row[col] != new
                row[col] = new
            w.writerow(row)
    print(f"redacted {n_changed} of {len(rows)} rows in column {args.column!r} -> {dst}")
    return 0


def _cmd_sample(args: argparse.Namespace) -> int:
    from cx.datasets import sample

    kwargs: dict[str, Any] = {"seed": args.seed}
    if args.n_feedback is not None:
        kwargs["n_feedback"] = args.n_feedback
    paths = sample(args.out, **kwargs)
    for p in paths:
        print(p)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from cx._progress import for_stderr
    from cx.reporting import report

    progress = for_stderr()
    r = report(*args.data, path=args.output, lang=args.lang, config=args.config, progress=progress)
    print(Path(args.output).resolve())
    t = r.timings
    if progress is not None:
        print(
            f"read {t['read']:.2f}s, compute {t['compute']:.2f}s, render {t['render']:.2f}s",
            file=sys.stderr,
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cx`` command; returns the exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from cx import __version__

        print(f"cx {__version__}")
        return 0
    handlers = {
        "summary": _cmd_summary,
        "redact": _cmd_redact,
        "sample": _cmd_sample,
        "report": _cmd_report,
        **_cli_privacy.handlers,
    }
    if args.command not in handlers:
        parser.print_help(sys.stderr)
        return 2
    where = (
        getattr(args, "data", None)
        or getattr(args, "input", None)
        or getattr(args, "store", None)
        or args.command
    )
    if isinstance(where, list):
        where = ", ".join(where) or args.command
    try:
        return handlers[args.command](args)
    except (CxError, OSError, UnicodeDecodeError, csv.Error, ValueError) as e:
        return _fail(str(where), e)
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except Exception as e:  # pragma: no cover - a bug in cx, still no traceback for users
        print(
            f"cx: internal error: {type(e).__name__}: {e} (please report this)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
