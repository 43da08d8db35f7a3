"""Render the prompt templates (core/prompts/templates/<lang>/<name>.j2) into chat messages.

Each template has a ``system`` block and a ``user`` block (the repair re-ask has only ``user``).
Rendering is strict: a missing variable raises instead of silently becoming an empty string, so a
prompt can never go out with a hole in it. Text that comes from a user or a third party (a request,
a news article, a strategy being revised) is wrapped by the ``fence`` filter in a named tag, and any
copy of our tags inside that text is neutralised, so the data cannot close the fence and speak as
instructions.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, UndefinedError

from core.errors import StudioError
from core.messages import Message

Language = Literal["ko", "en"]
LANGUAGES: tuple[Language, ...] = ("ko", "en")
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAMES = (
    "strategy_generation",
    "strategy_refinement",
    "market_analysis",
    "news_sentiment",
    "strategy_optimization",
    "repair",
)
# The tags ``fence`` may emit; a copy of any of them inside data is defused.
FENCE_TAGS = ("user_request", "news_article", "current_strategy")
_TAG_RE = re.compile(r"<\s*(/?)\s*(" + "|".join(FENCE_TAGS) + r")\b[^>]*>", re.IGNORECASE)
_HANGUL_RE = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN_WORD_RE = re.compile(r"[A-Za-z]+")
# Ticker symbols and indicator names are Latin even in Korean requests, so they are not counted,
# and a modest Hangul share of the remaining letters already means the person writes Korean.
HANGUL_THRESHOLD = 0.2


class PromptError(StudioError):
    """A template is missing or was rendered without one of its variables (a programming error)."""

    exit_code = 2
    kind = "prompt_error"


@dataclass(frozen=True)
class BuiltPrompt:
    messages: list[Message]
    template_version: str  # "<name>.<lang>:<hash>"; part of the cache key
    language: Language


def detect_language(text: str, override: str | None = None) -> Language:
    """``override`` wins when it is "ko" or "en"; otherwise Korean when Hangul is a real share of the letters."""
    if override in LANGUAGES:
        return override  # type: ignore[return-value]
    hangul = len(_HANGUL_RE.findall(text or ""))
    # All-caps words are tickers and indicator names (BTC, USDT, RSI, MACD), Latin in any language.
    latin = sum(len(w) for w in _LATIN_WORD_RE.findall(text or "") if not w.isupper())
    if hangul == 0:
        return "en"
    return "ko" if hangul / (hangul + latin) >= HANGUL_THRESHOLD or hangul >= 8 else "en"


def defuse(text: str) -> str:
    """Neutralise our fence tags inside data (``</news_article>`` -> ``‹/news_article›``)."""
    return _TAG_RE.sub(lambda m: f"‹{m.group(1)}{m.group(2).lower()}›", str(text))


def fence(text: Any, tag: str) -> str:
    if tag not in FENCE_TAGS:
        raise PromptError(f"unknown fence tag '{tag}'", hint=f"Use one of: {', '.join(FENCE_TAGS)}.")
    return f"<{tag}>\n{defuse(str(text))}\n</{tag}>"


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        undefined=StrictUndefined,
        autoescape=False,  # prompts are plain text, not HTML; data is fenced instead
        keep_trailing_newline=False,
        trim_blocks=False,
    )
    env.filters["fence"] = fence
    return env


@lru_cache(maxsize=32)
def template_version(name: str, language: Language) -> str:
    """Hash of the template and the partials it may include, so editing a prompt invalidates the cache."""
    lang_dir = TEMPLATE_DIR / language
    digest = hashlib.sha256()
    main = lang_dir / f"{name}.j2"
    if not main.is_file():
        raise PromptError(f"no template '{name}' for language '{language}'")
    digest.update(main.read_bytes())
    for partial in sorted(lang_dir.glob("_*.j2")):
        digest.update(partial.name.encode())
        digest.update(partial.read_bytes())
    return f"{name}.{language}:{digest.hexdigest()[:12]}"


class PromptBuilder:
    """Builds system + user messages for one use case in one language."""

    def render_block(self, name: str, language: Language, block: str, variables: dict[str, Any]) -> str | None:
        try:
            template = _env().get_template(f"{language}/{name}.j2")
        except TemplateNotFound:
            raise PromptError(f"no template '{name}' for language '{language}'") from None
        render = template.blocks.get(block)
        if render is None:
            return None
        try:
            return "".join(render(template.new_context(dict(variables)))).strip()
        except UndefinedError as exc:
            raise PromptError(
                f"template '{language}/{name}.j2' needs a variable that was not given: {exc.message}",
                hint="Pass every variable the template uses.",
            ) from None

    def build(self, name: str, language: Language, **variables: Any) -> BuiltPrompt:
        if language not in LANGUAGES:
            raise PromptError(f"unsupported language '{language}'", hint="Use 'ko' or 'en'.")
        messages: list[Message] = []
        system = self.render_block(name, language, "system", variables)
        if system:
            messages.append(Message("system", system))
        user = self.render_block(name, language, "user", variables)
        if not user:
            raise PromptError(f"template '{language}/{name}.j2' has no user block")
        messages.append(Message("user", user))
        return BuiltPrompt(messages, template_version(name, language), language)

    def repair(self, language: Language, errors: list[str]) -> Message:
        """The re-ask turn that lists the exact problems of the previous answer."""
        text = self.render_block("repair", language, "user", {"errors": errors})
        assert text is not None
        return Message("user", text)


_builder = PromptBuilder()


def build_prompt(name: str, language: Language, **variables: Any) -> BuiltPrompt:
    return _builder.build(name, language, **variables)


def repair_message(language: Language, errors: list[str]) -> Message:
    return _builder.repair(language, errors)
