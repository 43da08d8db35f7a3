"""Which way a refinement says its number moves, checked against the edit it made.

"금액 300 USDT로 올려줘", "raise the amount to 300", "tighten the stop to 2%", "손절 3%로 줄여줘" name
the new value and a direction; the value decides the edit, and a direction that the edit contradicts
("금액 50으로 올려줘" under a 100 buy, "widen the stop to 2%" under a 4% stop) means one of the two
is not what the trader meant, so the refinement is declined. Sizes are compared as written: a stop
of 4% tightened to 2% gets smaller, whatever sign the condition stores.
"""

from __future__ import annotations

import re
from typing import Any

from core.strategy.compiler import actions as act
from core.strategy.compiler.refine_actions import scale_said

# English verbs of size and of distance; Korean stems of the same, never the motion verbs
# ("내려가면", "올라가면" are a price moving, which the condition rules read).
_UP = re.compile(
    r"\b(?:raise[sd]?|raising|increase[sd]?|increasing|bump(?:s|ed|ing)?|boost(?:s|ed|ing)?|higher"
    r"|widen(?:s|ed|ing)?|wider|loosen(?:s|ed|ing)?|looser|enlarge|push(?:es|ed)?(?=.*\bout\b))\b"
    r"|올려|올리(?=[자고기는며세])|늘려|늘리|높여|높이(?=[자고기세])|키워|키우|넓혀|넓히|넓게|여유\s*있게|느슨|루즈하게|크게",
    re.ASCII)
_DOWN = re.compile(
    r"\b(?:lower(?:s|ed|ing)?|decrease[sd]?|decreasing|reduce[sd]?|reducing|cut(?:s|ting)?|trim(?:s|med|ming)?"
    r"|tighten(?:s|ed|ing)?|tighter|shrink(?:s|ing)?|smaller|pull(?:s|ed)?(?=.*\bin\b))\b"
    r"|\bdrop\b(?=[^,;.]*\bto\s+-?\d)"  # "drop the RSI threshold to 25"
    r"|내려(?![가오와갔간갈감])|줄여|줄이|낮춰|낮추|좁혀|좁히|좁게|타이트|빡빡하게|작게",
    re.ASCII)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# "cut my losses at 3%" names a stop loss, not a smaller value
_NOT_A_DIRECTION = re.compile(r"\bcut\s+(?:my\s+|the\s+)?loss(?:es)?\b"
                              r"|\b(?:higher|lower|smaller|wider|tighter|looser)\s+than\b", re.ASCII)


def said(text: str) -> tuple[str, str] | None:
    """("up" | "down", the word) for the direction the instruction says, None when it says none."""
    text = _NOT_A_DIRECTION.sub(lambda m: " " * len(m.group(0)), text)
    up, down = _UP.search(text), _DOWN.search(text)
    if up and down:
        return None if up.group(0) == down.group(0) else ("both", f"{up.group(0)}', '{down.group(0)}")
    hit = up or down
    return (("up" if up else "down"), hit.group(0)) if hit else None


# Clauses of an instruction: a direction belongs to the value said in its own clause
_CLAUSE = re.compile(r"\s*(?:(?<!\d),|,(?!\d)|;|\band\b|\bthen\b|그리고|하고(?=\s)|(?<=[가-힣])고(?=\s))\s*", re.ASCII)
# Where a direction can move a value: amounts, thresholds, exit percents, periods inside an operand
_VALUE_KEYS = ("amount", "left", "right")


def _moves(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, float, float]]:
    """(node id, old size, new size) of every value the edit changed in a node both strategies hold."""
    old = {n.get("id"): n.get("config") or {} for n in before.get("nodes", [])}
    found = []
    for node in after.get("nodes", []):
        was = old.get(node.get("id"))
        if was is None:
            continue
        for key in _VALUE_KEYS:
            value, prior = (node.get("config") or {}).get(key), was.get(key)
            if value == prior:
                continue
            pairs: list[tuple[Any, Any]] = [(prior, value)]
            if isinstance(value, str) and isinstance(prior, str):
                new_numbers, old_numbers = _NUMBER.findall(value), _NUMBER.findall(prior)
                pairs = list(zip(old_numbers, new_numbers, strict=False)) if len(new_numbers) == len(
                    old_numbers) else []
            for a, b in pairs:
                try:
                    x, y = abs(float(a)), abs(float(b))
                except (TypeError, ValueError):
                    continue
                if x != y:
                    found.append((str(node.get("id")), x, y))
    return found


def _values(clause: str) -> set[float]:
    """The numbers a clause says, money in its written scale ("50만원" is 500000)."""
    values = {abs(float(x)) for x in _NUMBER.findall(clause)}
    values |= {abs(float(a.value)) for a in act.find_amounts(clause, []) if isinstance(a.value, int | float)}
    return values


def contradiction(before: dict[str, Any], after: dict[str, Any], text: str) -> tuple[str, str] | None:
    """(English, Korean) reason when a direction the instruction says is not the way the value of its
    clause moved, or when its clause names no new value that the edit set."""
    moves = _moves(before, after)
    for clause in _CLAUSE.split(text):
        direction = said(clause)
        if direction is None:
            continue
        way, word = direction
        if way == "both":
            return (f"'{word}' say both up and down; say the one new value",
                    f"'{word}'이(가) 올리는 말과 내리는 말을 함께 합니다. 새 값 하나만 말해 주세요")
        if scale_said(clause) is not None:
            continue  # "금액 두 배로 늘려줘": the scale is the new value, checked where it is applied
        values = _values(clause)
        mine = [m for m in moves if m[2] in values]
        if not mine:
            return (f"'{word}' says which way to move a value, but no value it names was changed; say the new "
                    "value with it (e.g. 'tighten the stop loss to 2%')",
                    f"'{word}'라고 했지만 그 값이 바뀌지 않았습니다. 새 값을 함께 말해 주세요 (예: '손절 3%로 줄여줘')")
        for node_id, old, new in mine:
            if (new > old) != (way == "up"):
                return (f"'{word}' says {way}, but {node_id} would go from {_fmt(old)} to {_fmt(new)}; say the new "
                        "value only, or the direction that matches it",
                        f"'{word}'라고 했지만 {node_id}은(는) {_fmt(old)}에서 {_fmt(new)}(으)로 바뀝니다. "
                        "방향과 맞는 새 값을 말해 주세요")
    return None


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
