"""``python -m core COMMAND``: the command-line interface (DESIGN.md section 5)."""

from __future__ import annotations

import argparse
import importlib
import sys

from core.cli import BAD_USAGE, COMMAND_MODULES, apply_fallback_flag, message


class _Parser(argparse.ArgumentParser):
    def error(self, text: str) -> None:  # argparse exits 2 for bad usage, as the contract wants
        self.print_usage(sys.stderr)
        message(f"error: {text}")
        raise SystemExit(BAD_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m core", description="Strategy Studio command line")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    finally:
        _announce_new_database()


def _announce_new_database() -> None:
    """A configured STUDIO_DB that did not exist was just created: say so (a typo would read as $0 spent)."""
    from core.config import ConfigError
    from core.errors import StudioError
    from core.services.usage import new_database_message

    try:
        note = new_database_message()
    except (ConfigError, StudioError, OSError):  # the command's own outcome (already reported) matters more
        return
    if note:
        message(note)


def _run(args: argparse.Namespace) -> int:
    from core.config import ConfigError
    from core.errors import StudioError, redact

    try:
        apply_fallback_flag(args)
        return int(args.func(args) or 0)
    except StudioError as exc:
        message(f"error: {exc}")
        return exc.exit_code
    except ConfigError as exc:
        message(f"error: {redact(str(exc))}")
        return BAD_USAGE
    except OSError as exc:
        # Unreadable input files and the like: name the file and the reason, no traceback.
        where = f" '{exc.filename}'" if exc.filename else ""
        message(f"error: cannot read or write{where}: {exc.strerror or exc}")
        return BAD_USAGE
    except KeyboardInterrupt:
        message("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
