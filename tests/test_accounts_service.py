"""Accounts at the service layer: keys shown once and stored as hashes, who may act on whom,
and per-user isolation of saved strategies. Each isolation case failed on the code before accounts.
A contract suite: every test runs on SQLite and on PostgreSQL (the ``backend`` fixture)."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from core.accounts import Forbidden, KeyInvalid, Principal, RequestRateLimited, principal_for
from core.accounts.errors import KeyNotFound
from core.accounts.ratelimit import RequestRateLimiter
from core.config import reset_settings_cache
from core.errors import StudioError
from core.services import accounts, usage
from core.services import strategy_library as lib
from core.strategy.store import StrategyNotFound
from tests.fixtures.backends import Backend
from tests.test_strategy_validation import EXAMPLE

ALICE = Principal("alice-sub", "user", "Alice", "alice@example.com")
BOB = Principal("bob-sub", "user", "Bob", "bob@example.com")
ADMIN = Principal("root-sub", "admin", "Root", "root@example.com")


@pytest.fixture(autouse=True)
def studio_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: Backend) -> Iterator[Backend]:
    monkeypatch.setenv("STUDIO_SECRETS_FILE", str(tmp_path / "none.toml"))
    backend.env(monkeypatch)
    # The API's request window is per process: start each test (and each backend) with an empty one.
    monkeypatch.setattr(accounts, "_limiter", RequestRateLimiter())
    yield backend
    reset_settings_cache()


def test_a_key_is_shown_once_and_stored_only_as_its_hash(studio_db: Backend) -> None:
    new = accounts.create_api_key(ALICE, "laptop")
    assert new.secret.startswith(new.info.prefix) and len(new.secret) > 50
    rows = studio_db.rows("SELECT * FROM api_keys")
    assert len(rows) == 1
    assert all(new.secret not in str(value) for value in rows[0])
    assert hashlib.sha256(new.secret.encode()).hexdigest() in rows[0]
    listed = accounts.list_api_keys(ALICE)
    assert [(k.prefix, k.name, k.last_used_at) for k in listed] == [(new.info.prefix, "laptop", None)]
    assert not hasattr(listed[0], "secret")


def test_authenticate_returns_the_owner_and_records_last_use() -> None:
    accounts.sign_in(ALICE)
    new = accounts.create_api_key(ALICE, "ci")
    who = accounts.authenticate(new.secret)
    assert (who.user_id, who.display_name, who.email, who.role) == ("alice-sub", "Alice", "alice@example.com", "user")
    assert accounts.list_api_keys(ALICE)[0].last_used_at is not None


@pytest.mark.parametrize("secret", [None, "", "Bearer", "sk-studio-short", "sk-studio-" + "x" * 60, "a" * 5000])
def test_missing_malformed_or_unknown_keys_are_refused(secret: str | None) -> None:
    with pytest.raises(KeyInvalid):
        accounts.authenticate(secret)


def test_a_revoked_key_stops_working() -> None:
    new = accounts.create_api_key(ALICE)
    accounts.revoke_api_key(ALICE, new.info.prefix)
    with pytest.raises(KeyInvalid, match="revoked"):
        accounts.authenticate(new.secret)
    assert not accounts.list_api_keys(ALICE)[0].active


def test_a_user_cannot_list_or_revoke_another_users_keys_but_an_admin_can() -> None:
    new = accounts.create_api_key(ALICE, "mine")
    with pytest.raises(KeyNotFound):
        accounts.revoke_api_key(BOB, new.info.prefix)
    assert accounts.authenticate(new.secret).user_id == ALICE.user_id
    with pytest.raises(Forbidden):
        accounts.list_api_keys(BOB, user=ALICE.user_id)
    with pytest.raises(Forbidden):
        accounts.create_api_key(BOB, user=ALICE.user_id)
    assert [k.prefix for k in accounts.list_api_keys(ADMIN, user=ALICE.user_id)] == [new.info.prefix]
    accounts.revoke_api_key(ADMIN, new.info.prefix)
    with pytest.raises(KeyInvalid):
        accounts.authenticate(new.secret)


def test_nobody_but_an_admin_sets_a_quota_not_even_their_own() -> None:
    with pytest.raises(Forbidden):
        accounts.set_quota(ALICE, ALICE.user_id, "1000")
    assert usage.quota_status(ALICE.user_id).quota_usd == Decimal("10.0")
    accounts.set_quota(ADMIN, ALICE.user_id, "2.50")
    assert usage.quota_status(ALICE.user_id).quota_usd == Decimal("2.50")


def test_only_an_admin_sees_another_users_or_everyones_usage() -> None:
    assert accounts.usage_scope(ALICE) == ALICE.user_id
    with pytest.raises(Forbidden):
        accounts.usage_scope(ALICE, BOB.user_id)
    with pytest.raises(Forbidden):
        accounts.usage_scope(ALICE, all_users=True)
    assert accounts.usage_scope(ADMIN, BOB.user_id) == BOB.user_id
    assert accounts.usage_scope(ADMIN, all_users=True) is None


def test_admins_come_from_studio_admins_by_email_or_subject() -> None:
    assert principal_for("x", email="Root@Example.com", admins=["root@example.com"]).is_admin
    assert principal_for("sub-7", admins=["sub-7"]).is_admin
    assert not principal_for("sub-8", email="a@b.c", admins=["sub-7"]).is_admin


@pytest.mark.parametrize("shared", [False, True], ids=["in-process", "redis"])
def test_request_rate_limit_per_user_with_retry_after(shared: bool, request: pytest.FixtureRequest) -> None:
    now = [0.0]
    if shared:  # STUDIO_REDIS_URL: one window per user across every replica
        from core.backends.redis_limits import RedisRequestRateLimiter, client_for

        limiter: Any = RedisRequestRateLimiter(client_for(request.getfixturevalue("redis_url")), clock=lambda: now[0])
    else:
        limiter = RequestRateLimiter(clock=lambda: now[0])
    assert [limiter.hit("a", 3) for _ in range(3)] == [None, None, None]
    assert limiter.hit("a", 3) == 60
    assert limiter.hit("b", 3) is None  # another user has their own window
    now[0] = 60.5
    assert limiter.hit("a", 3) is None


def test_a_users_own_rate_limit_overrides_the_default() -> None:
    accounts.set_rate_limit(ADMIN, ALICE.user_id, 2)
    accounts.check_request_rate(ALICE)
    accounts.check_request_rate(ALICE)
    with pytest.raises(RequestRateLimited) as err:
        accounts.check_request_rate(ALICE)
    assert err.value.retry_after >= 1
    accounts.check_request_rate(BOB)
    with pytest.raises(Forbidden):
        accounts.set_rate_limit(ALICE, ALICE.user_id, 1000)


# --- saved strategies: another user's object answers "not found" ------------------------------


def test_another_users_strategy_is_not_found_for_reading() -> None:
    sid, _ = lib.save_strategy(EXAMPLE, user=ALICE)
    with pytest.raises(StrategyNotFound):
        lib.get_strategy(sid, user=BOB)
    with pytest.raises(StrategyNotFound):
        lib.list_versions(sid, user=BOB)
    with pytest.raises(StrategyNotFound):
        lib.export_strategy_json(sid, user=BOB)
    with pytest.raises(StrategyNotFound):
        lib.diff_versions(sid, 1, 1, user=BOB)
    assert lib.list_strategies(BOB) == []
    assert lib.get_strategy(sid, user=ALICE).strategy == EXAMPLE


def test_another_user_cannot_add_a_version_to_or_delete_a_strategy() -> None:
    sid, _ = lib.save_strategy(EXAMPLE, user=ALICE)
    changed = copy.deepcopy(EXAMPLE)
    changed["name"] = "bob was here"
    with pytest.raises(StrategyNotFound):
        lib.save_strategy(changed, user=BOB, strategy_id=sid)
    with pytest.raises(StrategyNotFound):
        lib.import_strategy_json(lib.export_strategy_json(sid, user=ALICE), user=BOB, strategy_id=sid)
    with pytest.raises(StrategyNotFound):
        lib.delete_strategy(sid, user=BOB)
    kept = lib.get_strategy(sid, user=ALICE)
    assert kept.latest_version == 1 and kept.strategy["name"] == EXAMPLE["name"]
    lib.delete_strategy(sid, user=ALICE)
    with pytest.raises(StrategyNotFound):
        lib.get_strategy(sid, user=ALICE)


def test_each_user_keeps_their_own_interface_language() -> None:
    alice, bob = Principal("alice-sub", "user", "Alice"), Principal("bob-sub", "user", "Bob")
    assert accounts.preferred_language(alice) is None  # never chosen: the browser's language decides
    accounts.set_preferred_language(alice, "en")
    accounts.set_preferred_language(bob, "ko")
    assert accounts.preferred_language(alice) == "en" and accounts.preferred_language(bob) == "ko"
    accounts.sign_in(alice)  # a later sign-in keeps it
    assert accounts.preferred_language(alice) == "en"
    with pytest.raises(StudioError):
        accounts.set_preferred_language(alice, "fr")
