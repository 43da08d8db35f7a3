"""Strategy use cases for pages and the CLI: validate, render, and the saved library.

Pages and the CLI call only these functions; they never reach into core.strategy internals.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from core.accounts.principal import Principal, owner_id
from core.errors import StudioError
from core.strategy.issues import Issue, ValidationReport
from core.strategy.render import render_html
from core.strategy.schema import Strategy
from core.strategy.valid import ValidStrategy
from core.strategy.validation import validate

if TYPE_CHECKING:
    # The store pulls in sqlite-utils (slow to import); validate/render in the CLI never need it.
    import sqlite_utils

    from core.strategy.store import StoredStrategy, StrategyNotFound, StrategySummary, VersionInfo


def __getattr__(name: str) -> Any:
    if name in ("StoredStrategy", "StrategyNotFound", "StrategySummary", "VersionInfo"):
        from core.strategy import store

        return getattr(store, name)
    raise AttributeError(name)

__all__ = [
    "Issue",
    "StoredStrategy",
    "StrategyInput",
    "StrategyInvalid",
    "StrategyNotFound",
    "StrategySummary",
    "ValidStrategy",
    "ValidationReport",
    "VersionInfo",
    "canvas_data",
    "delete_strategy",
    "diff_versions",
    "example_prompts",
    "explain_strategy",
    "export_strategy_json",
    "get_strategy",
    "import_strategy_json",
    "list_strategies",
    "list_versions",
    "node_label",
    "render_strategy_html",
    "save_strategy",
    "validate_strategy",
]


# What a service accepts as "a strategy". The typed forms carry their own verdict and are never
# checked again; the raw forms (a dict, JSON text) are validated once, where they come in.
StrategyInput = ValidStrategy | ValidationReport | Strategy | Mapping[str, Any] | str | bytes


def validate_strategy(strategy: StrategyInput) -> ValidationReport:
    """Check every rule; never raises for bad input (unreadable JSON is a BAD_JSON issue).

    A ``ValidStrategy`` or a ``ValidationReport`` already holds its verdict, which is returned as is.
    """
    if isinstance(strategy, ValidStrategy):
        return strategy.report
    if isinstance(strategy, ValidationReport):
        return strategy
    if isinstance(strategy, Strategy):
        return validate(strategy.to_dict())
    if isinstance(strategy, Mapping) and not isinstance(strategy, dict):
        return validate(dict(strategy))
    return validate(strategy)


def render_strategy_html(
    strategy: StrategyInput,
    issues: list[Issue] | None = None,
    highlight: str | None = None,
    legend: dict[str, str] | None = None,
) -> str:
    """A self-contained interactive page of the graph; invalid parts highlighted.

    ``issues`` defaults to this strategy's own validation; ``highlight`` is a node id to select.
    """
    report = validate_strategy(strategy)
    data = report.strategy
    if data is None:  # unreadable or over a size cap: draw nothing, the issues say why
        data = {"name": "Unreadable strategy", "nodes": [], "edges": []}
    return render_html(data, report.issues if issues is None else issues, highlight, legend=legend)


# --- the saved library -----------------------------------------------------------------------


class StrategyInvalid(StudioError):
    """Raised when saving or importing a strategy that breaks a rule; ``report`` has the issues."""

    kind = "strategy_invalid"
    exit_code = 1

    def __init__(self, message: str, *, report: ValidationReport, **kw: Any) -> None:
        self.report = report
        super().__init__(message, **kw)


def _db(db: sqlite_utils.Database | None) -> Any:
    """The given database, else PostgreSQL when STUDIO_DATABASE_URL is set, else the SQLite file."""
    if db is not None:
        return db
    from core.backends import postgres_database

    pg = postgres_database()
    if pg is not None:
        return pg
    from core.storage import get_db

    return get_db()


def _store() -> Any:
    """The store module matching ``_db`` (same functions on either backend)."""
    from core.backends import database_url

    if database_url() is not None:
        from core.backends.postgres import strategies

        return strategies
    from core.strategy import store

    return store


def _checked(strategy: StrategyInput) -> ValidStrategy:
    report = validate_strategy(strategy)
    valid = report.valid_strategy
    if valid is None:
        first = report.errors[0]
        more = f" (and {len(report.errors) - 1} more)" if len(report.errors) > 1 else ""
        raise StrategyInvalid(f"The strategy is not valid: {first.code}: {first.message}{more}",
                              hint=first.hint, report=report)
    return valid


def save_strategy(
    strategy: StrategyInput,
    *,
    user: Principal | str,
    note: str = "",
    source: str = "edited",
    model: str | None = None,
    strategy_id: str | None = None,
    db: sqlite_utils.Database | None = None,
) -> tuple[str, int]:
    """Save a valid strategy (normalised) as a new strategy or the next version of one of ``user``'s
    strategies (another user's id is not found); returns (id, version)."""
    return _store().save(_db(db), _checked(strategy).to_dict(), user=owner_id(user), note=note, source=source,
                         model=model, strategy_id=strategy_id)


# Every read and write below is scoped to ``user``: another user's strategy answers "not found".


def list_strategies(user: Principal | str, search: str = "", *,
                    db: sqlite_utils.Database | None = None) -> list[StrategySummary]:
    return _store().list_for_user(_db(db), owner_id(user), search)


def get_strategy(strategy_id: str, version: int | None = None, *, user: Principal | str,
                 db: sqlite_utils.Database | None = None) -> StoredStrategy:
    return _store().get(_db(db), strategy_id, version, user=owner_id(user))


def list_versions(strategy_id: str, *, user: Principal | str,
                  db: sqlite_utils.Database | None = None) -> list[VersionInfo]:
    return _store().versions(_db(db), strategy_id, user=owner_id(user))


def diff_versions(strategy_id: str, a: int, b: int, *, user: Principal | str,
                  db: sqlite_utils.Database | None = None) -> str:
    return _store().diff(_db(db), strategy_id, a, b, user=owner_id(user))


def delete_strategy(strategy_id: str, *, user: Principal | str, db: sqlite_utils.Database | None = None) -> None:
    _store().soft_delete(_db(db), strategy_id, user=owner_id(user))


def export_strategy_json(strategy_id: str, version: int | None = None, *, user: Principal | str,
                         db: sqlite_utils.Database | None = None) -> str:
    """The strategy JSON (contract shape) of a saved version, ready to download."""
    stored = _store().get(_db(db), strategy_id, version, user=owner_id(user))
    return json.dumps(stored.strategy, ensure_ascii=False, indent=2) + "\n"


def import_strategy_json(
    text: str | bytes,
    *,
    user: Principal | str,
    note: str = "",
    strategy_id: str | None = None,
    db: sqlite_utils.Database | None = None,
) -> tuple[str, int]:
    """Import strategy JSON text; it must be valid. Returns (id, version)."""
    report = validate(text)
    if report.strategy is None or not report.valid:
        first = report.errors[0]
        raise StrategyInvalid(f"The file is not a valid strategy: {first.code}: {first.message}",
                              hint=first.hint, report=report)
    return _store().save(_db(db), report.strategy, user=owner_id(user), note=note or "imported", source="imported",
                      strategy_id=strategy_id)


def example_prompts() -> dict[str, list[str]]:
    """Sentences the offline compiler understands, per language (shown as examples on Generate)."""
    from core.strategy.compiler.lexicon import EXAMPLES

    return {lang: list(items) for lang, items in EXAMPLES.items()}


def node_label(node: dict[str, Any]) -> str:
    """The one-line summary of a node used in the graph ("RSI(14) < 30")."""
    from core.strategy.labels import node_label as label

    return label(node)


def canvas_data(
    strategy: dict[str, Any],
    issues: list[Issue],
    highlight: str | None = None,
    lang: str = "en",
    describe: Any = None,
) -> dict[str, Any]:
    """What the interactive canvas draws: vis-network nodes/edges with labels and tooltips in
    ``lang``, and the layout options (plain data, JSON-serialisable)."""
    from core.strategy.render import OPTIONS, graph_data

    data = graph_data(strategy, issues, highlight, lang=lang, describe=describe)
    data["options"] = OPTIONS
    return data


def check_operand(text: str) -> tuple[bool, int | None, str]:
    """Whether an operand parses: (ok, 1-based column of the first problem, short English reason)."""
    from core.strategy.operands import OperandError, parse_operand

    try:
        parse_operand(text)
    except OperandError as exc:
        return False, exc.column, exc.short
    return True, None, ""


def explain_strategy(strategy: dict[str, Any], lang: str = "ko") -> list[str]:
    """The strategy read back in plain sentences (one per rule), in ``lang``."""
    from core.strategy.explain import explain

    return explain(strategy, lang)
