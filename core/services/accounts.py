"""Account use cases for the pages, the REST API and the operator CLI: sign-in, API keys, quotas,
who may see whose usage, and the per-user request rate limit.

Permission rules live here once: a user manages their own keys; only an admin acts on another user
(their keys, their quota, their usage), and nobody but an admin sets a quota, their own included.
Another user's key answers "not found", exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import sqlite_utils

from core.accounts import keys as keymod
from core.accounts.errors import Forbidden, KeyInvalid, KeyNotFound, RequestRateLimited
from core.accounts.keys import ApiKeyInfo, KeyStore, NewKey, SqliteKeyStore
from core.accounts.principal import LOCAL, LOCAL_USER_ID, Principal, principal_for
from core.accounts.ratelimit import RequestRateLimiter
from core.accounts.users import SqliteUserStore, UserStore
from core.config import get_settings
from core.storage import get_db, storage_errors

__all__ = [
    "LOCAL",
    "LOCAL_USER_ID",
    "ApiKeyInfo",
    "NewKey",
    "Principal",
    "authenticate",
    "check_request_rate",
    "create_api_key",
    "list_api_keys",
    "principal_for",
    "revoke_api_key",
    "set_quota",
    "set_rate_limit",
    "sign_in",
    "usage_scope",
]

_limiter = RequestRateLimiter()


@contextmanager
def _stores() -> Iterator[tuple[KeyStore, UserStore]]:
    from core.backends import postgres_database

    pg = postgres_database()  # STUDIO_DATABASE_URL set: keys and users live in PostgreSQL
    if pg is not None:
        from core.backends.postgres.accounts import PgKeyStore, PgUserStore

        yield PgKeyStore(pg), PgUserStore(pg)
        return
    db: sqlite_utils.Database = get_db()
    try:
        with storage_errors(db):
            yield SqliteKeyStore(db), SqliteUserStore(db)
    finally:
        db.close()


def _target(principal: Principal, user: str | None) -> str:
    """The user an action is about: oneself, or (admins only) anyone."""
    if user is None or user == principal.user_id:
        return principal.user_id
    if not principal.is_admin:
        raise Forbidden("Only an admin can act on another user's account.",
                        hint="Sign in as that user, or ask an admin (STUDIO_ADMINS).")
    return user


def sign_in(principal: Principal) -> Principal:
    """Record the user (name and email kept current) on sign-in; returns the principal unchanged."""
    with _stores() as (_, users):
        users.ensure(principal)
    return principal


def create_api_key(principal: Principal, name: str = "", *, user: str | None = None) -> NewKey:
    """A new key for the caller (or, for an admin, for ``user``). ``secret`` is shown once, never stored."""
    owner = _target(principal, user)
    with _stores() as (store, users):
        users.ensure(principal if owner == principal.user_id else Principal(owner))
        return keymod.create(store, owner, name)


def list_api_keys(principal: Principal, *, user: str | None = None) -> list[ApiKeyInfo]:
    owner = _target(principal, user)
    with _stores() as (store, _):
        return store.list_for(owner)


def revoke_api_key(principal: Principal, prefix: str) -> ApiKeyInfo:
    """Revoke a key by its visible prefix: one's own, or any key for an admin."""
    text = str(prefix or "").strip()
    with _stores() as (store, _):
        info = store.by_prefix(text) if text else None
        if info is None or (info.user_id != principal.user_id and not principal.is_admin):
            raise KeyNotFound(f"No API key starts with '{text}'.",
                              hint="List your keys to see their prefixes (keys list --user USER).")
        if info.active:
            store.revoke(text)
        revoked = store.by_prefix(text)
    assert revoked is not None
    return revoked


def authenticate(secret: str | None) -> Principal:
    """The principal a bearer key belongs to; a missing, unknown or revoked key raises KeyInvalid."""
    text = (secret or "").strip()
    if not text:
        raise KeyInvalid("This call needs an API key: send the header 'Authorization: Bearer <your key>'.",
                         hint="Create a key on the Settings page or with `python -m core keys create --user USER`.")
    if not keymod.looks_like_key(text):
        raise KeyInvalid("The API key is not valid.", hint="Copy the whole key, which starts with 'sk-studio-'.")
    with _stores() as (store, users):
        info = store.find_active(keymod.key_hash(text))
        if info is None:
            raise KeyInvalid("The API key is unknown or has been revoked.",
                             hint="Create a new key on the Settings page.")
        store.touch(info.prefix)
        record = users.get(info.user_id)
    return principal_for(info.user_id, display_name=record.display_name if record else "",
                         email=record.email if record else None)


def rate_limit_per_minute(user_id: str) -> int:
    with _stores() as (_, users):
        record = users.get(user_id)
    if record is not None and record.rate_limit_per_minute is not None:
        return int(record.rate_limit_per_minute)
    return get_settings().studio_rate_limit_per_minute


def check_request_rate(principal: Principal) -> None:
    """Count one API request against the user's per-minute limit; raises RequestRateLimited when over."""
    limit = rate_limit_per_minute(principal.user_id)
    from core.backends import request_rate_limiter

    # STUDIO_REDIS_URL set: one window per user shared by every replica; else this process's window.
    wait = (request_rate_limiter() or _limiter).hit(principal.user_id, limit)
    if wait is not None:
        raise RequestRateLimited(f"Too many requests: the limit is {limit} per minute.",
                                 hint=f"Retry in {int(wait)} s.", retry_after=wait)


def set_rate_limit(principal: Principal, user: str, per_minute: int | None) -> None:
    if not principal.is_admin:
        raise Forbidden("Only an admin can change a request rate limit.")
    if per_minute is not None and not 1 <= int(per_minute) <= 100_000:
        from core.services.common import BadInput

        raise BadInput("A rate limit is a number of requests per minute between 1 and 100000.")
    with _stores() as (_, users):
        users.set_rate_limit(user, per_minute)


LANGUAGES = ("ko", "en")


def preferred_language(principal: Principal) -> str | None:
    """The language the user chose last (on any device), or None if they never chose one."""
    with _stores() as (_, users):
        record = users.get(principal.user_id)
    language = record.language if record is not None else None
    return language if language in LANGUAGES else None


def set_preferred_language(principal: Principal, language: str) -> None:
    """Remember the user's interface language; each user sets only their own."""
    if language not in LANGUAGES:
        from core.services.common import BadInput

        raise BadInput(f"Unknown language {language!r}: choose ko or en.")
    with _stores() as (_, users):
        users.set_language(principal.user_id, language)


def set_quota(principal: Principal, user: str, usd: Decimal | str | float | None) -> Decimal | None:
    """Set ``user``'s monthly quota; admins only, so nobody can raise their own."""
    if not principal.is_admin:
        raise Forbidden("Only an admin can set a monthly quota.",
                        hint="Ask an admin (STUDIO_ADMINS) to raise it, or wait for the monthly reset.")
    from core.services.usage import set_user_quota

    return set_user_quota(user, usd)


def usage_scope(principal: Principal, user: str | None = None, *, all_users: bool = False) -> str | None:
    """The user id whose usage the caller may see: their own; another's or everyone's (None) for admins."""
    if all_users:
        if not principal.is_admin:
            raise Forbidden("Only an admin can see every user's usage.")
        return None
    return _target(principal, user)
