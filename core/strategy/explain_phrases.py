"""Phrases of the read-back: operands, conditions, actions, triggers and data sources in Korean or
English words (with Korean particles that follow the last sound), used by ``explain``."""

from __future__ import annotations

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
        return f"MACD({args}) 시그널선" if ko else f"the MACD({args}) signal line"
    if name == "macd_hist":
        return f"MACD({args}) 히스토그램" if ko else f"the MACD({args}) histogram"
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
class Step:
    config: dict[str, Any]
    negated: bool


def condition_ko(step: Step, sources: dict[str, str], ending: str) -> str:
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


def condition_en(step: Step, sources: dict[str, str]) -> str:
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


def action_ko(cfg: dict[str, Any], main_symbol: str | None) -> str:
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


def action_en(cfg: dict[str, Any], main_symbol: str | None) -> str:
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


def trigger_phrase(cfg: dict[str, Any], lang: str) -> str:
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


def source_phrase(cfg: dict[str, Any], lang: str) -> str:
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
