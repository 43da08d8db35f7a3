"""Errors worded for people in Korean or English, from their ``code`` and ``params``.

The core raises errors with an English sentence (what the CLI and the API print by default) and a
stable code with its parameters. This module holds the catalog of those codes in both languages and
words an error for a reader: the pages (through ``ui.i18n``, which merges ``MESSAGES`` into its own
catalog), the CLI (``--lang``) and the REST API (``Accept-Language``) all use it, so a message reads
the same everywhere. English stays the core's own sentence: it is the contract the CLI and API had.

Each code has ``errors.<CODE>`` (what went wrong and where) and, where there is a fix to name,
``errors.<CODE>.hint`` (how to fix it). A code without an entry falls back to its kind's entry
(``errors.kind.<kind>``), which names the kind of failure and the next step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import InvalidOperation
from typing import Any

from core.services.wording_catalog import MESSAGES
from core.usage.money import exact_usd

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "en"

# The catalog's own placeholders for the storage hints that share one text.
_SHARED_HINTS = {"DB_CORRUPT": "DB_NOT_SQLITE", "DB_FAILED": "DB_NOT_SQLITE"}


def language_of(tag: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """The first of ko/en an Accept-Language header (or a setting such as 'ko-KR') lists, by q-value;
    ``default`` when it names neither."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((tag or "").split(",")):
        name, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        primary = name.strip().lower().replace("_", "-").split("-")[0]
        if primary in LANGUAGES and weight > 0:
            ranked.append((-weight, index, primary))
    return min(ranked)[2] if ranked else default


def _money(value: Any) -> str:
    try:
        text = exact_usd(value)
    except (InvalidOperation, ValueError):
        return str(value)
    return f"-${text[1:]}" if text.startswith("-") else f"${text}"


def _text(key: str, lang: str) -> str | None:
    texts = MESSAGES.get(key)
    return None if texts is None else texts.get(lang) or texts.get("en")


def _attempts(items: Any, lang: str, esc: Callable[[str], str]) -> str:
    parts = []
    for item in items or ():
        model, message = item if isinstance(item, tuple | list) and len(item) == 2 else ("?", item)
        said = word_coded(getattr(message, "code", ""), getattr(message, "params", {}), lang, esc)
        text = said[0] if said else esc(str(message))
        parts.append((_text("errors.attempt", lang) or "{model}: {message}").format(model=esc(str(model)),
                                                                                 message=text))
    return "; ".join(parts)


def _params(params: Mapping[str, Any], lang: str, esc: Callable[[str], str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in params.items():
        if name == "attempts" and not isinstance(value, int):
            out[name] = _attempts(value, lang, esc)
        elif name == "use_case":
            out[name] = _text(f"errors.use_case.{value}", lang) or esc(str(value))
        elif name.endswith("_usd") and value is not None:
            out[name] = esc(_money(value))
        else:
            out[name] = esc("" if value is None else str(value))
    return out


def word_coded(code: str, params: Mapping[str, Any], lang: str,
               escape: Callable[[str], str] | None = None) -> tuple[str, str | None] | None:
    """(message, hint) for ``code`` in ``lang``, or None when the catalog has no such code.
    ``escape`` is applied to every parameter: they quote user input (file names, user ids)."""
    esc = escape or (lambda text: text)
    template = _text(f"errors.{code}", lang)
    if not code or template is None:
        return None
    values = _params(params, lang, esc)
    hint = _text(f"errors.{_SHARED_HINTS.get(code, code)}.hint", lang)
    try:
        return template.format_map(_Missing(values)), hint.format_map(_Missing(values)) if hint else None
    except (ValueError, IndexError):  # a placeholder typo must not hide the error itself
        return template, hint


class _Missing(dict):  # type: ignore[type-arg]
    """A parameter a raise site did not pass reads as '?', never as a crash while reporting an error."""

    def __missing__(self, key: str) -> str:
        return "?"


def word_error(exc: BaseException, lang: str,
               escape: Callable[[str], str] | None = None) -> tuple[str, str | None]:
    """(message, hint) for a StudioError or ConfigError in ``lang``. English is the core's own
    sentence; another language comes from the catalog, by code, else by kind (never English)."""
    esc = escape or (lambda text: text)
    message, hint = str(getattr(exc, "message", exc)), getattr(exc, "hint", None)
    if lang == "en":
        return esc(message), esc(hint) if hint else None
    said = word_coded(getattr(exc, "code", ""), getattr(exc, "params", {}) or {}, lang, esc)
    if said is not None:
        return said
    kind = getattr(exc, "kind", "error")
    return _text(f"errors.kind.{kind}", lang) or _text("errors.kind.error", lang) or esc(message), None


def error_sentence(exc: BaseException, lang: str) -> str:
    """Message and hint as one line of plain text (the CLI's stderr, the API's ``message``)."""
    message, hint = word_error(exc, lang)
    return message if not hint else f"{message} {hint}"


def api_text(key: str, lang: str) -> str:
    """One of the REST API's own messages (``errors.api.*``) in ``lang``."""
    return _text(f"errors.api.{key}", lang) or key


def prefix(lang: str) -> str:
    """The CLI's "error" before a message."""
    return _text("errors.cli.prefix", lang) or "error"


def os_error_sentence(exc: OSError, lang: str) -> str:
    """A file the CLI could not read or write, named, with the system's reason."""
    where = f" '{exc.filename}'" if exc.filename else ""
    template = _text("errors.cli.os", lang) or "cannot read or write{where}: {reason}"
    return template.format(where=where, reason=exc.strerror or exc)


def cli_text(key: str, lang: str, **params: Any) -> str:
    """One of the CLI's own lines (``cli.*``) in ``lang``; a parameter named ``cost`` is formatted as dollars."""
    template = _text(f"cli.{key}", lang) or key
    values = {name: _money(value) if name == "cost" else str(value) for name, value in params.items()}
    try:
        return template.format_map(_Missing(values))
    except (ValueError, IndexError):
        return template


def coded_sentence(text: Any, lang: str, *, hint: bool = True) -> str:
    """A note the core kept as a Coded string (a backtest warning, a data note, a fallback reason) in
    ``lang``: its ``msg.<code>`` or ``errors.<code>`` entry; English, or a text without a code, as it came."""
    code = str(getattr(text, "code", "") or "")
    if lang == "en" or not code:
        return str(text)
    params = getattr(text, "params", {}) or {}
    template = _text(f"msg.{code}", lang)
    if template is not None:
        try:
            return template.format_map(_Missing(_params(params, lang, lambda value: value)))
        except (ValueError, IndexError):
            return template
    said = word_coded(code, params, lang)
    if said is not None:
        return f"{said[0]} {said[1]}" if hint and said[1] else said[0]
    return _text(f"errors.kind.{code.lower()}", lang) or _text("errors.kind.error", lang) or str(text)


def worded_issues(issues: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """A validation report's issues (``ValidationReport.to_dict()["issues"]``) for a reader of ``lang``:
    English as the validator wrote them; otherwise each message is its code's text in that language,
    and the hint, an English sentence the catalog does not word, is left out (as on the pages)."""
    if lang == "en":
        return issues
    return [{**issue, "message": _text(f"strategy.code.{issue['code']}", lang) or issue["message"],
             "hint": None} for issue in issues]
