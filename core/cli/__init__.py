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


def say(args: Any, key: str, *, error: bool = False, **params: Any) -> None:
    """One of the CLI's own lines (``core.services.wording_cli``) on stderr, in the messages' language;
    ``error`` puts the language's "error:" before it."""
    from core.services.wording import cli_text, prefix

    lang = language(args)
    text = cli_text(key, lang, **params)
    message(f"{prefix(lang)}: {text}" if error else text)


def note(args: Any, text: str, *, kind: str = "note") -> None:
    """'note: ...' (or 'warning: ...'); a Coded text is worded in the messages' language."""
    from core.services.wording import cli_text, coded_sentence

    lang = language(args)
    message(f"{cli_text(kind, lang)}: {coded_sentence(text, lang)}")


def language(args: Any) -> str:
    return getattr(args, "message_lang", None) or "en"


def call_line(args: Any, info: Any, extra: list[str]) -> None:
    """'gpt-5.4-mini (openai): 812 in / 140 out tokens, $0.000843 (from cache)' on stderr."""
    from core.services.wording import cli_text

    lang = language(args)
    label = cli_text("offline_label", lang) if info.offline else f"{info.model} ({info.provider})"
    said_first = [cli_text("call.cached", lang)] if info.cached else []
    if info.attempts > 1:
        said_first.append(cli_text("call.attempts", lang, n=info.attempts))
    extra = [*said_first, *extra]
    said = f" ({', '.join(extra)})" if extra else ""
    say(args, "call", label=label, tokens_in=info.usage.input_tokens, tokens_out=info.usage.output_tokens,
        cost=info.cost_usd, extra=said)
    fallback_message(args, info)


def fallback_message(args: Any, info: Any) -> None:
    """A model call that a fallback answered says which model answered, and why, on stderr; failed
    attempts (billed: they reached a vendor) and time spent waiting are said too."""
    from core.services.wording import cli_text, coded_sentence

    lang = language(args)
    if getattr(info, "fallback_from", None):
        answered = cli_text("offline_label", lang) if info.offline else info.model
        note(args, cli_text("fallback", lang, answered=answered, asked=info.fallback_from,
                            reason=coded_sentence(info.fallback_reason or "", lang, hint=False).rstrip("."),
                            cost=info.failed_cost_usd))
    elif getattr(info, "failed_cost_usd", 0) > 0:
        note(args, cli_text("failed_cost_before", lang, cost=info.failed_cost_usd))
    waited = float(getattr(info, "wait_ms", 0.0)) / 1000
    if waited >= 0.05:
        note(args, cli_text("waited", lang, s=f"{waited:.1f}"))


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

    lang = language(args)
    message(f"{prefix(lang)}: {error_sentence(exc, lang)}")
