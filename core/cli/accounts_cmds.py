"""Operator commands with direct database access (DESIGN.md 5):

``keys create --user U [--name N]`` prints the new API key alone on stdout (shown once);
``keys list --user U [--json]`` shows prefix, name, created and last used, never the key;
``keys revoke KEY_PREFIX``; ``quota set --user U --usd AMOUNT``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from core.cli import OK, add_json_flag, emit, say


def register(subparsers: Any) -> None:
    keys = subparsers.add_parser("keys", help="create, list and revoke users' REST API keys")
    ksub = keys.add_subparsers(dest="keys_command", metavar="ACTION")
    ksub.required = True
    create = ksub.add_parser("create", help="make a new key for USER; prints it once on stdout")
    create.add_argument("--user", required=True, help="the user id the key acts as (an OIDC subject, or local)")
    create.add_argument("--name", default="", help="a name to recognise the key by")
    create.set_defaults(func=_create)
    listing = ksub.add_parser("list", help="a user's keys: prefix, name, created, last used")
    listing.add_argument("--user", required=True, help="user id")
    add_json_flag(listing)
    listing.set_defaults(func=_list)
    revoke = ksub.add_parser("revoke", help="revoke the key with this prefix")
    revoke.add_argument("prefix", metavar="KEY_PREFIX", help="the visible start of the key, e.g. sk-studio-AbCd2345")
    revoke.set_defaults(func=_revoke)

    quota = subparsers.add_parser("quota", help="set a user's monthly LLM spend limit")
    qsub = quota.add_subparsers(dest="quota_command", metavar="ACTION")
    qsub.required = True
    qset = qsub.add_parser("set", help="set USER's monthly quota in US dollars")
    qset.add_argument("--user", required=True, help="user id")
    qset.add_argument("--usd", required=True, help="the monthly limit in US dollars, e.g. 25 or 12.50")
    qset.set_defaults(func=_quota_set)


def _key_row(info: Any) -> dict[str, Any]:
    return {"prefix": info.prefix, "name": info.name, "user": info.user_id, "created_at": info.created_at,
            "last_used_at": info.last_used_at, "revoked_at": info.revoked_at, "active": info.active}


def _create(args: argparse.Namespace) -> int:
    from core.accounts.principal import OPERATOR, owner_id
    from core.services.accounts import create_api_key

    new = create_api_key(OPERATOR, args.name, user=owner_id(args.user))
    sys.stdout.write(new.secret + "\n")
    say(args, "key_created", prefix=new.info.prefix, name=new.info.name, user=new.info.user_id)
    return OK


def _human_keys(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "No API keys."
    lines = []
    for r in rows:
        state = "active" if r["active"] else f"revoked {r['revoked_at'][:19]}"
        used = (r["last_used_at"] or "never")[:19]
        lines.append(f"{r['prefix']}  {r['name']}  created {r['created_at'][:19]}  last used {used}  {state}")
    return "\n".join(lines)


def _list(args: argparse.Namespace) -> int:
    from core.accounts.principal import OPERATOR, owner_id
    from core.services.accounts import list_api_keys

    emit([_key_row(k) for k in list_api_keys(OPERATOR, user=owner_id(args.user))], args.json, _human_keys)
    return OK


def _revoke(args: argparse.Namespace) -> int:
    from core.accounts.principal import OPERATOR
    from core.services.accounts import revoke_api_key

    info = revoke_api_key(OPERATOR, args.prefix)
    say(args, "key_revoked", prefix=info.prefix, name=info.name, user=info.user_id)
    return OK


def _quota_set(args: argparse.Namespace) -> int:
    from core.accounts.principal import OPERATOR, owner_id
    from core.services.accounts import set_quota
    from core.usage.money import fmt_usd

    amount = set_quota(OPERATOR, owner_id(args.user), args.usd)
    say(args, "quota_set", user=args.user, usd=fmt_usd(amount or 0))
    return OK
