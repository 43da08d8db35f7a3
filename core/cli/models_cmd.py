"""`python -m core models [--json]`: the model registry with prices, aliases and configuration."""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any

from core.cli import OK, add_json_flag, emit


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("models", help="list models, prices (USD per million tokens) and aliases")
    add_json_flag(parser)
    parser.set_defaults(func=run)


def _price(value: Decimal | None) -> str:
    return "unknown" if value is None else f"{value.normalize():f}"


def _human(rows: list[dict[str, Any]]) -> str:
    from core.services.models import routing_chains

    header = f"{'model':<20} {'provider':<10} {'in/Mtok':>8} {'out/Mtok':>8} {'context':>9}  configured"
    lines = [header, "-" * len(header)]
    for r in rows:
        if r["alias_of"]:
            continue
        ctx = f"{r['context_window']:,}" if r["context_window"] else "-"
        lines.append(
            f"{r['name']:<20} {r['provider']:<10} {_price(r['input_per_mtok']):>8} "
            f"{_price(r['output_per_mtok']):>8} {ctx:>9}  {'yes' if r['configured'] else 'no'}"
        )
    aliases = [r for r in rows if r["alias_of"]]
    if aliases:
        lines += ["", "Aliases (older names resolve to their current successors):"]
        lines += [f"  {r['name']} is an alias of {r['alias_of']}" for r in aliases]
    lines += ["", "Routing (models tried in order; unconfigured providers skipped):"]
    lines += [f"  {uc}: {' -> '.join(chain)}" for uc, chain in routing_chains().items()]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from core.services.models import registry_rows

    emit(registry_rows(), args.json, _human)
    return OK
