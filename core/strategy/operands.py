"""The operand grammar of condition nodes: a real parser (lark, LALR), never ``eval``.

An operand is a number or an arithmetic expression over price columns, indicator calls and
position terms, optionally prefixed by a data-source id: ``data_1.rsi(14)``, ``2 * volume_sma(20)``.
The backtester and the validator share this one parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lark import Lark, Token, Transformer, UnexpectedInput, v_args

MAX_OPERAND_LENGTH = 300
MAX_NESTING = 24

COLUMNS = ("open", "high", "low", "close", "volume")
POSITION_TERMS = ("position_pnl_pct",)

# name -> (parameter names, defaults, integer-only flags)
INDICATORS: dict[str, tuple[tuple[str, ...], tuple[float, ...], tuple[bool, ...]]] = {
    "rsi": (("period",), (14,), (True,)),
    "sma": (("period",), (20,), (True,)),
    "ema": (("period",), (20,), (True,)),
    "macd": (("fast", "slow", "signal"), (12, 26, 9), (True, True, True)),
    "macd_signal": (("fast", "slow", "signal"), (12, 26, 9), (True, True, True)),
    "macd_hist": (("fast", "slow", "signal"), (12, 26, 9), (True, True, True)),
    "bb_upper": (("period", "k"), (20, 2.0), (True, False)),
    "bb_middle": (("period", "k"), (20, 2.0), (True, False)),
    "bb_lower": (("period", "k"), (20, 2.0), (True, False)),
    "atr": (("period",), (14,), (True,)),
    "change_pct": (("period",), (1,), (True,)),
    "volume_sma": (("period",), (20,), (True,)),
}
MAX_PERIOD = 10_000

_GRAMMAR = r"""
?start: sum
?sum: product
    | sum "+" product   -> add
    | sum "-" product   -> sub
?product: unary
    | product "*" unary -> mul
    | product "/" unary -> div
?unary: atom
    | "-" unary         -> neg
    | "+" unary
?atom: NUMBER           -> number
    | call
    | ref
    | "(" sum ")"
call: (SOURCE ".")? NAME "(" [args] ")"
ref: (SOURCE ".")? NAME
args: sarg ("," sarg)*
sarg: SIGNED_NUMBER
SOURCE.2: /[a-z]+_[0-9]+(?=\.)/
NAME: /[a-z_][a-z0-9_]*/
NUMBER: /[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?|\.[0-9]+/
SIGNED_NUMBER: /[+-]?([0-9]+(\.[0-9]+)?|\.[0-9]+)/
%import common.WS
%ignore WS
"""


class OperandError(ValueError):
    """A parse or meaning error with the exact 1-based column and a hint."""

    def __init__(self, message: str, text: str, column: int | None = None, hint: str | None = None) -> None:
        self.text = text
        self.column = column
        self.hint = hint
        where = f" at column {column}" if column else ""
        pointer = ""
        if column:
            pointer = f"\n  {text}\n  {' ' * (column - 1)}^"
        super().__init__(f"{message}{where} in '{text}'.{pointer}")
        self.short = f"{message}{where}"


# --- AST -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class Column:
    name: str
    source: str | None = None


@dataclass(frozen=True)
class Indicator:
    name: str
    args: tuple[float, ...]
    source: str | None = None


@dataclass(frozen=True)
class PositionTerm:
    name: str


@dataclass(frozen=True)
class BinOp:
    op: str  # + - * /
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Neg:
    operand: Expr


Expr = Number | Column | Indicator | PositionTerm | BinOp | Neg


# --- parsing ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(_GRAMMAR, parser="lalr", maybe_placeholders=False)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@v_args(inline=True)
class _ToAst(Transformer):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def number(self, tok: Token) -> Number:
        return Number(float(tok))

    def add(self, a: Expr, b: Expr) -> Expr:
        return BinOp("+", a, b)

    def sub(self, a: Expr, b: Expr) -> Expr:
        return BinOp("-", a, b)

    def mul(self, a: Expr, b: Expr) -> Expr:
        return BinOp("*", a, b)

    def div(self, a: Expr, b: Expr) -> Expr:
        return BinOp("/", a, b)

    def neg(self, a: Expr) -> Expr:
        if isinstance(a, Number):
            return Number(-a.value)
        return Neg(a)

    def sarg(self, tok: Token) -> tuple[float, int]:
        return float(tok), tok.column or 0

    def args(self, *items: tuple[float, int]) -> list[tuple[float, int]]:
        return list(items)

    def _split(self, parts: tuple) -> tuple[str | None, Token, list]:
        source = None
        rest = list(parts)
        if rest and isinstance(rest[0], Token) and rest[0].type == "SOURCE":
            source = str(rest.pop(0))
        name = rest.pop(0)
        args = rest[0] if rest and rest[0] is not None else []
        return source, name, args

    def call(self, *parts: object) -> Expr:
        source, name_tok, args = self._split(parts)
        name = str(name_tok)
        col = name_tok.column
        if name not in INDICATORS:
            raise OperandError(
                f"unknown indicator '{name}'",
                self.text,
                col,
                hint="Use one of: " + ", ".join(f"{n}({','.join(INDICATORS[n][0])})" for n in INDICATORS),
            )
        params, defaults, integer = INDICATORS[name]
        if len(args) > len(params):
            raise OperandError(
                f"{name}() takes at most {len(params)} argument(s) ({', '.join(params)}), got {len(args)}",
                self.text,
                col,
                hint=f"Write e.g. {name}({', '.join(_fmt(d) for d in defaults)}).",
            )
        values: list[float] = []
        for i, default in enumerate(defaults):
            if i < len(args):
                value, acol = args[i]
                if integer[i] and not float(value).is_integer():
                    raise OperandError(
                        f"{name}() {params[i]} must be a whole number, got {_fmt(value)}", self.text, acol
                    )
                if value <= 0 or value > MAX_PERIOD:
                    raise OperandError(
                        f"{name}() {params[i]} must be between 1 and {MAX_PERIOD}, got {_fmt(value)}",
                        self.text,
                        acol,
                    )
                values.append(value)
            else:
                values.append(float(default))
        if name.startswith("macd") and values[0] >= values[1]:
            raise OperandError(
                f"{name}() fast period ({_fmt(values[0])}) must be shorter than slow ({_fmt(values[1])})",
                self.text,
                col,
            )
        return Indicator(name, tuple(values), source)

    def ref(self, *parts: object) -> Expr:
        source, name_tok, _ = self._split(parts)
        name = str(name_tok)
        if name in COLUMNS:
            return Column(name, source)
        if name in POSITION_TERMS:
            if source:
                raise OperandError(f"'{name}' has no data-source prefix", self.text, name_tok.column)
            return PositionTerm(name)
        if name in INDICATORS:
            params = INDICATORS[name][0]
            raise OperandError(
                f"'{name}' needs parentheses",
                self.text,
                name_tok.column,
                hint=f"Write {name}({', '.join(_fmt(d) for d in INDICATORS[name][1])}) ({', '.join(params)}).",
            )
        raise OperandError(
            f"unknown name '{name}'",
            self.text,
            name_tok.column,
            hint="Use open, high, low, close, volume, position_pnl_pct, an indicator call or a number.",
        )


def _check_nesting(text: str) -> None:
    depth = 0
    for i, ch in enumerate(text, start=1):
        if ch == "(":
            depth += 1
            if depth > MAX_NESTING:
                raise OperandError(f"parentheses nested deeper than {MAX_NESTING}", text, i)
        elif ch == ")":
            depth -= 1


def parse_operand(value: str | int | float) -> Expr:
    """Parse an operand; raises OperandError with the column of the first problem."""
    if isinstance(value, bool):
        raise OperandError("a true/false value is not an operand", str(value), None, hint="Use a number.")
    if isinstance(value, int | float):
        return Number(float(value))
    text = str(value)
    if not text.strip():
        raise OperandError("the operand is empty", text, None, hint="Write e.g. rsi(14) or 30.")
    if len(text) > MAX_OPERAND_LENGTH:
        raise OperandError(f"the operand is longer than {MAX_OPERAND_LENGTH} characters", text[:40] + "…")
    _check_nesting(text)
    return _parse_cached(text)


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> Expr:
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        if token is not None and getattr(token, "type", "") == "$END":
            raise OperandError(
                "unexpected end of text", text, len(text) + 1, hint="Check for a missing ')' or operand."
            ) from None
        col = getattr(exc, "column", None)
        col = col if isinstance(col, int) and col > 0 else None
        found = text[col - 1] if col and col <= len(text) else "end of text"
        raise OperandError(
            f"unexpected '{found}'",
            text,
            col,
            hint="Operands are numbers, price columns, indicator calls like rsi(14), and + - * / with parentheses.",
        ) from None
    from lark.exceptions import VisitError

    try:
        return _ToAst(text).transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, OperandError):
            raise exc.orig_exc from None
        raise


# --- helpers over the AST --------------------------------------------------------------------


def to_text(expr: Expr) -> str:
    """Canonical text; ``parse_operand(to_text(e)) == e``."""
    if isinstance(expr, Number):
        return _fmt(expr.value)
    if isinstance(expr, Column):
        return f"{expr.source}.{expr.name}" if expr.source else expr.name
    if isinstance(expr, Indicator):
        call = f"{expr.name}({','.join(_fmt(a) for a in expr.args)})"
        return f"{expr.source}.{call}" if expr.source else call
    if isinstance(expr, PositionTerm):
        return expr.name
    if isinstance(expr, Neg):
        return f"-({to_text(expr.operand)})"
    left, right = to_text(expr.left), to_text(expr.right)
    if isinstance(expr.left, BinOp) and _prec(expr.left.op) < _prec(expr.op):
        left = f"({left})"
    if isinstance(expr.right, BinOp) and _prec(expr.right.op) <= _prec(expr.op):
        right = f"({right})"
    return f"{left} {expr.op} {right}"


def _prec(op: str) -> int:
    return 1 if op in "+-" else 2


def walk(expr: Expr):  # type: ignore[no-untyped-def]
    """Yield every node of the expression, depth first."""
    yield expr
    if isinstance(expr, BinOp):
        yield from walk(expr.left)
        yield from walk(expr.right)
    elif isinstance(expr, Neg):
        yield from walk(expr.operand)


def indicators_in(expr: Expr) -> list[Indicator]:
    return [node for node in walk(expr) if isinstance(node, Indicator)]


def sources_in(expr: Expr) -> set[str]:
    return {n.source for n in walk(expr) if isinstance(n, Column | Indicator) and n.source}


def uses_position(expr: Expr) -> bool:
    return any(isinstance(n, PositionTerm) for n in walk(expr))


def lookback(expr: Expr) -> int:
    """Bars of history the expression needs before its first defined value."""
    need = 0
    for ind in indicators_in(expr):
        if ind.name.startswith("macd"):
            need = max(need, int(ind.args[1] + ind.args[2]))
        else:
            need = max(need, int(ind.args[0]) + 1)
    return need
