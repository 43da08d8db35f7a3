"""The CLI (DESIGN.md section 5): one module per command group, each with ``register(subparsers)``.

A command handler takes the parsed ``argparse.Namespace`` and returns an exit code. It prints its
result with ``emit`` (JSON on stdout with --json, human text otherwise) and messages on stderr.
Errors raised as ``StudioError`` become their ``exit_code`` with the message on stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from datetime import date, time
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

LANGUAGES = ("ko", "en")

# Exit codes of the contract.
OK, INVALID, BAD_USAGE, CANNOT_ANSWER, QUOTA, PROVIDER_FAILURE = 0, 1, 2, 3, 4, 5

COMMAND_MODULES = (
    "core.cli.models_cmd",
    "core.cli.strategy_cmds",
    "core.cli.generate_cmds",
    "core.cli.backtest_cmd",
    "core.cli.analysis_cmds",
    "core.cli.usage_cmd",
    "core.cli.accounts_cmds",
)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Mapping):  # a ValidStrategy: the strategy JSON itself
        return dict(value)
    if isinstance(value, date | time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)


def emit(data: Any, as_json: bool, human: Callable[[Any], str] | None = None) -> None:
    if as_json or human is None:
        sys.stdout.write(dumps(data) + "\n")
    else:
        sys.stdout.write(human(data).rstrip("\n") + "\n")


def message(text: str) -> None:
    sys.stderr.write(text.rstrip("\n") + "\n")


def add_json_flag(parser: Any) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON on stdout")


def add_model_flags(parser: Any) -> None:
    parser.add_argument("--model", default=None, help="model or alias (see `models`); 'offline' = rule engine")
    parser.add_argument("--user", default="local", help="user id for quota and usage (default: local)")
    parser.add_argument("--fallback", choices=("off", "same-vendor", "any"), default=None,
                        help="may another model answer when the chosen one fails? (default: LLM_FALLBACK, "
                             "else off for --model and any without it)")


def apply_fallback_flag(args: Any) -> None:
    """``--fallback`` is the LLM_FALLBACK setting for this one command (set before the gateway is built)."""
    value = getattr(args, "fallback", None)
    if value:
        import os

        from core.config import reset_settings_cache

        os.environ["LLM_FALLBACK"] = value
        reset_settings_cache()


def fallback_of(args: Any) -> Any:
    """``--fallback`` as the services take it (None: LLM_FALLBACK, else off for --model, any without)."""
    value = getattr(args, "fallback", None)
    return value.replace("-", "_") if value else None


def fallback_message(info: Any) -> None:
    """A model call that a fallback answered says which model answered, and why, on stderr."""
    note = info.fallback_note() if hasattr(info, "fallback_note") else None
    if note:
        message(f"note: {note}")
    elif getattr(info, "failed_cost_usd", 0) > 0:
        message(f"note: the failed attempts before this answer cost ${format(info.failed_cost_usd, 'f')}")
    waited = float(getattr(info, "wait_ms", 0.0)) / 1000
    if waited >= 0.05:
        message(f"note: waited {waited:.1f} s for the local rate limit and retry backoff")


def configured_language() -> str:
    """STUDIO_LANG (environment or .streamlit/secrets.toml), else en. A broken configuration must
    not stop an error about it from being printed, so the environment is read directly then."""
    import os

    from core.config import ConfigError, get_settings
    from core.services.wording import language_of

    try:
        return get_settings().studio_lang or "en"
    except ConfigError:
        return language_of(os.environ.get("STUDIO_LANG"), "en")


def report_error(exc: BaseException, args: Any) -> None:
    """A StudioError a command handles itself, on stderr in the messages' language (--lang)."""
    from core.services.wording import error_sentence, prefix

    lang = getattr(args, "message_lang", None) or "en"
    message(f"{prefix(lang)}: {error_sentence(exc, lang)}")
