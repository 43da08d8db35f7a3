"""Messages of the model picker's "auto" and fallback choice, and of the fallback notice with its cost
(the provider failures themselves are worded by core.services.wording)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # picker
    "money.auto": {"en": "Auto ({first} first)", "ko": "자동 (auto) · {first} 우선"},
    "money.model_help": {
        "en": "Auto tries the recommended model first; if it fails, another configured model (or the offline "
              "engine) answers, and the page says so. A model you choose answers alone unless you allow a "
              "fallback. Prices are USD per million tokens.",
        "ko": "자동은 추천 모델부터 시도하고, 실패하면 설정된 다른 모델(또는 오프라인 엔진)이 답하며 화면에 "
              "표시됩니다. 직접 고른 모델은 대체를 허용하지 않으면 그 모델만 답합니다. 가격은 백만 토큰당 USD "
              "입니다.",
    },
    "money.policy": {"en": "If it fails", "ko": "실패하면"},
    "money.policy_help": {
        "en": "Which other models may answer when the model you chose fails. Every fallback is shown with "
              "what the failed attempts cost.",
        "ko": "고른 모델이 실패했을 때 다른 모델이 답해도 되는지 정합니다. 대체는 실패한 시도의 비용과 함께 "
              "항상 표시됩니다.",
    },
    "money.policy.off": {"en": "No other model", "ko": "다른 모델 사용 안 함"},
    "money.policy.same_vendor": {"en": "Same vendor's models", "ko": "같은 공급자의 모델만"},
    "money.policy.any": {"en": "Any configured model", "ko": "설정된 모든 모델"},
    # under an answer
    "money.call_waited": {"en": " · waited {s} s (rate limit, retries)", "ko": " · 대기 {s}초 (요청 한도·재시도)"},
    "money.fallback": {
        "en": "**{answered}** answered instead of **{asked}**: {asked} failed ({reason}). "
              "The failed attempts cost {cost}.",
        "ko": "**{asked}** 호출이 실패해 **{answered}**이(가) 대신 답했습니다 (사유: {reason}). "
              "실패한 시도의 비용: {cost}.",
    },
    "money.failed_cost": {"en": "Failed attempts cost {cost}.", "ko": "실패한 시도의 비용: {cost}."},
    "money.batch_models": {"en": "Answered by: {models}", "ko": "답한 모델: {models}"},
    "money.batch_fallback": {
        "en": "{n} items were answered by another model than the one asked; their failed attempts cost {cost}.",
        "ko": "{n}개 항목은 요청한 모델 대신 다른 모델이 답했습니다. 실패한 시도의 비용: {cost}.",
    },
}
