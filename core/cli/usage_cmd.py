"""`python -m core usage [--month YYYY-MM] [--user U | --all-users] [--json] [--csv]`: LLM spend and quota;
`python -m core reconcile ROW_ID --usd AMOUNT --note TEXT`: an operator's correction of an estimated row."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from core.cli import OK, add_json_flag, emit, say
from core.usage.money import fmt_usd


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("usage", help="month-to-date LLM spend, quota, projection and breakdowns")
    parser.add_argument("--month", default=None, metavar="YYYY-MM", help="UTC calendar month (default: this month)")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--user", default="local", help="user id (default: local)")
    who.add_argument("--all-users", action="store_true", help="sum over every user (no quota figures)")
    parser.add_argument("--csv", action="store_true", help="print the month's ledger rows as CSV instead")
    add_json_flag(parser)
    parser.set_defaults(func=run)

    fix = subparsers.add_parser(
        "reconcile", help="operator: correct an abandoned or estimated ledger row to the billed amount, with a note")
    fix.add_argument("row_id", type=int, metavar="ROW_ID", help="the ledger row's id (the 'id' column of usage --csv)")
    fix.add_argument("--usd", required=True, help="what the vendor billed for that call, in US dollars")
    fix.add_argument("--note", required=True, help="where the figure comes from (kept with the adjustment)")
    fix.set_defaults(func=reconcile)


def _table(title: str, rows: list[dict[str, Any]], key: str) -> list[str]:
    if not rows:
        return []
    lines = ["", f"{title}:"]
    width = max(len(str(r[key])) for r in rows)
    for r in rows:
        tokens = r["input_tokens"] + r["output_tokens"] + r["cache_read_tokens"] + r["cache_write_tokens"]
        spend = fmt_usd(r["spend_usd"])
        lines.append(f"  {r[key]!s:<{width}}  {spend:>12}  {r['requests']:>8,} req  {tokens:>12,} tok")
    return lines


def _human(s: dict[str, Any]) -> str:
    who = s["user"] if s["user"] is not None else "all users"
    lines = [f"LLM usage for {who}, {s['month']} (UTC)", ""]
    if s["quota_usd"] is not None:
        lines.append(f"  spend      {fmt_usd(s['spend_usd'])} of {fmt_usd(s['quota_usd'])} "
                     f"(remaining {fmt_usd(s['remaining_usd'])})")
    else:
        lines.append(f"  spend      {fmt_usd(s['spend_usd'])}")
    lines += [
        f"  projected  {fmt_usd(s['projected_usd'])} by month end",
        f"  requests   {s['requests']:,} ({s['cache_hits']:,} from cache, saving {fmt_usd(s['cache_savings_usd'])})",
    ]
    if s.get("overrun_count"):
        lines.append(f"  overruns   {s['overrun_count']:,} call(s) billed above their reservation, "
                     f"{fmt_usd(s['overrun_usd'])} in all (recorded at the vendor's figures)")
    lines += _table("By model", s["by_model"], "model")
    lines += _table("By provider", s["by_provider"], "provider")
    lines += _table("By use case", s["by_use_case"], "use_case")
    if s["by_day"]:
        lines += ["", "By day:"]
        lines += [f"  {d['day']}  {fmt_usd(d['spend_usd']):>12}  {d['requests']:>8,} req" for d in s["by_day"]]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from core.services.usage import iter_usage_csv, month_summary

    user = None if args.all_users else args.user
    if args.csv:
        for chunk in iter_usage_csv(user, args.month):
            sys.stdout.write(chunk)
        return OK
    emit(month_summary(user, args.month), args.json, _human)
    return OK


def reconcile(args: argparse.Namespace) -> int:
    """An operator command with direct database access, like ``quota set``: the operator is the admin."""
    from core.services.usage import reconcile_row

    adjustment = reconcile_row(args.row_id, args.usd, args.note, by="operator (CLI)", is_admin=True)
    say(args, "reconciled", row=args.row_id, usd=args.usd, adjustment=adjustment)
    return OK
