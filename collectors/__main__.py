"""Collect one AWS account from the command line: ``python -m collectors --help``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from typing import TextIO

import boto3

from collectors.registry import load_checks
from collectors.runner import CollectionOutcome, UnitOutcome, collect_account
from collectors.session import assume_role_session, caller_identity


def _csv(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m collectors",
        description="Run the AWS evidence checks against one account and print the results.",
    )
    parser.add_argument("--role-arn", help="role to assume; default: the default credential chain")
    parser.add_argument("--external-id", help="external id for the role (required with --role-arn)")
    parser.add_argument("--region", help="home region for global services (default: from config)")
    parser.add_argument("--regions", type=_csv, help="comma-separated regions (default: enabled)")
    parser.add_argument("--checks", type=_csv, help="comma-separated check ids (default: all)")
    parser.add_argument("--format", choices=("jsonl", "table"), default="table")
    parser.add_argument("--max-workers", type=int, default=8)
    parser.add_argument("--list-checks", action="store_true", help="print the check ids and exit")
    args = parser.parse_args(argv)
    if args.role_arn and not args.external_id:
        parser.error("--external-id is required with --role-arn")
    return args


def _session(args: argparse.Namespace) -> boto3.Session:
    if args.role_arn:
        return assume_role_session(args.role_arn, args.external_id, region=args.region)
    return boto3.Session(region_name=args.region)


def _print_jsonl(outcome: CollectionOutcome, out: TextIO) -> None:
    for result in outcome.results:
        out.write(json.dumps(dataclasses.asdict(result), sort_keys=True) + "\n")


def _print_table(outcome: CollectionOutcome, out: TextIO) -> None:
    rows = [
        (r.status.value, r.check_id, r.region, r.resource_id, r.reason) for r in outcome.results
    ]
    header = ("STATUS", "CHECK", "REGION", "RESOURCE", "REASON")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        out.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)))
        out.write(f"  {row[4]}\n")


def _progress(done: int, total: int, unit: UnitOutcome) -> None:
    note = f" ERROR: {unit.error}" if unit.error else ""
    print(f"[{done}/{total}] {unit.service} {unit.region}{note}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list_checks:
        for check_id, spec in sorted(load_checks().items()):
            print(f"{check_id}\t{spec.service}\t{spec.severity.value}\t{spec.title}")
        return 0
    session = _session(args)
    account_id = caller_identity(session)["Account"]
    outcome = collect_account(
        session,
        account_id=account_id,
        regions=args.regions,
        check_ids=args.checks,
        max_workers=args.max_workers,
        on_progress=_progress,
    )
    (_print_jsonl if args.format == "jsonl" else _print_table)(outcome, sys.stdout)
    for error in outcome.errors:
        print(f"unit error: {error.service} {error.region}: {error.reason}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
