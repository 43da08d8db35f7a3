"""The read-back: any valid strategy as plain Korean or English sentences, one per rule.

Deterministic and model-free, so it reads an LLM's graph and the offline compiler's alike. A rule
is one action (or several actions reached the same way) with the condition paths that lead to it:
paths are ORed, the conditions along one path are ANDed, a ``false`` edge reads as "is not".
Every sentence names the check interval, the exchange, the symbol, the timeframe, every number
and the amount, so a trader can check the graph against what they meant without reading JSON.

The wording is also what the offline compiler reads (tests round-trip it), so phrases here are
the compiler's own vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.strategy.operands import (
    BinOp,
    Column,
    Expr,
    Indicator,
    Neg,
    Number,
    OperandError,
    PositionTerm,
    parse_operand,
)

MAX_PATHS = 64  # a hostile graph with many diamonds must not explode the read-back

EXCHANGE_KO = {"binance": "바이낸스", "upbit": "업비트", "bithumb": "빗썸", "bybit": "바이비트", "okx": "OKX",
               "coinbase": "코인베이스", "kraken": "크라켄"}
EXCHANGE_EN = {"binance": "Binance", "upbit": "Upbit", "bithumb": "Bithumb", "bybit": "Bybit", "okx": "OKX",
               "coinbase": "Coinbase", "kraken": "Kraken"}
INTERVAL_KO = {"1m": "1분", "5m": "5분", "15m": "15분", "30m": "30분", "1h": "1시간", "4h": "4시간", "1d": "1일"}
# Ops whose Korean form is a noun taking 이다 ("30 미만이면") vs a verb ("상향 돌파하면").
OP_KO = {"<": "미만", "<=": "이하", ">": "초과", ">=": "이상"}
OP_EN = {"<": "is below", "<=": "is at or below", ">": "is above", ">=": "is at or above",
         "==": "equals", "!=": "is not equal to", "crosses_above": "crosses above", "crosses_below": "crosses below"}
OP_EN_NOT = {"<": "is not below", "<=": "is not at or below", ">": "is not above", ">=": "is not at or above",
             "==": "does not equal", "!=": "equals", "crosses_above": "does not cross above",
             "crosses_below": "does not cross below"}

# Final consonant (batchim) of how a Latin letter or digit is read aloud in Korean.
_LETTER_BATCHIM = set("LMNR")
_DIGIT_BATCHIM = set("013678")


def _has_batchim(word: str) -> bool:
    for ch in reversed(word.strip()):
        if "\uac00" <= ch <= "\ud7a3":
            return (ord(ch) - 0xAC00) % 28 != 0
        if ch.isdigit():
            return ch in _DIGIT_BATCHIM  # 0 ends 십/백/천/만, all with a final consonant
        if ch.isalpha():
            return ch.upper() in _LETTER_BATCHIM
        if ch == "%":
            return False  # 퍼센트
    return False


def josa(word: str, with_final: str, without: str) -> str:
    """``word`` with the particle that fits its last sound: josa("RSI(14)", "이", "가") == "RSI(14)가"."""
    return word + (with_final if _has_batchim(word) else without)


def _num(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:g}" if abs(value) >= 1e-4 else repr(value)


def _args(ind: Indicator) -> str:
    return ",".join(_num(a) for a in ind.args)


def _indicator(ind: Indicator, lang: str) -> str:
    name, args = ind.name, _args(ind)
    ko = lang == "ko"
    if name in ("rsi", "sma", "ema", "atr", "macd"):
        return f"{name.upper()}({args})"
    if name == "macd_signal":
        return f"MACD 시그널({args})" if ko else f"MACD signal({args})"
    if name == "macd_hist":
        return f"MACD 히스토그램({args})" if ko else f"MACD histogram({args})"
    if name.startswith("bb_"):
        side = name[3:]
        if ko:
            return f"볼린저 밴드 {({'upper': '상단', 'middle': '중단', 'lower': '하단'})[side]}({args})"
        return f"the {side} Bollinger band({args})"
    period = _num(ind.args[0])
    if name == "change_pct":
        return f"{period}봉 변동률" if ko else f"the {period}-bar % change"
    if name == "volume_sma":
        return f"{period}봉 평균 거래량" if ko else f"the {period}-bar average volume"
    return f"{name}({args})"


_COLUMN_KO = {"open": "시가", "high": "고가", "low": "저가", "close": "종가", "volume": "거래량"}
_COLUMN_EN = {"open": "the open", "high": "the high", "low": "the low", "close": "the close", "volume": "volume"}


def operand(value: Any, lang: str, sources: dict[str, str] | None = None, percent: bool = False) -> str:
    """One operand in words: ``rsi(14)`` → "RSI(14)", ``2 * volume_sma(20)`` → "20봉 평균 거래량의 2배"."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return _num(value) + ("%" if percent else "")
    try:
        expr = parse_operand(value)
    except OperandError:
        return str(value)
    return _expr(expr, lang, sources or {}, percent)


def _expr(expr: Expr, lang: str, sources: dict[str, str], percent: bool) -> str:
    ko = lang == "ko"
    if isinstance(expr, Number):
        return _num(expr.value) + ("%" if percent else "")
    prefix = ""
    if isinstance(expr, Column | Indicator) and expr.source and expr.source in sources:
        prefix = sources[expr.source] + " "
    if isinstance(expr, Column):
        return prefix + (_COLUMN_KO if ko else _COLUMN_EN)[expr.name]
    if isinstance(expr, Indicator):
        return prefix + _indicator(expr, lang)
    if isinstance(expr, PositionTerm):
        return "포지션 수익률" if ko else "the position P&L"
    if isinstance(expr, Neg):
        return "-" + _expr(expr.operand, lang, sources, percent)
    assert isinstance(expr, BinOp)
    if expr.op == "*" and isinstance(expr.left, Number):
        inner = _expr(expr.right, lang, sources, False)
        factor = _num(expr.left.value)
        return f"{josa(inner, '의', '의')} {factor}배" if ko else f"{factor}x {inner}"
    left = _expr(expr.left, lang, sources, False)
    right = _expr(expr.right, lang, sources, False)
    symbol = {"*": "×", "/": "÷"}.get(expr.op, expr.op)
    return f"({left} {symbol} {right})"


def _is_percent_term(value: Any) -> bool:
    return isinstance(value, str) and ("change_pct" in value or "position_pnl_pct" in value)


@dataclass(frozen=True)
class _Step:
    config: dict[str, Any]
    negated: bool


def _condition_ko(step: _Step, sources: dict[str, str], ending: str) -> str:
    """A Korean condition with its ending: "고" (and), "면" (if) or "거나" (or)."""
    cfg = step.config
    op = str(cfg.get("operator"))
    pct = _is_percent_term(cfg.get("left")) and isinstance(cfg.get("right"), int | float)
    left = operand(cfg.get("left"), "ko", sources)
    right = operand(cfg.get("right"), "ko", sources, percent=pct)
    subject = josa(left, "이", "가")
    if op in OP_KO:
        if step.negated:
            return f"{subject} {right} {josa(OP_KO[op], '이', '가')} 아니{ending}"
        glue = {"고": "이고", "면": "이면", "거나": "이거나"}[ending]
        return f"{subject} {right} {OP_KO[op]}{glue}"
    if op in ("==", "!="):
        same = (op == "==") != step.negated
        stem = "같" if same else "다르"
        end = {"고": "고", "면": "으면" if same else "면", "거나": "거나"}[ending]
        return f"{subject} {josa(right, '과', '와')} {stem}{end}"
    verb = "상향 돌파하" if op == "crosses_above" else "하향 돌파하"
    target = josa(right, "을", "를")
    if _signal_of(cfg):
        target = "시그널선을"
    if step.negated:
        end = {"고": "고", "면": "으면", "거나": "거나"}[ending]
        return f"{subject} {target} {verb}지 않{end}"
    return f"{subject} {target} {verb}{ending}"


def _condition_en(step: _Step, sources: dict[str, str]) -> str:
    cfg = step.config
    op = str(cfg.get("operator"))
    pct = _is_percent_term(cfg.get("left")) and isinstance(cfg.get("right"), int | float)
    left = operand(cfg.get("left"), "en", sources)
    right = operand(cfg.get("right"), "en", sources, percent=pct)
    words = (OP_EN_NOT if step.negated else OP_EN).get(op, op)
    if op.startswith("crosses") and _signal_of(cfg):
        right = "its signal line"
    return f"{left} {words} {right}"


def _signal_of(cfg: dict[str, Any]) -> bool:
    """MACD against the signal line of the same MACD: read as "its signal line"."""
    left, right = str(cfg.get("left", "")), str(cfg.get("right", ""))
    return left.startswith("macd(") and right == left.replace("macd(", "macd_signal(", 1)


def _amount(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer() and value >= 10_000:
        return f"{int(value):,}"  # won amounts are large: 500,000 KRW
    return _num(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def _action_ko(cfg: dict[str, Any], main_symbol: str | None) -> str:
    kind = cfg.get("action_type")
    symbol = str(cfg.get("symbol", ""))
    other = f"{symbol} " if symbol and symbol != main_symbol else ""
    if kind == "buy":
        unit = str(cfg.get("unit", ""))
        base = symbol.split("/")[0] if "/" in symbol else ""
        if unit and unit == base:
            return f"{other}{_amount(cfg.get('amount'))} {unit} 매수"
        return f"{_amount(cfg.get('amount'))} {unit}어치 {other}매수"
    if kind == "sell":
        if cfg.get("amount") == "all":
            return f"{other}전량 매도"
        unit = cfg.get("unit") or (symbol.split("/")[0] if "/" in symbol else "")
        return f"{other}{_amount(cfg.get('amount'))} {unit} 매도".replace("  ", " ")
    if kind == "notify":
        return "알림"
    return str(kind)


def _action_en(cfg: dict[str, Any], main_symbol: str | None) -> str:
    kind = cfg.get("action_type")
    symbol = str(cfg.get("symbol", ""))
    base = symbol.split("/")[0] if "/" in symbol else symbol
    if kind == "buy":
        unit = str(cfg.get("unit", ""))
        if unit and unit == base:
            return f"buy {_amount(cfg.get('amount'))} {unit}" + (f" ({symbol})" if symbol != main_symbol else "")
        return f"buy {_amount(cfg.get('amount'))} {unit} of {symbol if symbol != main_symbol else base}"
    if kind == "sell":
        if cfg.get("amount") == "all":
            return f"sell all {symbol if symbol != main_symbol else base}"
        unit = cfg.get("unit") or base
        return f"sell {_amount(cfg.get('amount'))} {unit}" + (f" ({symbol})" if symbol != main_symbol else "")
    if kind == "notify":
        return "notify me"
    return str(kind)


def _trigger(cfg: dict[str, Any], lang: str) -> str:
    kind = cfg.get("trigger_type")
    ko = lang == "ko"
    if kind == "time":
        interval = str(cfg.get("interval"))
        return f"{INTERVAL_KO.get(interval, interval)}마다" if ko else f"Every {interval}"
    window = str(cfg.get("window"))
    symbol = str(cfg.get("symbol"))
    if kind == "price_change":
        pct = _amount(cfg.get("threshold_pct"))
        return (f"{symbol} 가격이 {INTERVAL_KO.get(window, window)} 안에 {pct}% 움직일 때마다" if ko
                else f"Whenever {symbol} moves {pct}% within {window}")
    if kind == "volume":
        times = _amount(cfg.get("multiplier"))
        return (f"{symbol} 거래량이 {INTERVAL_KO.get(window, window)} 기준 {times}배가 될 때마다" if ko
                else f"Whenever {symbol} volume reaches {times}x over {window}")
    return str(kind)


def _source(cfg: dict[str, Any], lang: str) -> str:
    kind = cfg.get("source_type")
    ko = lang == "ko"
    exchange = str(cfg.get("exchange") or "")
    ex = (EXCHANGE_KO if ko else EXCHANGE_EN).get(exchange.lower(), exchange)
    ex = ex + " " if ex else ""
    symbol = str(cfg.get("symbol", ""))
    if kind == "ohlcv":
        tf = str(cfg.get("timeframe"))
        return f"{ex}{symbol} {INTERVAL_KO.get(tf, tf)}봉" if ko else f"on {ex}{symbol} {tf} candles"
    if kind == "orderbook":
        return f"{ex}{symbol} 호가창" if ko else f"the {ex}{symbol} order book"
    query = cfg.get("query")
    if ko:
        return f"뉴스(“{query}”)" if query else "뉴스"
    return f"news about “{query}”" if query else "the news"


class _Graph:
    def __init__(self, strategy: dict[str, Any]) -> None:
        nodes = [n for n in strategy.get("nodes", []) if isinstance(n, dict)]
        self.by_id = {n.get("id"): n for n in nodes}
        self.out: dict[Any, list[tuple[Any, str | None]]] = {}
        for e in strategy.get("edges", []) or []:
            if isinstance(e, dict):
                self.out.setdefault(e.get("from"), []).append((e.get("to"), e.get("condition")))
        self.order = {n.get("id"): i for i, n in enumerate(nodes)}

    def kind(self, node_id: Any) -> str:
        return str(self.by_id.get(node_id, {}).get("type"))

    def config(self, node_id: Any) -> dict[str, Any]:
        cfg = self.by_id.get(node_id, {}).get("config")
        return cfg if isinstance(cfg, dict) else {}

    def paths(self, start: Any) -> dict[Any, list[tuple[tuple[Any, ...], tuple[_Step, ...]]]]:
        """action id -> [(data sources on the path, condition steps on the path)]."""
        found: dict[Any, list[tuple[tuple[Any, ...], tuple[_Step, ...]]]] = {}
        count = 0
        stack: list[tuple[Any, tuple[Any, ...], tuple[_Step, ...], frozenset[Any]]] = [
            (start, (), (), frozenset({start}))]
        while stack and count < MAX_PATHS:
            node, srcs, steps, seen = stack.pop()
            for target, label in reversed(self.out.get(node, [])):
                if target in seen or target not in self.by_id:
                    continue
                t_srcs, t_steps = srcs, steps
                if self.kind(node) == "condition":
                    t_steps = (*steps[:-1], _Step(steps[-1].config, label == "false"))
                kind = self.kind(target)
                if kind == "action":
                    found.setdefault(target, []).append((t_srcs, t_steps))
                    count += 1
                    continue
                if kind == "data_source":
                    t_srcs = (*t_srcs, target)
                elif kind == "condition":
                    t_steps = (*t_steps, _Step(self.config(target), False))
                stack.append((target, t_srcs, t_steps, seen | {target}))
        return found


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def explain(strategy: dict[str, Any], lang: str = "ko") -> list[str]:
    """The strategy read back as sentences in ``lang`` ("ko" or "en"), one per rule."""
    lang = "ko" if lang == "ko" else "en"
    graph = _Graph(strategy)
    trigger = next((i for i, n in graph.by_id.items() if n.get("type") == "trigger"), None)
    if trigger is None:
        return ["트리거가 없는 전략입니다." if lang == "ko" else "The strategy has no trigger."]
    sources_all = [i for i, n in graph.by_id.items() if n.get("type") == "data_source"]
    symbols = {str(graph.config(s).get("symbol")) for s in sources_all if graph.config(s).get("symbol")}
    main_symbol = next(iter(symbols)) if len(symbols) == 1 else None
    # Several data sources: operands with a prefix name their source's symbol and timeframe.
    names = {s: f"{graph.config(s).get('symbol', s)} {graph.config(s).get('timeframe', '')}".strip()
             for s in sources_all} if len(sources_all) > 1 else {}
    when = _trigger(graph.config(trigger), lang)
    by_action = graph.paths(trigger)
    rules: dict[Any, list[Any]] = {}
    for action_id in sorted(by_action, key=lambda a: graph.order.get(a, 0)):
        key = _freeze([(s, [(_freeze(st.config), st.negated) for st in steps]) for s, steps in by_action[action_id]])
        rules.setdefault(key, []).append(action_id)
    sentences = []
    for actions in rules.values():
        paths = by_action[actions[0]]
        srcs = list(dict.fromkeys(s for p in paths for s in p[0]))
        header = when + " " + (", ".join(_source(graph.config(s), lang) for s in srcs) if srcs else "")
        configs = [graph.config(a) for a in actions]
        chains = [steps for _, steps in paths]
        if lang == "ko":
            doing = "하고 ".join(_action_ko(c, main_symbol) for c in configs)
            sentences.append(f"{header.strip()} 기준: {_rule_ko(chains, names)}{doing}.")
        else:
            doing = " and ".join(_action_en(c, main_symbol) for c in configs)
            cond = _rule_en(chains, names)
            sentences.append(f"{header.strip()}: {cond}{doing}.")
    if not sentences:
        return ["실행할 규칙이 없습니다." if lang == "ko" else "No rule reaches an action."]
    return sentences


def _rule_ko(chains: list[tuple[_Step, ...]], names: dict[str, str]) -> str:
    chains = [c for c in chains]
    if not any(chains):
        return "매번 "
    parts = []
    for i, chain in enumerate(chains):
        last_chain = i == len(chains) - 1
        words = []
        for j, step in enumerate(chain):
            last = j == len(chain) - 1
            ending = "고" if not last else ("면" if last_chain else "거나")
            words.append(_condition_ko(step, names, ending))
        text = " ".join(words)
        parts.append(f"({text})" if len(chain) > 1 and len(chains) > 1 else text)
    return " ".join(parts) + " "


def _rule_en(chains: list[tuple[_Step, ...]], names: dict[str, str]) -> str:
    if not any(chains):
        return "on every check, "
    texts = []
    for chain in chains:
        text = " and ".join(_condition_en(s, names) for s in chain)
        texts.append(f"({text})" if len(chain) > 1 and len(chains) > 1 else text)
    return "when " + " or ".join(texts) + ", "


def explain_text(strategy: dict[str, Any], lang: str = "ko") -> str:
    """``explain`` as one paragraph."""
    return " ".join(explain(strategy, lang))


def _indicator_names(strategy: dict[str, Any]) -> Iterable[str]:
    for node in strategy.get("nodes", []):
        cfg = node.get("config") if isinstance(node, dict) else None
        if not isinstance(cfg, dict) or node.get("type") != "condition":
            continue
        for side in ("left", "right"):
            try:
                expr = parse_operand(cfg.get(side))
            except (OperandError, TypeError):
                continue
            yield from _names(expr)


def _names(expr: Expr) -> Iterable[str]:
    if isinstance(expr, Indicator):
        family = expr.name.split("_")[0]
        yield {"bb": "BB", "change": "Change", "volume": "Volume"}.get(family, family.upper())
    elif isinstance(expr, Column) and expr.name == "volume":
        yield "Volume"
    elif isinstance(expr, Column):
        yield "Price"
    elif isinstance(expr, PositionTerm):
        return
    elif isinstance(expr, BinOp):
        yield from _names(expr.left)
        yield from _names(expr.right)
    elif isinstance(expr, Neg):
        yield from _names(expr.operand)


def default_name(strategy: dict[str, Any], lang: str = "ko") -> str:
    """A short human name: "BTC 1시간봉 RSI 매수" / "BTC 1h RSI·MACD buy"."""
    nodes = [n for n in strategy.get("nodes", []) if isinstance(n, dict) and isinstance(n.get("config"), dict)]
    data = next((n["config"] for n in nodes if n.get("type") == "data_source"), {})
    base = str(data.get("symbol", "")).split("/")[0]
    tf = str(data.get("timeframe", ""))
    names = list(dict.fromkeys(_indicator_names(strategy)))
    if len(names) > 1 and "Price" in names:
        names.remove("Price")
    kinds = list(dict.fromkeys(str(n["config"].get("action_type")) for n in nodes if n.get("type") == "action"))
    if lang == "ko":
        names = [{"BB": "볼린저", "Change": "변동률", "Volume": "거래량", "Price": "가격"}.get(n, n) for n in names]
        verbs = "·".join({"buy": "매수", "sell": "매도", "notify": "알림"}.get(k, k) for k in kinds)
        parts = [base, f"{INTERVAL_KO.get(tf, tf)}봉" if tf else "", "·".join(names[:3]), verbs]
    else:
        parts = [base, tf, "·".join(names[:3]), "/".join(kinds)]
    return " ".join(p for p in parts if p) or ("전략" if lang == "ko" else "Strategy")
