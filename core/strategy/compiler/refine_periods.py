"""Indicator lines a refinement names with their periods: "use EMA 9 and EMA 26 instead" under
"EMA(8) crosses above EMA(21)", "200일선 말고 50일선으로", "change EMA(20) to EMA(50)".

Two or more lines of one kind are mapped onto the strategy's own lines of that kind: the one said as
replaced onto itself ("A 말고 B", "B instead of A", "A to B"), or, with no such word, in the order
both are written. A count that does not match, or a replaced line the strategy lacks, is declined.
"""

from __future__ import annotations

import re
from typing import Any

from core.strategy.compiler import indicators as ind
from core.strategy.compiler.indicators import CompileProblem
from core.strategy.compiler.refine_edits import Change, _nodes
from core.strategy.operands import OperandError, parse_operand

_SINGLE_PERIOD = ("sma", "ema", "rsi", "atr", "volume_sma")
# between two lines: the first is the one replaced ("200일선 말고 50일선", "EMA(20) to EMA(50)")
_FIRST_REPLACED = re.compile(r"^\s*(?:말고|대신에?|에서|을|를|은|는|->|→|to|into|with|for)\s*(?:the\s+)?$", re.ASCII)
# "EMA 50 instead of EMA 20": the second is the one replaced
_SECOND_REPLACED = re.compile(r"^\s*(?:instead\s+of|rather\s+than|in\s+place\s+of)\s*(?:the\s+)?$", re.ASCII)


def _lines(strategy: dict[str, Any], name: str) -> list[str]:
    """The strategy's lines of one kind ("ema(8)", "ema(21)"), in the order its conditions write them."""
    found: list[str] = []
    for node in _nodes(strategy, "condition"):
        for side in ("left", "right"):
            value = node["config"].get(side)
            if not isinstance(value, str):
                continue
            for m in re.finditer(rf"(?<![a-z_]){name}\([^)]*\)", value):
                if m.group(0) not in found:
                    found.append(m.group(0))
    return found


def swap_lines(strategy: dict[str, Any], text: str, original: str, interval: str, changes: list[Change]) -> bool:
    """Map the lines the instruction names onto the strategy's; False when it names fewer than two of a kind."""
    operands, _ = ind.find_operands(text)
    named = [o for o in operands if "(" in o.expr and o.expr.split("(")[0] in _SINGLE_PERIOD
             and re.search(r"\d", text[o.start:o.end])]
    kinds = {o.expr.split("(")[0] for o in named}
    if len(kinds) != 1 or len(named) < 2:
        return False
    name = next(iter(kinds))
    if any("일" in text[o.start:o.end] for o in named) and interval != "1d":
        # "20일선" counts days; on other candles its period in bars is not what was written
        return False
    mine = _lines(strategy, name)
    pairs: list[tuple[str, str]]
    if len(named) == 2 and _FIRST_REPLACED.match(text[named[0].end:named[1].start]):
        pairs = [(named[0].expr, named[1].expr)]
    elif len(named) == 2 and _SECOND_REPLACED.match(text[named[0].end:named[1].start]):
        pairs = [(named[1].expr, named[0].expr)]
    elif len(named) == len(mine):
        pairs = list(zip(mine, [o.expr for o in named], strict=True))  # "use EMA 9 and EMA 26 instead"
    else:
        big = name.upper()
        raise CompileProblem(f"it names {len(named)} {big} lines and the strategy has {len(mine)}; say which "
                             f"one becomes which (e.g. '{big}(20) to {big}(50)')",
                             f"{big} {len(named)}개를 말했는데 전략에는 {len(mine)}개가 있습니다. "
                             f"어느 것을 무엇으로 바꿀지 말해 주세요 (예: '{big}(20)을 {big}(50)으로')")
    for old, _ in pairs:
        if old not in mine:
            raise CompileProblem(f"the strategy has no {old.upper()}", f"전략에 {old.upper()}이(가) 없습니다")
    mapping = dict(pairs)
    for node in _nodes(strategy, "condition"):
        for side in ("left", "right"):
            value = node["config"].get(side)
            new = _rewrite(value, mapping)
            if new != value:
                node["config"][side] = new
                changes.append((f"{node['id']}: {side} {value} → {new}", f"{node['id']}: {side} {value} → {new}"))
    return True


def _rewrite(value: Any, mapping: dict[str, str]) -> Any:
    """``value`` with each mapped line replaced at once (so "ema(8)→ema(9), ema(9)→ema(26)" never chains)."""
    if not isinstance(value, str):
        return value
    try:
        parse_operand(value)
    except OperandError:
        return value
    pattern = re.compile("|".join(rf"(?<![a-z_]){re.escape(old)}" for old in mapping))
    return pattern.sub(lambda m: mapping[m.group(0)], value)


def same_both_sides(strategy: dict[str, Any]) -> str | None:
    """The id of a condition that compares a line with itself (never what a trader means), else None."""
    for node in _nodes(strategy, "condition"):
        left, right = node["config"].get("left"), node["config"].get("right")
        if isinstance(left, str) and left == right:
            return str(node["id"])
    return None

