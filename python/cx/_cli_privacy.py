"""``cx erase``, ``cx retention`` and ``cx audit`` (data protection on a case store).

The store is opened as an ``admin`` principal named by ``--actor`` (default: the ``USER``
environment variable). Keys of an encrypted store come from the environment
(``CX_KEY_<ID>`` and ``CX_KEY_CURRENT``) when ``CX_KEY_CURRENT`` is set.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import Any

__all__ = ["add_parsers", "handlers"]


def add_parsers(sub: Any) -> None:
    """Add the data-protection subcommands to the ``cx`` parser."""
    e = sub.add_parser("erase", help="erase a customer from a case store (right to erasure)")
    _store_args(e)
    e.add_argument("--customer", metavar="ID", required=True, help="customer id to erase")
    e.add_argument("--batch-size", type=int, default=500, help="rows per transaction")

    r = sub.add_parser(
        "retention", help="apply a retention policy (dry run unless --apply is given)"
    )
    _store_args(r)
    r.add_argument("--policy", metavar="FILE", required=True, help="policy (.json/.yaml)")
    r.add_argument("--apply", action="store_true", help="change the store (default: dry run)")
    r.add_argument("--now", metavar="TIME", default=None, help="RFC 3339 instant (default: now)")

    a = sub.add_parser("audit", help="verify or export the tamper-evident audit trail")
    asub = a.add_subparsers(dest="audit_command", metavar="ACTION", parser_class=type(a))
    v = asub.add_parser("verify", help="verify the hash chain (exit 1 at the first broken seq)")
    _store_args(v)
    x = asub.add_parser("export", help="export entries of a period as JSON lines")
    _store_args(x)
    x.add_argument("--from", dest="start", metavar="TIME", required=True, help="RFC 3339 start")
    x.add_argument("--to", dest="end", metavar="TIME", required=True, help="RFC 3339 end (excl.)")


def _store_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", metavar="PATH", required=True, help="case store (SQLite file)")
    p.add_argument("--actor", metavar="NAME", default=None, help="name recorded in the audit")


def _open(args: argparse.Namespace) -> Any:
    from cx.cases import CaseStore, Principal

    if not os.path.exists(args.store):
        msg = f"no such case store: {args.store}"
        raise FileNotFoundError(msg)
    actor = args.actor or os.environ.get("USER") or getpass.getuser()
    kwargs: dict[str, Any] = {}
    if os.environ.get("CX_KEY_CURRENT"):
        from cx import privacy

        env_keys = getattr(privacy, "env_keys", None)
        if env_keys is not None:
            kwargs["keys"] = env_keys()
    return CaseStore(args.store, principal=Principal(actor, "admin"), **kwargs)


def _erase(args: argparse.Namespace) -> int:
    r = _open(args).erase_customer(args.customer, batch_size=args.batch_size)
    print(
        json.dumps({"erasure_id": r.erasure_id, "resumed": r.resumed, "counts": r.counts}, indent=2)
    )
    return 0


def _retention(args: argparse.Namespace) -> int:
    store = _open(args)
    r = store.apply_retention(args.policy, now=args.now, dry_run=not args.apply)
    verb = "would" if r.dry_run else "did"
    for kind, per in r.counts.items():
        for action, n in per.items():
            print(f"{kind}: {verb} {action} {n}")
    if r.dry_run:
        print(f"dry run: {r.total} records would change; rerun with --apply")
    else:
        print(f"applied: {r.total} records changed")
    return 0


def _audit(args: argparse.Namespace) -> int:
    store = _open(args)
    if args.audit_command == "verify":
        v = store.verify_audit()
        if v.ok:
            print(f"ok: {v.entries} entries ({v.scrubbed} scrubbed payloads), head {v.head_hash}")
            return 0
        print(f"broken at seq {v.first_broken_seq}: {v.reason}")
        return 1
    if args.audit_command == "export":
        sys.stdout.write(store.export_audit(start=args.start, end=args.end))
        return 0
    print("cx audit: choose verify or export", file=sys.stderr)
    return 2


handlers = {"erase": _erase, "retention": _retention, "audit": _audit}
