"""`backtest FILE --data CSV [--fee-bps 10] [--slippage-bps 5] [--cash 10000] [--json]` (DESIGN.md section 5)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from core.cli import BAD_USAGE, INVALID, OK, add_json_flag, emit, note, report_error, say
from core.market.errors import DataError, StrategyNotRunnable

CONTRACT_KEYS = (
    "total_return_pct",
    "max_drawdown_pct",
    "win_rate_pct",
    "sharpe",
    "profit_factor",
    "trades",
    "exposure_pct",
    "buy_hold_return_pct",
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "backtest",
        help="backtest a strategy JSON file on OHLCV CSV data",
        description="Conditions are evaluated on each bar's close and fill at the next bar's open, "
        "with fees on both sides and slippage.",
    )
    parser.add_argument("file", help="strategy JSON file, or - for stdin")
    parser.add_argument("--data", required=True, help="OHLCV CSV (timestamp,open,high,low,close,volume)")
    parser.add_argument("--fee-bps", type=float, default=10.0, help="fee per side in basis points (default 10)")
    parser.add_argument("--slippage-bps", type=float, default=5.0, help="slippage per fill in bps (default 5)")
    parser.add_argument("--cash", type=float, default=10_000.0, help="starting cash in quote currency (default 10000)")
    parser.add_argument("--symbol", default=None, help="symbol of the data (default: the strategy's, else BTC/USDT)")
    add_json_flag(parser)
    parser.set_defaults(func=handle)


def _read_strategy(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"Strategy file not found: {path}.", hint="Check the path.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"Cannot read the strategy file {path}: {exc}.", hint="Pass a UTF-8 JSON file.") from None


def _symbol_of(strategy: dict[str, Any]) -> str | None:
    for node in strategy.get("nodes") or []:
        if isinstance(node, dict) and isinstance(node.get("config"), dict) and node["config"].get("symbol"):
            return str(node["config"]["symbol"])
    return None


def _human(summary: dict[str, Any]) -> str:
    def pct(key: str) -> str:
        value = summary.get(key)
        return "n/a" if value is None else f"{value:.2f} %"

    pf = summary.get("profit_factor")
    sharpe = summary.get("sharpe")
    lines = [
        f"Total return      {pct('total_return_pct')}   (buy and hold {pct('buy_hold_return_pct')})",
        f"Max drawdown      {pct('max_drawdown_pct')}",
        f"Win rate          {pct('win_rate_pct')}   over {summary['trades']} closed trade(s)",
        f"Sharpe (daily)    {'n/a' if sharpe is None else f'{sharpe:.2f}'}",
        f"Profit factor     {'n/a' if pf is None else f'{pf:.2f}'}",
        f"Exposure          {pct('exposure_pct')}",
        f"Final equity      {summary['final_equity']}",
    ]
    if summary.get("open_position"):
        pos = summary["open_position"]
        lines.append(f"Open position     {pos['qty']} since {pos['entry_time']}, PnL {pos['pnl']}")
    return "\n".join(lines)


def handle(args: argparse.Namespace) -> int:
    from core.services.backtesting import run_backtest
    from core.services.market_data import load_csv

    text = _read_strategy(args.file)
    try:
        strategy = json.loads(text)
    except json.JSONDecodeError as exc:
        say(args, "file.bad_json", name=args.file, reason=exc.msg, line=exc.lineno, column=exc.colno, error=True)
        return INVALID
    if not isinstance(strategy, dict):
        say(args, "file.not_object", name=args.file, error=True)
        return INVALID
    symbol = args.symbol or _symbol_of(strategy) or "BTC/USDT"
    data = load_csv(Path(args.data), name=Path(args.data).name, symbol=symbol)
    try:
        result = run_backtest(strategy, data, fee_bps=args.fee_bps, slippage_bps=args.slippage_bps, cash=args.cash)
    except StrategyNotRunnable as exc:
        report_error(exc, args)
        return INVALID
    except DataError as exc:
        report_error(exc, args)
        return BAD_USAGE
    summary = result.summary()
    out = {key: summary[key] for key in CONTRACT_KEYS}
    out.update({k: summary[k] for k in ("final_equity", "open_position", "warnings")})
    for warning in result.warnings:
        note(args, warning, kind="warning")
    emit(out, args.json, _human)
    return OK
