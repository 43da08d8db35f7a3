"""Rules that cannot mean what they say: conditions that can never hold together, and a buy and a
sell fired by the same conditions. Either is declined with the conditions named."""

from __future__ import annotations

from core.strategy.compiler.builder import Rule, condition_text
from core.strategy.compiler.conditions import Condition


def impossible(chain: list[Condition]) -> tuple[Condition, Condition] | None:
    """Two conditions of one AND-chain on the same operand that no value satisfies together."""
    crosses = [c for c in chain if c.operator in ("crosses_above", "crosses_below")]
    for i, a in enumerate(crosses):
        # one line cannot cross another upwards and downwards on the same candle
        if any(b.left == a.left and b.right == a.right and b.operator != a.operator for b in crosses[i + 1:]):
            return a, next(b for b in crosses[i + 1:] if b.left == a.left and b.right == a.right)
    opposite = _opposite_crosses(chain)
    if opposite:
        return opposite
    sides = _sides_apart(chain)
    if sides:
        return sides
    numeric = [c for c in chain if isinstance(c.right, int | float) and not isinstance(c.right, bool)]
    for i, a in enumerate(numeric):
        for b in numeric[i + 1:]:
            if a.left != b.left:
                continue
            if not _overlap(a, b):
                return a, b
    return None


_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}
# Orders between the same two lines that no candle satisfies together: "x > y" with "x < y" or "x <= y".
_APART = {frozenset({">", "<"}), frozenset({">", "<="}), frozenset({">=", "<"})}


def _opposite_crosses(chain: list[Condition]) -> tuple[Condition, Condition] | None:
    """A value crossing one level upwards and another downwards on the same candle: "drops below 30 and
    then rises above 40" read as one AND. Up through a means the last value was at most a, down
    through b that it was at least b, and now it is above a and below b: no candle does both."""
    ups = [c for c in chain if c.operator == "crosses_above" and isinstance(c.right, int | float)]
    downs = [c for c in chain if c.operator == "crosses_below" and isinstance(c.right, int | float)]
    return next(((a, b) for a in ups for b in downs if a.left == b.left), None)


def _sides_apart(chain: list[Condition]) -> tuple[Condition, Condition] | None:
    """Two levels between the same two lines on opposite sides: "EMA20 above EMA50 and EMA20 below EMA50"."""
    seen: list[tuple[str, str, str, Condition]] = []
    for c in chain:
        if isinstance(c.right, int | float) or c.operator not in _FLIP:
            continue
        left, right, op = str(c.left), str(c.right), c.operator
        if right < left:  # one spelling per pair of lines: "y < x" is "x > y"
            left, right, op = right, left, _FLIP[op]
        for other_left, other_right, other_op, other in seen:
            if (other_left, other_right) == (left, right) and frozenset({op, other_op}) in _APART:
                return other, c
        seen.append((left, right, op, c))
    return None


def _bounds(c: Condition) -> tuple[float, bool, float, bool] | None:
    """(low, low inclusive, high, high inclusive) of the values a level condition allows."""
    v = float(c.right)  # type: ignore[arg-type]
    inf = float("inf")
    return {
        "<": (-inf, False, v, False), "<=": (-inf, False, v, True), ">": (v, False, inf, False),
        ">=": (v, True, inf, False), "==": (v, True, v, True),
        # after the candle that crosses, the value is on the far side of the level
        "crosses_above": (v, False, inf, False), "crosses_below": (-inf, False, v, False),
    }.get(c.operator)


def _overlap(a: Condition, b: Condition) -> bool:
    ba, bb = _bounds(a), _bounds(b)
    if ba is None or bb is None:
        return True
    lo, lo_in = max((ba[0], ba[1]), (bb[0], bb[1]), key=lambda x: (x[0], not x[1]))
    hi, hi_in = min((ba[2], ba[3]), (bb[2], bb[3]), key=lambda x: (x[0], x[1]))
    return lo < hi or (lo == hi and lo_in and hi_in)


def contradiction(rules: list[Rule]) -> tuple[str, str] | None:
    """(English, Korean) reason when the rules contradict themselves, else None."""
    for rule in rules:
        for chain in rule.chains:
            pair = impossible(chain)
            if pair:
                a, b = condition_text(pair[0]), condition_text(pair[1])
                return (f"'{a}' and '{b}' can never both be true",
                        f"'{a}'와(과) '{b}'는 동시에 참일 수 없습니다")
    by_conditions: dict[frozenset[tuple[str, ...]], set[str]] = {}
    for rule in rules:
        key = frozenset(tuple(c.key() for c in chain) for chain in rule.chains)
        kinds = by_conditions.setdefault(key, set())
        kinds.update(a.kind for a in rule.actions)
        if {"buy", "sell"} <= kinds:
            cond = " / ".join(" & ".join(condition_text(c) for c in chain) for chain in rule.chains)
            return (f"a buy and a sell fire on the same condition ({cond})",
                    f"같은 조건({cond})에 매수와 매도가 함께 걸려 있습니다")
    return _overlapping_sides(rules)


def _single_level(rule: Rule) -> Condition | None:
    if len(rule.chains) == 1 and len(rule.chains[0]) == 1:
        cond = rule.chains[0][0]
        if isinstance(cond.right, int | float) and cond.operator in ("<", "<=", ">", ">="):
            return cond
    return None


def _overlapping_sides(rules: list[Rule]) -> tuple[str, str] | None:
    """A buy on "RSI < 30" and a sell on "RSI < 35" (or "<= 30"): on every candle with RSI under 30
    both fire, so the strategy buys and sells at once."""
    buys = [c for r in rules if (c := _single_level(r)) and any(a.kind == "buy" for a in r.actions)]
    sells = [c for r in rules if (c := _single_level(r)) and any(a.kind == "sell" for a in r.actions)]
    return overlapping_sides(buys, sells)


def overlapping_sides(buys: list[Condition], sells: list[Condition]) -> tuple[str, str] | None:
    """(English, Korean) reason when a buy level and a sell level on the same value hold together."""
    for b in buys:
        for s in sells:
            if isinstance(b.right, int | float) and isinstance(s.right, int | float) and b.left == s.left \
                    and b.operator in _FLIP and s.operator in _FLIP and _overlap(b, s):
                bt, st = condition_text(b), condition_text(s)
                return (f"the buy ({bt}) and the sell ({st}) both hold on the same candles",
                        f"매수({bt})와 매도({st}) 조건이 같은 봉에서 함께 참이 됩니다")
    return None
