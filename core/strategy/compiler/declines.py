"""How the compiler says no: the reason in the user's language, with sentences it does understand."""

from __future__ import annotations

from core.errors import EngineCannotAnswer
from core.strategy.compiler.lexicon import EXAMPLES


def decline(reason_en: str, reason_ko: str, lang: str) -> EngineCannotAnswer:
    examples = EXAMPLES[lang]
    if lang == "ko":
        message = f"오프라인 엔진이 이 요청을 전략으로 바꿀 수 없습니다: {reason_ko}"
        hint = "이런 문장을 이해합니다: " + " / ".join(f"“{e}”" for e in examples)
    else:
        message = f"The offline engine cannot turn this request into a strategy: {reason_en}"
        hint = "It understands sentences like: " + " / ".join(f"“{e}”" for e in examples)
    return EngineCannotAnswer(message, hint=hint, examples=examples)
