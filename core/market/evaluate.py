"""Vectorised evaluation of operand ASTs (core/strategy/operands.py) over a whole OHLCV frame.

``Evaluator(df).series(expr)`` returns one float64 value per bar. Indicator series are cached per
(name, args) for the evaluator's life (one backtest). Position terms are not a property of the
data: callers pass them in as an array (``position``) for the bars being evaluated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.market.indicators import IndicatorCache, columns_of
from core.strategy.operands import BinOp, Column, Expr, Indicator, Neg, Number, PositionTerm, parse_operand

COMPARATORS = ("<", ">", "<=", ">=", "==", "!=", "crosses_above", "crosses_below")


class Evaluator:
    def __init__(self, df: pd.DataFrame) -> None:
        self.columns = columns_of(df)
        self.n = len(df)
        self.indicators = IndicatorCache(self.columns)

    def series(
        self, expr: Expr | str | float, *, position: np.ndarray | None = None, window: slice | None = None
    ) -> np.ndarray:
        """Values of ``expr`` per bar (or for ``window`` of bars); ``position`` covers the same bars."""
        if not isinstance(expr, Number | Column | Indicator | PositionTerm | BinOp | Neg):
            expr = parse_operand(expr)
        sl = window or slice(0, self.n)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = self._eval(expr, sl, position)
        if np.ndim(out) == 0:
            length = len(range(*sl.indices(self.n)))
            return np.full(length, float(out))
        return out

    def _eval(self, expr: Expr, sl: slice, position: np.ndarray | None) -> np.ndarray | float:
        if isinstance(expr, Number):
            return expr.value
        if isinstance(expr, Column):
            return self.columns[expr.name][sl]
        if isinstance(expr, Indicator):
            return self.indicators.get(expr.name, expr.args)[sl]
        if isinstance(expr, PositionTerm):
            if position is None:
                length = len(range(*sl.indices(self.n)))
                return np.full(length, np.nan)  # no position: the term is undefined, comparisons are false
            return position
        if isinstance(expr, Neg):
            return -self._eval(expr.operand, sl, position)
        left = self._eval(expr.left, sl, position)
        right = self._eval(expr.right, sl, position)
        if expr.op == "+":
            return left + right
        if expr.op == "-":
            return left - right
        if expr.op == "*":
            return left * right
        result = np.divide(left, right)
        # x/0 is undefined, not infinite: no condition should fire on it.
        return (
            np.where(np.isfinite(result), result, np.nan)
            if np.ndim(result)
            else (result if np.isfinite(result) else np.nan)
        )


def compare(
    op: str, left: np.ndarray, right: np.ndarray, prev_left: float = np.nan, prev_right: float = np.nan
) -> np.ndarray:
    """Boolean per bar; NaN on either side is False for every operator (including !=).

    ``crosses_above``: left > right on this bar and left <= right on the previous bar. The first
    bar's previous values come from ``prev_left``/``prev_right`` (NaN: no cross possible).
    """
    valid = ~(np.isnan(left) | np.isnan(right))
    with np.errstate(invalid="ignore"):
        if op == "<":
            out = left < right
        elif op == ">":
            out = left > right
        elif op == "<=":
            out = left <= right
        elif op == ">=":
            out = left >= right
        elif op == "==":
            out = np.isclose(left, right, rtol=1e-12, atol=1e-12)
        elif op == "!=":
            out = ~np.isclose(left, right, rtol=1e-12, atol=1e-12)
        elif op in ("crosses_above", "crosses_below"):
            pl = np.concatenate(([prev_left], left[:-1]))
            pr = np.concatenate(([prev_right], right[:-1]))
            pvalid = ~(np.isnan(pl) | np.isnan(pr))
            out = (left > right) & (pl <= pr) if op == "crosses_above" else (left < right) & (pl >= pr)
            out = out & pvalid
        else:
            raise ValueError(f"unknown comparison operator {op!r}")
    return out & valid
