"""`validate FILE|- [--json]`, `render FILE -o OUT.html` and `explain FILE|- [--lang] [--json]` (DESIGN.md §5).

validate: exit 0 when valid, 1 when a rule is broken, 2 when the input cannot be read or is not
JSON (the message says which file, line and column).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from core.cli import BAD_USAGE, INVALID, OK, add_json_flag, emit, language, message, say

MAX_INPUT_BYTES = 2_000_000


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("validate", help="check a strategy JSON file against every rule")
    parser.add_argument("file", metavar="FILE", help="strategy JSON file, or - for standard input")
    add_json_flag(parser)
    parser.set_defaults(func=run_validate)

    parser = subparsers.add_parser("render", help="write a strategy as a self-contained interactive HTML page")
    parser.add_argument("file", metavar="FILE", help="strategy JSON file, or - for standard input")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.html", help="the HTML file to write")
    parser.add_argument("--highlight", default=None, metavar="NODE_ID", help="select this node in the page")
    parser.set_defaults(func=run_render)

    parser = subparsers.add_parser("explain", help="read a strategy back in plain sentences, one per rule")
    parser.add_argument("file", metavar="FILE", help="strategy JSON file, or - for standard input")
    parser.add_argument("--lang", choices=("ko", "en"), default="ko", help="language of the sentences (default ko)")
    add_json_flag(parser)
    parser.set_defaults(func=run_explain)


class _Unreadable(Exception):
    """A strategy file that could not be read as JSON: a ``cli.file.*`` line and its figures."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def _read(name: str) -> str:
    """The file's text, or _Unreadable with a message that says what went wrong and where."""
    try:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        else:
            path = Path(name)
            if not path.exists():
                raise _Unreadable("file.missing", name=name)
            if path.is_dir():
                raise _Unreadable("file.directory", name=name)
            with path.open("rb") as fh:
                data = fh.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise _Unreadable("file.unreadable", name=name, reason=exc.strerror) from None
    if len(data) > MAX_INPUT_BYTES:
        raise _Unreadable("file.too_large", name=name, limit=f"{MAX_INPUT_BYTES:,}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Unreadable("file.not_utf8", name=name, byte=exc.start) from None


def _load(name: str) -> Any:
    text = _read(name)
    try:
        return json.loads(text)
    except RecursionError:
        raise _Unreadable("file.too_deep", name=name) from None
    except json.JSONDecodeError as exc:
        where = "standard input" if name == "-" else name
        raise _Unreadable("file.bad_json", name=where, reason=exc.msg, line=exc.lineno, column=exc.colno) from None


def _human(report: dict[str, Any], lang: str) -> str:
    from core.services.wording import cli_text, coded_sentence, worded_issues

    lines = [cli_text("valid" if report["valid"] else "invalid", lang)]
    for issue in worded_issues(report["issues"], lang):
        where = issue["node_id"] or (f"{issue['edge']['from']} -> {issue['edge']['to']}" if issue["edge"] else "")
        severity = cli_text(issue["severity"], lang)
        lines.append(f"  {severity:<7} {issue['code']:<24} {where}: {issue['message']}")
        if issue["hint"]:
            lines.append(f"          hint: {issue['hint']}")
    for note in report.get("warnings", []):
        lines.append(f"  {cli_text('note', lang):<7} {coded_sentence(note, lang)}")
    return "\n".join(lines)


def run_validate(args: argparse.Namespace) -> int:
    from core.services.strategy_library import validate_strategy

    try:
        data = _load(args.file)
    except _Unreadable as exc:
        say(args, exc.key, error=True, **exc.params)
        return BAD_USAGE
    report = validate_strategy(data)
    emit(report.to_dict(), args.json, lambda data: _human(data, language(args)))
    return OK if report.valid else INVALID


def run_render(args: argparse.Namespace) -> int:
    from core.services.strategy_library import render_strategy_html, validate_strategy

    try:
        data = _load(args.file)
    except _Unreadable as exc:
        say(args, exc.key, error=True, **exc.params)
        return BAD_USAGE
    report = validate_strategy(data)
    html = render_strategy_html(data, highlight=args.highlight)
    out = Path(args.output)
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        say(args, "cannot_write", error=True, path=out, reason=exc.strerror)
        return BAD_USAGE
    errors = len(report.errors)
    say(args, "wrote_html", path=out, size=f"{len(html):,}", errors=errors, warnings=len(report.issues) - errors)
    return OK


def run_explain(args: argparse.Namespace) -> int:
    """Exit 1 (with the issues) for an invalid strategy: reading back a broken graph would mislead."""
    from core.services.strategy_library import validate_strategy
    from core.strategy.explain import explain

    try:
        data = _load(args.file)
    except _Unreadable as exc:
        say(args, exc.key, error=True, **exc.params)
        return BAD_USAGE
    report = validate_strategy(data)
    if not report.valid:
        message(_human(report.to_dict(), language(args)))
        return INVALID
    sentences = explain(data, args.lang)
    emit({"lang": args.lang, "sentences": sentences, "text": " ".join(sentences)}, args.json,
         lambda d: "\n".join(d["sentences"]))
    return OK
