"""``python -m core COMMAND``: the command-line interface (DESIGN.md section 5)."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import ClassVar

from core.cli import BAD_USAGE, COMMAND_MODULES, LANGUAGES, apply_fallback_flag, configured_language, message, note


class _Parser(argparse.ArgumentParser):
    argv: ClassVar[list[str]] = []  # the command line being parsed, for the language of a usage error

    def error(self, text: str) -> None:  # argparse exits 2 for bad usage, as the contract wants
        from core.services.wording import cli_text, prefix

        self.print_usage(sys.stderr)
        lang = _language_asked(_Parser.argv)
        message(f"{prefix(lang)}: {cli_text('bad_usage', lang, text=text)}")
        raise SystemExit(BAD_USAGE)


def _language_asked(argv: list[str]) -> str:
    """The messages' language before the arguments could be parsed: a well-formed --lang, else STUDIO_LANG."""
    for index, arg in enumerate(argv):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else (
            argv[index + 1] if arg == "--lang" and index + 1 < len(argv) else None)
        if value in LANGUAGES:
            return value
    return configured_language()


LANG_HELP = "language of messages and hints on stderr: ko or en (default: STUDIO_LANG, else en)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m core", description="Strategy Studio command line")
    parser.add_argument("--lang", dest="message_lang", choices=LANGUAGES, default=None, help=LANG_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(sub)
    _add_lang_flags(sub)
    return parser


def _add_lang_flags(sub: argparse._SubParsersAction) -> None:
    """Every command takes --lang. Commands that already had one (the language of their answer)
    keep it, and it sets the messages' language too when given."""
    for command in sub.choices.values():
        nested = [a for a in command._actions if isinstance(a, argparse._SubParsersAction)]
        for group in nested:
            _add_lang_flags(group)
        if not nested and "--lang" not in command._option_string_actions:
            command.add_argument("--lang", dest="message_lang", choices=LANGUAGES, default=argparse.SUPPRESS,
                                 help=LANG_HELP)


def message_language(args: argparse.Namespace, argv: list[str]) -> str:
    """--lang when given (top level or on the command), else STUDIO_LANG, else en."""
    if getattr(args, "message_lang", None):
        return str(args.message_lang)
    if any(a == "--lang" or a.startswith("--lang=") for a in argv) and getattr(args, "lang", None) in LANGUAGES:
        return str(args.lang)
    return configured_language()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    _Parser.argv = argv
    args = build_parser().parse_args(argv)
    args.message_lang = message_language(args, argv)
    try:
        return _run(args)
    finally:
        _announce_new_database(args.message_lang)


def _announce_new_database(lang: str) -> None:
    """A configured STUDIO_DB that did not exist was just created: say so (a typo would read as $0 spent)."""
    from core.config import ConfigError
    from core.errors import StudioError
    from core.services.usage import new_database_message

    try:
        notice = new_database_message(lang)
    except (ConfigError, StudioError, OSError):  # the command's own outcome (already reported) matters more
        return
    if notice:
        message(notice)


def _run(args: argparse.Namespace) -> int:
    from core.config import ConfigError
    from core.errors import StudioError
    from core.services.wording import cli_text, error_sentence, os_error_sentence, prefix

    lang = args.message_lang
    try:
        apply_fallback_flag(args)
        return int(args.func(args) or 0)
    except StudioError as exc:
        message(f"{prefix(lang)}: {error_sentence(exc, lang)}")
        cost = getattr(exc, "failed_cost_usd", None)  # a provider failure: what its failed attempts cost
        if cost:
            note(args, cli_text("failed_cost", lang, cost=cost))
        return exc.exit_code
    except ConfigError as exc:
        message(f"{prefix(lang)}: {error_sentence(exc, lang)}")
        return BAD_USAGE
    except OSError as exc:
        # Unreadable input files and the like: name the file and the reason, no traceback.
        message(f"{prefix(lang)}: {os_error_sentence(exc, lang)}")
        return BAD_USAGE
    except KeyboardInterrupt:
        message(cli_text("interrupted", lang))
        return 130


if __name__ == "__main__":
    sys.exit(main())
