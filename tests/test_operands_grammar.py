"""The operand grammar: what parses, what it means, and where errors point."""

from __future__ import annotations

import pytest

from core.strategy.operands import (
    BinOp,
    Column,
    Indicator,
    Number,
    OperandError,
    PositionTerm,
    indicators_in,
    lookback,
    parse_operand,
    to_text,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rsi(14)", Indicator("rsi", (14.0,))),
        ("30", Number(30.0)),
        (30, Number(30.0)),
        ("-2.5", Number(-2.5)),
        ("close", Column("close")),
        ("data_2.close", Column("close", "data_2")),
        ("data_1.rsi(14)", Indicator("rsi", (14.0,), "data_1")),
        ("position_pnl_pct", PositionTerm("position_pnl_pct")),
        ("macd_hist()", Indicator("macd_hist", (12.0, 26.0, 9.0))),
        ("bb_lower(20, 2.5)", Indicator("bb_lower", (20.0, 2.5))),
        ("2 * volume_sma(20)", BinOp("*", Number(2.0), Indicator("volume_sma", (20.0,)))),
    ],
)
def test_parses_documented_operands(text: str | int, expected: object) -> None:
    assert parse_operand(text) == expected


def test_precedence_and_parentheses() -> None:
    expr = parse_operand("close - (sma(20) + 3) / 2")
    assert isinstance(expr, BinOp) and expr.op == "-"
    assert isinstance(expr.right, BinOp) and expr.right.op == "/"
    assert isinstance(expr.right.left, BinOp) and expr.right.left.op == "+"


@pytest.mark.parametrize(
    "text", ["rsi(14)", "2 * volume_sma(20)", "close - (sma(20) + 3) / 2", "(close - open) / open * 100"]
)
def test_canonical_text_round_trips(text: str) -> None:
    expr = parse_operand(text)
    assert parse_operand(to_text(expr)) == expr


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("rsi(14", 7, "end of text"),
        ("foo(3)", 1, "unknown indicator 'foo'"),
        ("rsi", 1, "needs parentheses"),
        ("rsi(2.5)", 5, "whole number"),
        ("close +* 3", 8, "unexpected '*'"),
        ("rsi(14) ; x", 9, "unexpected ';'"),
        ('__import__("os")', 12, "unexpected"),
        ("sma(0)", 5, "between 1 and"),
        ("rsi(1, 2)", 1, "at most 1 argument"),
        ("macd(26,12,9)", 1, "shorter than slow"),
        ("pricee", 1, "unknown name 'pricee'"),
    ],
)
def test_errors_point_at_the_exact_column(text: str, column: int, fragment: str) -> None:
    with pytest.raises(OperandError) as info:
        parse_operand(text)
    assert info.value.column == column
    assert fragment in str(info.value)


def test_hostile_inputs_are_refused_before_parsing() -> None:
    with pytest.raises(OperandError, match="longer than"):
        parse_operand("1+" * 400 + "1")
    with pytest.raises(OperandError, match="nested deeper"):
        parse_operand("(" * 50 + "1" + ")" * 50)
    with pytest.raises(OperandError, match="true/false"):
        parse_operand(True)  # type: ignore[arg-type]


def test_lookback_covers_the_slowest_indicator() -> None:
    expr = parse_operand("rsi(14) + macd(12, 26, 9) - sma(50)")
    assert [i.name for i in indicators_in(expr)] == ["rsi", "macd", "sma"]
    assert lookback(expr) == 51
