"""`generate PROMPT` and `refine FILE INSTRUCTION` (DESIGN.md section 5): both print the strategy JSON.

The strategy goes to stdout (with or without --json, it is JSON); which model answered, the cost,
the attempts and the list of changes go to stderr, so the output can be piped into a file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from core.cli import OK, add_json_flag, add_model_flags, call_line, dumps, fallback_of, language, message, note
from core.services.common import BadInput
from core.services.wording import coded_sentence


def register(subparsers: Any) -> None:
    gen = subparsers.add_parser("generate", help="turn a plain-language request into a validated strategy JSON")
    gen.add_argument("prompt", help='e.g. "buy 100 USDT of BTC when the 1h RSI(14) falls below 30"')
    add_model_flags(gen)
    gen.add_argument("--no-cache", action="store_true", help="do not answer from the response cache")
    gen.add_argument("--lang", choices=("ko", "en"), default=None,
                     help="language of the answer (default: the prompt's)")
    add_json_flag(gen)
    gen.set_defaults(func=handle_generate)

    ref = subparsers.add_parser("refine", help="revise a strategy JSON file by an instruction")
    ref.add_argument("file", help="strategy JSON file, or - for stdin")
    ref.add_argument("instruction", help='e.g. "make the RSI period 21" or "also notify me"')
    add_model_flags(ref)
    ref.add_argument("--lang", choices=("ko", "en"), default=None, help="language of the answer")
    add_json_flag(ref)
    ref.set_defaults(func=handle_refine)


def read_strategy_file(path: str) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"Strategy file not found: {path}.", hint="Check the path.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"Cannot read the strategy file {path}: {exc}.", hint="Pass a UTF-8 JSON file.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).",
            hint="Fix the JSON, or check it with `python -m core validate FILE`.",
        ) from None
    if not isinstance(data, dict):
        raise BadInput(f"{path} holds a JSON {type(data).__name__}, not a strategy object.")
    return data


def _report(args: argparse.Namespace, result: Any) -> None:
    from core.services.wording import cli_text

    call_line(args, result, [cli_text("call.repaired", language(args))] if result.repaired else [])
    for warning in getattr(result.report, "warnings", []) or []:
        note(args, warning)


def handle_generate(args: argparse.Namespace) -> int:
    from core.services.generation import generate_strategy

    result = generate_strategy(
        args.prompt, model=args.model, fallback=fallback_of(args), user=args.user, language=args.lang,
        use_cache=not args.no_cache,
    )
    out = result.strategy
    if args.json:
        from core.prompts.builder import detect_language
        from core.strategy.explain import explain_text

        # Additive: the read-back beside the strategy's own keys (DESIGN.md §5).
        lang = args.lang or detect_language(args.prompt)
        out = {**result.strategy, "explanation": explain_text(result.strategy, lang)}
    sys.stdout.write(dumps(out) + "\n")
    _report(args, result)
    return OK


def handle_refine(args: argparse.Namespace) -> int:
    from core.services.generation import refine_strategy

    strategy = read_strategy_file(args.file)
    result = refine_strategy(strategy, args.instruction, model=args.model, fallback=fallback_of(args), user=args.user,
                             language=args.lang)
    sys.stdout.write(dumps(result.strategy) + "\n")
    _report(args, result)
    for change in result.changes:
        message(f"- {coded_sentence(change, language(args))}")
    return OK
