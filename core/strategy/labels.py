"""Short human summaries of nodes ("RSI(14) < 30", "200 USDT 매수 · BTC/USDT") for the graph and lists,
in Korean or English, and a readable tooltip body with the full config.

Works on possibly invalid dicts (a node under repair still needs a label), so every access is
defensive and every value is turned into text; escaping is the renderer's job, not this one's.
The words live here, not in the UI catalogs, because the CLI's HTML page and the API need them too.
"""

from __future__ import annotations

import re
from typing import Any

_CALL = re.compile(r"\b([a-z_]+)\(")
_MAX_LABEL = 48
LANGS = ("ko", "en")

_WORDS: dict[str, dict[str, str]] = {
    "every": {"en": "Every {interval}", "ko": "{interval}마다"},
    "moves": {"en": "{symbol} moves {pct}% / {window}", "ko": "{symbol} {pct}% 변동 / {window}"},
    "volume": {"en": "{symbol} volume × {times} / {window}", "ko": "{symbol} 거래량 × {times} / {window}"},
    "trigger": {"en": "Trigger ({kind})", "ko": "트리거 ({kind})"},
    "orderbook": {"en": "Order book · {symbol}", "ko": "호가창 · {symbol}"},
    "news": {"en": "News", "ko": "뉴스"},
    "data": {"en": "Data ({kind})", "ko": "데이터 ({kind})"},
    "buy": {"en": "BUY {amount} {unit} · {symbol}", "ko": "{amount} {unit} 매수 · {symbol}"},
    "sell": {"en": "SELL {amount} · {symbol}", "ko": "{amount} 매도 · {symbol}"},
    "sell_all": {"en": "SELL ALL · {symbol}", "ko": "전량 매도 · {symbol}"},
    "notify": {"en": "NOTIFY: {message}", "ko": "알림: {message}"},
    "action": {"en": "Action ({kind})", "ko": "액션 ({kind})"},
    "crosses_above": {"en": "crosses above", "ko": "상향 돌파"},
    "crosses_below": {"en": "crosses below", "ko": "하향 돌파"},
    "position_pnl_pct": {"en": "P&L %", "ko": "수익률 %"},
    "true": {"en": "true", "ko": "참"},
    "false": {"en": "false", "ko": "거짓"},
    "missing": {"en": "'{name}' is referenced by an edge but is not a node.",
                "ko": "'{name}'은(는) 연결선이 가리키지만 노드가 아닙니다."},
}

# Tooltip headings: the node type and each config field, in the reader's words.
TYPE_NAMES: dict[str, dict[str, str]] = {
    "trigger": {"en": "Trigger", "ko": "트리거"},
    "data_source": {"en": "Data source", "ko": "데이터 소스"},
    "condition": {"en": "Condition", "ko": "조건"},
    "action": {"en": "Action", "ko": "액션"},
}
FIELD_NAMES: dict[str, dict[str, str]] = {
    "trigger_type": {"en": "type", "ko": "종류"},
    "interval": {"en": "interval", "ko": "주기"},
    "symbol": {"en": "symbol", "ko": "심볼"},
    "threshold_pct": {"en": "threshold %", "ko": "변동 기준 %"},
    "window": {"en": "window", "ko": "기간"},
    "multiplier": {"en": "multiplier", "ko": "배수"},
    "source_type": {"en": "source", "ko": "종류"},
    "timeframe": {"en": "timeframe", "ko": "봉"},
    "exchange": {"en": "exchange", "ko": "거래소"},
    "query": {"en": "query", "ko": "검색어"},
    "operator": {"en": "operator", "ko": "연산자"},
    "left": {"en": "left", "ko": "왼쪽"},
    "right": {"en": "right", "ko": "오른쪽"},
    "action_type": {"en": "action", "ko": "동작"},
    "amount": {"en": "amount", "ko": "수량"},
    "unit": {"en": "unit", "ko": "단위"},
    "message": {"en": "message", "ko": "메시지"},
}
VALUE_NAMES: dict[str, dict[str, str]] = {
    "time": {"en": "time", "ko": "시간"},
    "price_change": {"en": "price change", "ko": "가격 변동"},
    "volume": {"en": "volume", "ko": "거래량"},
    "ohlcv": {"en": "candles (OHLCV)", "ko": "캔들 (OHLCV)"},
    "orderbook": {"en": "order book", "ko": "호가창"},
    "news": {"en": "news", "ko": "뉴스"},
    "buy": {"en": "buy", "ko": "매수"},
    "sell": {"en": "sell", "ko": "매도"},
    "notify": {"en": "notify", "ko": "알림"},
    "all": {"en": "all", "ko": "전량"},
    "crosses_above": {"en": "crosses above", "ko": "상향 돌파"},
    "crosses_below": {"en": "crosses below", "ko": "하향 돌파"},
}


def _lang(lang: str) -> str:
    return lang if lang in LANGS else "en"


def word(key: str, lang: str = "en", **fmt: Any) -> str:
    text = _WORDS[key][_lang(lang)]
    return text.format(**fmt) if fmt else text


def _clip(text: str, n: int = _MAX_LABEL) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def operand_text(value: Any, lang: str = "en") -> str:
    """rsi(14) -> RSI(14); macd_hist(12,26,9) -> MACD_HIST(12,26,9); numbers unchanged."""
    if not isinstance(value, str):
        return _num(value)
    text = value.replace("position_pnl_pct", word("position_pnl_pct", lang))
    return _CALL.sub(lambda m: m.group(1).upper() + "(", text)


def operator_text(op: Any, lang: str = "en") -> str:
    return word(str(op), lang) if op in ("crosses_above", "crosses_below") else str(op)


def node_label(node: dict[str, Any], lang: str = "en") -> str:
    config = node.get("config")
    config = config if isinstance(config, dict) else {}
    kind = node.get("type")
    if kind == "trigger":
        return _clip(_trigger(config, lang))
    if kind == "data_source":
        return _clip(_source(config, lang))
    if kind == "condition":
        left, right = operand_text(config.get("left", "?"), lang), operand_text(config.get("right", "?"), lang)
        return _clip(f"{left} {operator_text(config.get('operator', '?'), lang)} {right}")
    if kind == "action":
        return _clip(_action(config, lang))
    return _clip(str(node.get("id", "?")))


_KO_INTERVAL = {"1m": "1분", "5m": "5분", "15m": "15분", "30m": "30분", "1h": "1시간", "4h": "4시간", "1d": "1일"}


def interval_text(value: Any, lang: str = "en") -> str:
    """'4h' -> '4시간' in Korean; unchanged in English (traders write 4h)."""
    return _KO_INTERVAL.get(str(value), str(value)) if _lang(lang) == "ko" else str(value)


def _trigger(config: dict[str, Any], lang: str) -> str:
    kind = config.get("trigger_type")
    if kind == "time":
        return word("every", lang, interval=interval_text(config.get("interval", "?"), lang))
    if kind == "price_change":
        return word("moves", lang, symbol=config.get("symbol", "?"), pct=_num(config.get("threshold_pct", "?")),
                    window=config.get("window", "?"))
    if kind == "volume":
        return word("volume", lang, symbol=config.get("symbol", "?"), times=_num(config.get("multiplier", "?")),
                    window=config.get("window", "?"))
    return word("trigger", lang, kind=kind)


def _source(config: dict[str, Any], lang: str) -> str:
    kind = config.get("source_type")
    if kind == "ohlcv":
        parts = [str(config.get("symbol", "?")), str(config.get("timeframe", "?"))]
        if config.get("exchange"):
            parts.append(str(config["exchange"]))
        return " · ".join(parts)
    if kind == "orderbook":
        return word("orderbook", lang, symbol=config.get("symbol", "?"))
    if kind == "news":
        query = config.get("query")
        return f"{word('news', lang)} · {query}" if query else word("news", lang)
    return word("data", lang, kind=kind)


def _action(config: dict[str, Any], lang: str) -> str:
    kind = config.get("action_type")
    symbol = config.get("symbol", "?")
    if kind == "buy":
        return word("buy", lang, amount=_num(config.get("amount", "?")), unit=config.get("unit", "?"), symbol=symbol)
    if kind == "sell":
        amount = config.get("amount", "?")
        if amount == "all":
            return word("sell_all", lang, symbol=symbol)
        unit = config.get("unit")
        return word("sell", lang, amount=f"{_num(amount)}{' ' + str(unit) if unit else ''}", symbol=symbol)
    if kind == "notify":
        return word("notify", lang, message=config.get("message", ""))
    return word("action", lang, kind=kind)


def edge_label(condition: Any, lang: str = "en") -> str | None:
    """'true'/'false' branch labels in the reader's words; other strings clipped, None stays None."""
    if condition in ("true", "false"):
        return word(str(condition), lang)
    return str(condition)[:12] if isinstance(condition, str) else None


def node_details(node: dict[str, Any], lang: str = "en") -> str:
    """Plain-text tooltip body: type and id, then every config field on its own line, in words."""
    lang = _lang(lang)
    kind = str(node.get("type", "?"))
    heading = TYPE_NAMES.get(kind, {}).get(lang, kind)
    lines = [f"{heading} · {node.get('id', '?')}"]
    config = node.get("config")
    if isinstance(config, dict):
        for key, value in config.items():
            name = FIELD_NAMES.get(str(key), {}).get(lang, str(key))
            shown = VALUE_NAMES.get(value, {}).get(lang) if isinstance(value, str) else None
            if key in ("left", "right"):
                shown = operand_text(value, lang)
            lines.append(f"{name}: {_clip(shown if shown is not None else _num(value), 120)}")
    return "\n".join(lines)
