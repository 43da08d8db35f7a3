"""The saved library: versioned atomic saves, search, diff, soft delete, import/export.

A contract suite: every test runs on SQLite and on PostgreSQL (the ``backend`` fixture).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator

import pytest

from core.config import reset_settings_cache
from core.errors import StudioError
from core.services import strategy_library as lib
from tests.fixtures.backends import Backend
from tests.test_strategy_validation import EXAMPLE, cfg


@pytest.fixture(autouse=True)
def studio_db(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> Iterator[Backend]:
    backend.env(monkeypatch)
    yield backend
    reset_settings_cache()


def test_save_new_then_versions_and_get(studio_db: Backend) -> None:
    sid, version = lib.save_strategy(EXAMPLE, user="alice", note="first", source="generated", model="offline")
    assert version == 1 and studio_db.scalar("SELECT count(*) FROM strategy_versions") == 1
    changed = copy.deepcopy(EXAMPLE)
    cfg(changed, "condition_1")["right"] = 25
    assert lib.save_strategy(changed, user="alice", source="edited", strategy_id=sid) == (sid, 2)
    assert lib.get_strategy(sid, user="alice").strategy == changed
    assert lib.get_strategy(sid, 1, user="alice").strategy == EXAMPLE
    versions = lib.list_versions(sid, user="alice")
    assert [(v.version, v.source, v.note, v.model) for v in versions] == [
        (2, "edited", None, None), (1, "generated", "first", "offline")]


def test_diff_between_any_two_versions() -> None:
    sid, _ = lib.save_strategy(EXAMPLE, user="u")
    changed = copy.deepcopy(EXAMPLE)
    cfg(changed, "action_1")["amount"] = 250
    lib.save_strategy(changed, user="u", strategy_id=sid)
    diff = lib.diff_versions(sid, 1, 2, user="u")
    assert '-        "amount": 100,' in diff and '+        "amount": 250,' in diff
    assert diff.startswith(f"--- {sid} v1")
    assert lib.diff_versions(sid, 2, 2, user="u") == ""


def test_list_is_per_user_newest_first_and_searchable() -> None:
    a, _ = lib.save_strategy(EXAMPLE, user="alice")
    other = copy.deepcopy(EXAMPLE)
    other["name"] = "ETH 100% trend"
    b, _ = lib.save_strategy(other, user="alice")
    lib.save_strategy(EXAMPLE, user="bob")
    assert [s.id for s in lib.list_strategies("alice")] == [b, a]
    assert [s.id for s in lib.list_strategies("alice", "trend")] == [b]
    assert [s.id for s in lib.list_strategies("alice", "rsi(14)")] == [b, a]  # searches the body too
    assert [s.id for s in lib.list_strategies("alice", "100%")] == [b]  # % is literal, not a wildcard
    assert lib.list_strategies("alice", "nothing like this") == []


def test_soft_delete_hides_but_keeps_rows(studio_db: Backend) -> None:
    sid, _ = lib.save_strategy(EXAMPLE, user="u")
    lib.delete_strategy(sid, user="u")
    assert lib.list_strategies("u") == []
    with pytest.raises(lib.StrategyNotFound):
        lib.get_strategy(sid, user="u")
    with pytest.raises(lib.StrategyNotFound):
        lib.delete_strategy(sid, user="u")
    assert studio_db.scalar("SELECT deleted_at FROM strategies WHERE id = ?", [sid]) is not None


def test_invalid_strategy_is_not_saved() -> None:
    broken = copy.deepcopy(EXAMPLE)
    cfg(broken, "action_1")["amount"] = -5
    with pytest.raises(lib.StrategyInvalid) as err:
        lib.save_strategy(broken, user="u")
    assert "BAD_AMOUNT" in str(err.value) and err.value.exit_code == 1
    assert lib.list_strategies("u") == []


def test_a_failed_save_writes_nothing(studio_db: Backend) -> None:
    sid, _ = lib.save_strategy(EXAMPLE, user="u")
    # Another writer already took version 2: the strategies row must not move to 2 on its own.
    studio_db.run("INSERT INTO strategy_versions (strategy_id, version, body, created_at) "
                  "VALUES (?, 2, '{}', '2026-01-01T00:00:00+00:00')", [sid])
    with pytest.raises(StudioError, match="nothing was written"):
        lib.save_strategy(EXAMPLE, user="u", strategy_id=sid)
    assert lib.get_strategy(sid, user="u").latest_version == 1
    with pytest.raises(lib.StrategyNotFound):
        lib.save_strategy(EXAMPLE, user="u", strategy_id="s-missing")
    assert len(lib.list_strategies("u")) == 1


def test_export_then_import_round_trip() -> None:
    sid, _ = lib.save_strategy(EXAMPLE, user="u")
    text = lib.export_strategy_json(sid, user="u")
    assert json.loads(text) == EXAMPLE
    new_id, version = lib.import_strategy_json(text.encode("utf-8"), user="u")
    assert new_id != sid and version == 1
    assert lib.list_versions(new_id, user="u")[0].source == "imported"
    with pytest.raises(lib.StrategyInvalid) as err:
        lib.import_strategy_json("{not json", user="u")
    assert "BAD_JSON" in str(err.value)
