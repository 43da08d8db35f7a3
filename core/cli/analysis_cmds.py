"""`analyze-market`, `sentiment` and `optimize` (DESIGN.md section 5).

JSON on stdout with --json (keys exactly as the contract lists them), readable text otherwise;
which model answered and what it cost goes to stderr.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from core.cli import OK, add_json_flag, add_model_flags, call_line, emit, fallback_of
from core.cli.generate_cmds import read_strategy_file


def register(subparsers: Any) -> None:
    market = subparsers.add_parser("analyze-market", help="trend, recommendation and risk from indicator figures")
    market.add_argument("--data", required=True, help="OHLCV CSV (timestamp,open,high,low,close,volume)")
    market.add_argument("--symbol", required=True, help="symbol of the data, e.g. BTC/USDT")
    add_model_flags(market)
    market.add_argument("--lang", choices=("ko", "en"), default="en", help="language of the text fields")
    add_json_flag(market)
    market.set_defaults(func=handle_market)

    senti = subparsers.add_parser("sentiment", help="sentiment of one news item")
    senti.add_argument("--title", required=True)
    senti.add_argument("--content", required=True)
    senti.add_argument("--source", default="")
    senti.add_argument("--published-at", default="", help="ISO 8601 time of publication")
    add_model_flags(senti)
    senti.add_argument("--lang", choices=("ko", "en"), default=None, help="language of the answer (default: the news')")
    add_json_flag(senti)
    senti.set_defaults(func=handle_sentiment)

    opt = subparsers.add_parser("optimize", help="propose a better-parameterised strategy and backtest it honestly")
    opt.add_argument("file", help="strategy JSON file, or - for stdin")
    opt.add_argument("--data", required=True, help="OHLCV CSV (timestamp,open,high,low,close,volume)")
    opt.add_argument("--fee-bps", type=float, default=10.0, help="fee per side in basis points (default 10)")
    opt.add_argument("--slippage-bps", type=float, default=5.0, help="slippage per fill in bps (default 5)")
    add_model_flags(opt)
    opt.add_argument("--lang", choices=("ko", "en"), default="en", help="language of the change list")
    add_json_flag(opt)
    opt.set_defaults(func=handle_optimize)


def _load(path: str, symbol: str = "BTC/USDT") -> Any:
    from core.services.market_data import load_csv

    return load_csv(Path(path), name=Path(path).name, symbol=symbol)


def _show(args: argparse.Namespace, result: Any, human: Any) -> int:
    """The answer on stdout (JSON or text); which model answered and what it cost on stderr."""
    emit(result.as_json(), args.json, human)
    call_line(args, result.info, [])
    return OK


def handle_market(args: argparse.Namespace) -> int:
    from core.services.analysis import analyze_market

    data = _load(args.data, args.symbol)
    result = analyze_market(data, symbol=args.symbol, model=args.model, fallback=fallback_of(args), user=args.user,
                            language=args.lang)

    def human(d: dict[str, Any]) -> str:
        return (f"{args.symbol}: {d['trend']}, {d['recommendation']} (confidence {d['confidence']:.0%}, "
                f"risk {d['risk_level']})\n{d['analysis']}\nReason: {d['reason']}")

    return _show(args, result, human)


def handle_sentiment(args: argparse.Namespace) -> int:
    from core.services.news import NewsItem, analyze_news

    item = NewsItem(args.title, args.content, args.source, args.published_at)
    result = analyze_news(item, model=args.model, fallback=fallback_of(args), user=args.user, language=args.lang)

    def human(d: dict[str, Any]) -> str:
        return (f"{d['sentiment']} (score {d['score']:+.2f}, impact {d['impact']}, {d['price_implication']})\n"
                f"{d['summary']}\nKeywords: {', '.join(d['keywords'])}")

    return _show(args, result, human)


def handle_optimize(args: argparse.Namespace) -> int:
    from core.services.optimization import METRIC_KEYS, optimize_strategy

    strategy = read_strategy_file(args.file)
    data = _load(args.data)
    result = optimize_strategy(strategy, data, model=args.model, fallback=fallback_of(args), user=args.user,
                               fee_bps=args.fee_bps, slippage_bps=args.slippage_bps, language=args.lang)

    def human(d: dict[str, Any]) -> str:
        lines = [d["verdict"], "", f"{'metric':<22}{'before':>12}{'after':>12}"]
        for key in METRIC_KEYS:
            b, a = d["before"].get(key), d["after"].get(key)
            lines.append(f"{key:<22}{'n/a' if b is None else f'{b:g}':>12}{'n/a' if a is None else f'{a:g}':>12}")
        changes = d["changes"] or d["rejected_changes"]
        if changes:
            lines.append("")
            lines.append("Changes:" if d["changes"] else "Rejected changes:")
            lines += [f"- {c}" for c in changes]
        return "\n".join(lines)

    return _show(args, result, human)
