"""Messages of the model picker's "auto" and fallback choice, the fallback notice with its cost, and the
provider failures the gateway hands to a page (codes LLM_*, rendered by ui.errors in Korean)."""

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
    "money.reason.auth_failed": {"en": "authentication failed", "ko": "인증 실패"},
    "money.reason.unavailable": {"en": "vendor unavailable", "ko": "공급자 응답 없음"},
    "money.reason.rate_limited": {"en": "rate limited", "ko": "요청 한도 초과"},
    "money.reason.not_configured": {"en": "no key configured", "ko": "키가 설정되지 않음"},
    "money.reason.context_too_long": {"en": "input too long", "ko": "입력이 컨텍스트 창보다 김"},
    "money.reason.price_unknown": {"en": "price unknown", "ko": "가격을 알 수 없음"},
    "money.reason.bad_request": {"en": "request refused", "ko": "요청 거부"},
    "money.reason.cut": {"en": "answer cut off", "ko": "응답이 끊김"},
    "money.reason.cannot_answer": {"en": "could not answer", "ko": "답할 수 없음"},
    "money.reason.error": {"en": "error", "ko": "오류"},
    # provider failures handed to a page (details code + params set by core.llm.routing)
    "errors.LLM_AUTH_FAILED": {
        "en": "{model} ({provider}) refused the key{status}. Check the API key in Settings.",
        "ko": "{model} ({provider}) 인증에 실패했습니다{status}. 설정에서 API 키를 확인하세요. "
              "다른 모델이 답하게 하려면 자동을 고르거나 대체를 허용하세요.",
    },
    "errors.LLM_UNAVAILABLE": {
        "en": "{model} ({provider}) is not answering{status}. Try again later, or choose Auto.",
        "ko": "{model} ({provider})이(가) 응답하지 않습니다{status}. 잠시 후 다시 시도하거나, 자동을 고르거나 "
              "대체를 허용하세요.",
    },
    "errors.LLM_RATE_LIMITED": {
        "en": "{model} ({provider}) is rate limited{status}. Wait a moment and try again.",
        "ko": "{model} ({provider})의 요청 한도에 걸렸습니다{status}. 잠시 기다린 뒤 다시 시도하세요.",
    },
    "errors.LLM_NOT_CONFIGURED": {
        "en": "{model} needs a {provider} key{status}. Add it (see Settings) or choose another model.",
        "ko": "{model}에 필요한 {provider} 키가 설정되지 않았습니다{status}. 키를 추가하거나(설정 참조) 다른 "
              "모델을 고르세요.",
    },
    "errors.LLM_BAD_REQUEST": {
        "en": "{model} ({provider}) refused the request{status}. Change or shorten the input.",
        "ko": "{model} ({provider})이(가) 요청을 거부했습니다{status}. 입력을 바꾸거나 줄여 다시 시도하세요.",
    },
    "errors.LLM_CONTEXT_TOO_LONG": {
        "en": "The input is too long for {model} ({provider}){status}. Shorten it or choose a larger model.",
        "ko": "입력이 {model} ({provider})의 컨텍스트 창보다 깁니다{status}. 입력을 줄이거나 더 큰 모델을 "
              "고르세요.",
    },
    "errors.LLM_CUT": {
        "en": "The answer of {model} ({provider}) broke off{status}. Try again.",
        "ko": "{model} ({provider})의 응답이 도중에 끊겼습니다{status}. 다시 시도하세요.",
    },
    "errors.LLM_ERROR": {
        "en": "The call to {model} ({provider}) failed{status}. Try again later.",
        "ko": "{model} ({provider}) 호출이 실패했습니다{status}. 잠시 후 다시 시도하세요.",
    },
    "errors.LLM_ALL_FAILED": {
        "en": "Every model allowed failed ({models}). Check the provider keys and status, or try again later.",
        "ko": "허용된 모든 모델이 실패했습니다 ({models}). 공급자 키와 상태를 확인하거나 잠시 후 다시 "
              "시도하세요.",
    },
}
