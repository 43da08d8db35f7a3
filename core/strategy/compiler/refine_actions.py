"""Refinement edits of actions: amounts, notifications, take-profit / stop-loss exits.

Like ``refine_edits``, each names every node it adds, changes or removes in ``changes``.
"""

from __future__ import annotations

import re
from typing import Any

from core.strategy.compiler import actions as act
from core.strategy.compiler.indicators import CompileProblem
from core.strategy.compiler.refine_edits import Change, _next_id, _nodes
from core.strategy.compiler.symbols import find_symbols

# "금액 500으로", "size to 250": a number with no unit right after the amount's word
_BARE_AMOUNT = re.compile(r"(?:\bamount|\bsize|금액)\s*(?:(?:을|를|은|는|to|of|=|:)\s*)?(\d+(?:\.\d+)?)"
                          r"(?=(?:으로|로)?(?:\s|$|[,!?]))(?!\s*(?:%|x\b|배|percent|퍼센트|프로))", re.ASCII)


def _bare_amount(strategy: dict[str, Any], text: str) -> act.Amount | None:
    """The amount a number with no unit sets, in the unit of money the buy already spends; a coin
    amount ("0.01 BTC") needs its unit said, so the number is not read."""
    m = _BARE_AMOUNT.search(text)
    if not m:
        return None
    units = {n["config"].get("unit") for n in _nodes(strategy, "action") if n["config"].get("action_type") == "buy"}
    if len(units) != 1 or next(iter(units)) not in ("USDT", "USDC", "USD", "BUSD", "KRW"):
        raise CompileProblem(f"'{m.group(0).strip()}' has no unit; say it, e.g. '{m.group(1)} USDT' or "
                             f"'0.01 BTC'", f"'{m.group(0).strip()}'에 단위가 없습니다. 예: '{m.group(1)} USDT', "
                             "'0.01 BTC'처럼 말해 주세요")
    value = float(m.group(1))
    return act.Amount(int(value) if value.is_integer() else value, "QUOTE", m.start(1), m.end(1))


def _set_amount(strategy: dict[str, Any], text: str, changes: list[Change]) -> bool:
    symbols = find_symbols(text, text)
    amounts = [a for a in act.find_amounts(text, symbols) if a.value != "all"]
    bare = None if amounts else _bare_amount(strategy, text)
    if bare is not None:
        amounts = [bare]
    if not amounts:
        return False
    amount = amounts[0]
    buys = [n for n in _nodes(strategy, "action") if n["config"].get("action_type") == "buy"]
    sells = [n for n in _nodes(strategy, "action") if n["config"].get("action_type") == "sell"]
    targets = buys or sells
    if re.search(r"sell|매도", text) and sells:
        targets = sells
    if not targets:
        return False
    for node in targets:
        config = node["config"]
        base, quote = str(config.get("symbol", "BTC/USDT")).split("/") if "/" in str(config.get("symbol")) else (
            "BTC", "USDT")
        if amount.unit in ("USDT", "KRW") and amount.unit != quote:
            symbol = config.get("symbol")
            raise CompileProblem(f"{node['id']} trades {symbol}; an amount in {amount.unit} does not fit it",
                                 f"{node['id']}은(는) {symbol}을(를) 거래합니다. {amount.unit} 금액은 맞지 않습니다")
        unit = quote if amount.unit in ("USDT", "KRW", "QUOTE") else (amount.unit or base)
        old = f"{config.get('amount')} {config.get('unit') or ''}".strip()
        config["amount"] = amount.value
        config["unit"] = unit
        changes.append((f"{node['id']}: amount {old} → {amount.value} {unit}",
                        f"{node['id']}: 금액 {old} → {amount.value} {unit}"))
    return True


_ON_BUYS = re.compile(r"\b(?:buys?|buying|bought|entr(?:y|ies))\b|매수|살\s*때|사면|진입", re.ASCII)
_ON_SELLS = re.compile(r"\b(?:sells?|selling|sold|exits?)\b|매도|팔\s*때|팔면|청산|익절|손절", re.ASCII)


def _add_notify(strategy: dict[str, Any], lang: str, changes: list[Change], text: str = "") -> bool:
    """A notification beside each trade the instruction names: "on every buy" is the buys only."""
    buys, sells = bool(_ON_BUYS.search(text)), bool(_ON_SELLS.search(text))
    kinds = ("buy", "sell") if buys == sells else ("buy",) if buys else ("sell",)
    trades = [n for n in _nodes(strategy, "action") if n["config"].get("action_type") in kinds]
    edges = strategy.get("edges", [])
    notify_ids = {n["id"] for n in _nodes(strategy, "action") if n["config"].get("action_type") == "notify"}
    sources = {(e.get("from"), e.get("condition")) for e in edges if e.get("to") in notify_ids}
    trades = [t for t in trades if not {(e.get("from"), e.get("condition")) for e in edges
                                        if e.get("to") == t["id"]} <= sources or not sources]
    if not trades and notify_ids:
        changes.append(("a notification is already there", "알림이 이미 있습니다"))
        return True
    if not trades:
        return False
    edges = strategy.setdefault("edges", [])
    for trade in trades:
        new_id = _next_id(strategy, "action")
        label = trade["config"].get("action_type", "").upper()
        symbol = trade["config"].get("symbol", "")
        message = f"{symbol}: {label} 신호" if lang == "ko" else f"{symbol}: {label} signal"
        strategy["nodes"].append({"id": new_id, "type": "action",
                                  "config": {"action_type": "notify", "message": message}})
        for edge in [e for e in edges if e.get("to") == trade["id"]]:
            new_edge = {"from": edge["from"], "to": new_id}
            if edge.get("condition"):
                new_edge["condition"] = edge["condition"]
            edges.append(new_edge)
        changes.append((f"added {new_id}: notify alongside {trade['id']}", f"{new_id} 추가: {trade['id']}와 함께 알림"))
    return True


def _remove_notify(strategy: dict[str, Any], changes: list[Change]) -> bool:
    gone = {n["id"] for n in _nodes(strategy, "action") if n["config"].get("action_type") == "notify"}
    if not gone:
        return False
    strategy["nodes"] = [n for n in strategy["nodes"] if n.get("id") not in gone]
    strategy["edges"] = [e for e in strategy.get("edges", []) if e.get("to") not in gone and e.get("from") not in gone]
    changes.append((f"removed {', '.join(sorted(gone))}", f"{', '.join(sorted(gone))} 삭제"))
    return True


def _set_exit(strategy: dict[str, Any], take_profit: float | None, stop_loss: float | None,
              changes: list[Change]) -> None:
    data = _nodes(strategy, "data_source")
    symbol = next((n["config"].get("symbol") for n in data if n["config"].get("symbol")), None) or next(
        (n["config"].get("symbol") for n in _nodes(strategy, "action") if n["config"].get("symbol")), "BTC/USDT")
    start = data[0]["id"] if data else next((n["id"] for n in _nodes(strategy, "trigger")), None)
    if start is None:
        raise CompileProblem("the strategy has no data source to attach the exit to",
                             "청산 조건을 연결할 데이터 노드가 없습니다")
    edges = strategy.setdefault("edges", [])
    plan = ((take_profit, ">=", "take profit", "익절"), (stop_loss, "<=", "stop loss", "손절"))
    for value, op, word_en, word_ko in plan:
        if value is None:
            continue
        target = value if op == ">=" else -abs(value)
        existing = [n for n in _nodes(strategy, "condition") if n["config"].get("left") == "position_pnl_pct"
                    and n["config"].get("operator") == op]
        if existing:
            node = existing[0]
            old = node["config"]["right"]
            node["config"]["right"] = target
            changes.append((f"{word_en}: {node['id']} {old} → {target}", f"{word_ko}: {node['id']} {old} → {target}"))
            continue
        sell = next((n for n in _nodes(strategy, "action") if n["config"].get("action_type") == "sell"
                     and n["config"].get("amount") == "all"), None)
        cond_id = _next_id(strategy, "condition")
        strategy["nodes"].append({"id": cond_id, "type": "condition",
                                  "config": {"operator": op, "left": "position_pnl_pct", "right": target}})
        if sell is None:
            sell_id = _next_id(strategy, "action")
            strategy["nodes"].append({"id": sell_id, "type": "action",
                                      "config": {"action_type": "sell", "symbol": symbol, "amount": "all"}})
        else:
            sell_id = sell["id"]
        edges.append({"from": start, "to": cond_id})
        edges.append({"from": cond_id, "to": sell_id, "condition": "true"})
        changes.append((f"added {word_en}: {cond_id} position_pnl_pct {op} {target} → sell all ({sell_id})",
                        f"{word_ko} 추가: {cond_id} position_pnl_pct {op} {target} → 전량 매도 ({sell_id})"))


# "금액 두 배로", "halve the size": the amount scaled
_SCALES = ((re.compile(r"두\s*배|2\s*배|\bdoubled?\b|\btwice\b", re.ASCII), 2.0),
           (re.compile(r"세\s*배|3\s*배|\btripled?\b", re.ASCII), 3.0),
           (re.compile(r"절반|반\s*(?:으로|만)|\bhalve[sd]?\b|\b(?:in\s+)?half\b", re.ASCII), 0.5))


def scale_said(text: str) -> float | None:
    return next((factor for regex, factor in _SCALES if regex.search(text)), None)


def without_scale_said(before: dict[str, Any], after: dict[str, Any], text: str) -> str:
    """``text`` with its scale words ("double", "절반으로") blanked when the edit scaled a buy amount by
    that factor; otherwise they stay, for the coverage check to name."""
    factor = scale_said(text)
    old = {n.get("id"): n.get("config", {}).get("amount") for n in _nodes(before, "action")}
    scaled = factor is not None and any(
        isinstance(was := old.get(n["id"]), int | float) and isinstance(now := n["config"].get("amount"), int | float)
        and abs(now - was * factor) < 1e-9 for n in _nodes(after, "action"))
    # "거래량이 평균의 두 배 이상일 때만": the factor is the new condition's multiple
    before_ops = {str(n["config"].get(k)) for n in _nodes(before, "condition") for k in ("left", "right")}
    multiplied = factor is not None and any(
        str(n["config"].get(k)).startswith(f"{factor:g} * ") and str(n["config"].get(k)) not in before_ops
        for n in _nodes(after, "condition") for k in ("left", "right"))
    if not (scaled or multiplied):
        return text
    for regex, _ in _SCALES:
        text = regex.sub(lambda m: " " * len(m.group(0)), text)
    return text


def _scale_amount(strategy: dict[str, Any], factor: float, changes: list[Change]) -> None:
    buys = [n for n in _nodes(strategy, "action") if n["config"].get("action_type") == "buy"
            and isinstance(n["config"].get("amount"), int | float)]
    if not buys:
        raise CompileProblem("there is no buy amount to change", "바꿀 매수 금액이 없습니다")
    for node in buys:
        old = node["config"]["amount"]
        new = old * factor
        node["config"]["amount"] = int(new) if float(new).is_integer() else round(new, 8)
        unit = node["config"].get("unit", "")
        changes.append((f"{node['id']}: amount {old} → {node['config']['amount']} {unit}",
                        f"{node['id']}: 금액 {old} → {node['config']['amount']} {unit}"))


def _remove_exits(strategy: dict[str, Any], text: str, changes: list[Change]) -> None:
    """"remove the stop loss" / "익절 삭제": drop those position_pnl_pct conditions (and an exit sell
    action nothing reaches any more)."""
    wants_sl = bool(re.search(r"stop[\s-]*loss|(?<![a-z])(?:sl|stop)(?![a-z])|손절", text))
    wants_tp = bool(re.search(r"take[\s-]*profit|(?<![a-z])(?:tp|target)(?![a-z])|익절", text))
    ops = ({"<=", "<"} if wants_sl else set()) | ({">=", ">"} if wants_tp else set())
    gone = {n["id"] for n in _nodes(strategy, "condition")
            if n["config"].get("left") == "position_pnl_pct" and n["config"].get("operator") in ops}
    if not gone:
        raise CompileProblem("there is no such exit to remove", "삭제할 익절/손절 조건이 없습니다")
    strategy["nodes"] = [n for n in strategy["nodes"] if n.get("id") not in gone]
    targets = {e.get("to") for e in strategy.get("edges", []) if e.get("from") in gone}
    strategy["edges"] = [e for e in strategy.get("edges", []) if e.get("from") not in gone and e.get("to") not in gone]
    still_reached = {e.get("to") for e in strategy["edges"]}
    orphans = {t for t in targets if t not in still_reached}
    strategy["nodes"] = [n for n in strategy["nodes"] if n.get("id") not in orphans]
    strategy["edges"] = [e for e in strategy["edges"] if e.get("from") not in orphans]
    removed = ", ".join(sorted(gone | orphans))
    changes.append((f"removed {removed}", f"{removed} 삭제"))


# "instead of buying, sell all", "매수 말고 전량 매도로", "알림 말고 10만원 매수로", "make it a sell": the one
# action of one kind becomes another
_KIND_WORDS = (("buy", r"buy(?:ing|s)?|purchas(?:e|ing)|매수|사(?=[기는고게도]|\s|$)"),
               ("sell", r"sell(?:ing|s)?|매도|팔(?=[기고게도아]|\s|$)"),
               ("notify", r"notif(?:y|ying|ication|ications)|alert(?:ing|s)?|ping(?:ing)?|알림|알려"))
_WAS = re.compile(r"\b(?:instead\s+of|rather\s+than)\s+(?P<en>buy(?:ing)?|sell(?:ing)?|notif(?:y|ying|ications?)"
                  r"|alert(?:ing|s)?|ping(?:ing)?)\b|(?P<ko>매수|매도|알림)\s*(?:말고|대신에?)", re.ASCII)
_MAKE_IT = re.compile(r"\b(?:make\s+it|turn\s+it\s+into)\s+an?\s+(buy|sell|notification|alert)\b", re.ASCII)


def _kind_of(word: str) -> str:
    return next(kind for kind, words in _KIND_WORDS if re.fullmatch(words, word))


def flip_said(text: str) -> bool:
    return bool(_WAS.search(text) or _MAKE_IT.search(text))


def flip_action(strategy: dict[str, Any], text: str, lang: str, changes: list[Change]) -> bool:
    """Turn the strategy's one action of the kind said into the kind asked for; False when none is asked."""
    was_m, make_m = _WAS.search(text), _MAKE_IT.search(text)
    if not was_m and not make_m:
        return False
    rest = text[:was_m.start()] + " " * (was_m.end() - was_m.start()) + text[was_m.end():] if was_m else text
    now_words = [kind for kind, words in _KIND_WORDS if re.search(words, rest)]
    if make_m:
        now_words = ["notify" if make_m.group(1) in ("notification", "alert") else make_m.group(1)]
    trades = _nodes(strategy, "action")  # an exit's sell counts: a flip would leave it on no position
    was = _kind_of(was_m.group("en") or was_m.group("ko")) if was_m else (
        trades[0]["config"].get("action_type") if len(trades) == 1 else None)
    if len(now_words) != 1 or was is None or now_words[0] == was:
        raise CompileProblem("say what the action should become (e.g. 'instead of buying, sell all')",
                             "무엇으로 바꿀지 말해 주세요 (예: '매수 말고 전량 매도로')")
    now = now_words[0]
    if len(trades) != 1 or trades[0]["config"].get("action_type") != was:
        raise CompileProblem(f"the strategy does not have exactly one {was} and nothing else to turn into a {now}; "
                             "change it in the editor",
                             "바꿀 동작이 하나만 있는 전략이 아닙니다. 편집기에서 바꿔 주세요")
    node, config = trades[0], trades[0]["config"]
    symbol = config.get("symbol") or next((n["config"].get("symbol") for n in _nodes(strategy, "data_source")), "")
    old = " ".join(str(config.get(k)) for k in ("action_type", "amount", "unit") if config.get(k) is not None)
    if now == "sell":
        if not act.ALL.search(text):
            raise CompileProblem("say how much to sell (e.g. 'sell all')", "얼마나 팔지 말해 주세요 (예: '전량 매도')")
        node["config"] = {"action_type": "sell", "symbol": symbol, "amount": "all"}
    elif now == "buy":
        node["config"] = {"action_type": "buy", "symbol": symbol, "amount": 0, "unit": symbol.split("/")[-1]}
        if not _set_amount(strategy, text, []):
            raise CompileProblem("say how much to buy (e.g. 'buy 100 USDT')",
                                 "얼마나 살지 말해 주세요 (예: '100 USDT 매수')")
    else:
        node["config"] = {"action_type": "notify",
                          "message": f"{symbol}: 신호" if lang == "ko" else f"{symbol}: signal"}
    new = " ".join(str(node["config"].get(k)) for k in ("action_type", "amount", "unit")
                   if node["config"].get(k) is not None)
    changes.append((f"{node['id']}: {old} → {new}", f"{node['id']}: {old} → {new}"))
    return True


# The whole instruction is a verb, "it" and a bare number: "bump it to 500", "make it 25", "500으로 올려줘"
_IT_TO = re.compile(r"^\s*(?:please\s+)?(?:bump|raise|increase|lower|cut|reduce|drop|make|set|change|put|move)\s+it"
                    r"(?:\s+(?:up|down))?\s+(?:to\s+)?(\d+(?:\.\d+)?)\s*(?:please|instead)?\s*[.!]?\s*$"
                    r"|^\s*(\d+(?:\.\d+)?)\s*(?:으로|로)\s*(?:올려|내려|늘려|줄여|낮춰|높여|바꿔|해)\S*(?:\s*(?:줘|주세요))?\s*$",
                    re.ASCII)
# what an RSI-like value can be: a level of 0..100
_BOUNDED = ("rsi(",)


def set_it(strategy: dict[str, Any], text: str, way: str | None, changes: list[Change]) -> bool:
    """The one value a bare number can be: a money amount of the buy, or a condition's number that
    fits it and moves the way said. Several fits (or none) are declined, never guessed between."""
    m = _IT_TO.match(text)
    if not m:
        return False
    value = float(m.group(1) or m.group(2))
    fits: list[tuple[dict[str, Any], str]] = []
    for node in _nodes(strategy, "action"):
        old = node["config"].get("amount")
        if node["config"].get("action_type") == "buy" and isinstance(old, int | float) and node["config"].get(
                "unit") in ("USDT", "USDC", "USD", "BUSD", "KRW"):
            fits.append((node, "amount"))
    for node in _nodes(strategy, "condition"):
        left, right = str(node["config"].get("left")), node["config"].get("right")
        if left == "position_pnl_pct" or not isinstance(right, int | float) or isinstance(right, bool):
            continue
        if left.startswith(_BOUNDED) and not 0 <= value <= 100:
            continue
        fits.append((node, "right"))
    if way is not None:
        fits = [(n, k) for n, k in fits if (value > abs(float(n["config"][k]))) == (way == "up")]
    if len(fits) != 1:
        what = ", ".join(n["id"] for n, _ in fits) or "nothing"
        raise CompileProblem(f"'{m.group(0).strip()}' does not say what to change ({what} could be meant); name "
                             "it, e.g. 'the amount to 500 USDT' or 'the RSI threshold to 25'",
                             f"'{m.group(0).strip()}'은(는) 무엇을 바꿀지 말하지 않습니다. 예: '금액 500 USDT로', "
                             "'RSI 기준 25로'처럼 말해 주세요")
    node, key = fits[0]
    old = node["config"][key]
    node["config"][key] = int(value) if value.is_integer() else value
    unit = f" {node['config'].get('unit')}" if key == "amount" else ""
    label = ("amount", "금액") if key == "amount" else ("right", "right")
    changes.append((f"{node['id']}: {label[0]} {old}{unit} → {node['config'][key]}{unit}",
                    f"{node['id']}: {label[1]} {old}{unit} → {node['config'][key]}{unit}"))
    return True
