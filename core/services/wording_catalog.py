"""The error catalog in Korean and English, by code: ``errors.<CODE>`` (what went wrong and where),
``errors.<CODE>.hint`` (how to fix it), ``errors.kind.<kind>`` for a kind without a code of its own,
and the REST API's and the CLI's own words. Worded by ``core.services.wording``."""

from __future__ import annotations

from core.services.wording_cli import CLI_MESSAGES
from core.services.wording_csv import CSV_MESSAGES, RANGE_MESSAGES
from core.services.wording_issues import ISSUE_MESSAGES
from core.services.wording_notes import NOTE_MESSAGES

MESSAGES: dict[str, dict[str, str]] = {
    # The LLM gateway: a vendor's failure names the vendor, the model and the HTTP status.
    "errors.PROVIDER_UNREACHABLE": {
        "en": "Could not reach {vendor} ({model}).",
        "ko": "{vendor}에 연결하지 못했습니다 (모델 {model}).",
    },
    "errors.PROVIDER_UNREACHABLE.hint": {
        "en": "Check the network and {vendor}'s base URL, then try again.",
        "ko": "네트워크와 {vendor} 주소(base URL) 설정을 확인한 뒤 다시 시도하세요.",
    },
    "errors.PROVIDER_STREAM_ERROR": {
        "en": "{vendor} reported an error in the middle of its answer ({model}).",
        "ko": "{vendor}가 답변 도중 오류를 보냈습니다 (모델 {model}).",
    },
    "errors.PROVIDER_STREAM_ERROR.hint": {
        "en": "Try again, or choose another model.",
        "ko": "다시 시도하거나 다른 모델을 고르세요.",
    },
    "errors.PROVIDER_TIMEOUT": {
        "en": "{vendor} did not answer in time ({model}).",
        "ko": "{vendor}가 제한 시간 안에 답하지 않았습니다 (모델 {model}).",
    },
    "errors.PROVIDER_TIMEOUT.hint": {
        "en": "Try again, or raise LLM_REQUEST_TIMEOUT.",
        "ko": "다시 시도하거나 LLM_REQUEST_TIMEOUT 값을 늘리세요.",
    },
    "errors.PROVIDER_BAD_JSON": {
        "en": "{vendor} sent a response for {model} that is not valid JSON.",
        "ko": "{vendor}가 모델 {model}에 대해 읽을 수 없는 응답(올바르지 않은 JSON)을 보냈습니다.",
    },
    "errors.PROVIDER_BAD_JSON.hint": {
        "en": "Try again; if it persists, check {vendor}'s base URL.",
        "ko": "다시 시도하고, 계속되면 {vendor} 주소(base URL) 설정을 확인하세요.",
    },
    "errors.PROVIDER_AUTH_FAILED": {
        "en": "{vendor} rejected the API key for {model} (HTTP {status}).",
        "ko": "{vendor}가 모델 {model}의 API 키를 거부했습니다 (HTTP {status}).",
    },
    "errors.PROVIDER_AUTH_FAILED.hint": {
        "en": "Check the {provider} key in the environment or .streamlit/secrets.toml.",
        "ko": "환경 변수나 .streamlit/secrets.toml에 있는 {provider} 키를 확인하세요.",
    },
    "errors.PROVIDER_RATE_LIMITED": {
        "en": "{vendor} rate-limited {model} (HTTP 429).",
        "ko": "{vendor}가 모델 {model}의 요청 수를 제한했습니다 (HTTP 429).",
    },
    "errors.PROVIDER_RATE_LIMITED.hint": {
        "en": "Wait a moment and try again, or choose a model of another provider.",
        "ko": "잠시 기다린 뒤 다시 시도하거나 다른 공급자의 모델을 고르세요.",
    },
    "errors.PROVIDER_HTTP_ERROR": {
        "en": "{vendor} failed for {model} (HTTP {status}).",
        "ko": "{vendor}가 모델 {model} 요청을 처리하지 못했습니다 (HTTP {status}).",
    },
    "errors.PROVIDER_HTTP_ERROR.hint": {
        "en": "The vendor's service is failing: try again later, or choose a model of another provider.",
        "ko": "공급자 서비스에 장애가 있습니다. 나중에 다시 시도하거나 다른 공급자의 모델을 고르세요.",
    },
    "errors.PROVIDER_REJECTED": {
        "en": "{vendor} refused the request for {model} (HTTP {status}).",
        "ko": "{vendor}가 모델 {model} 요청을 거절했습니다 (HTTP {status}).",
    },
    "errors.PROVIDER_REJECTED.hint": {
        "en": "Check that the model name exists at {vendor}, or choose another model.",
        "ko": "{vendor}에 그 모델 이름이 있는지 확인하거나 다른 모델을 고르세요.",
    },
    "errors.PROVIDER_CONTEXT_TOO_LONG": {
        "en": "{vendor} says the request is too long for {model}.",
        "ko": "{vendor}가 요청이 모델 {model}에 비해 너무 길다고 답했습니다.",
    },
    "errors.PROVIDER_CONTEXT_TOO_LONG.hint": {
        "en": "Shorten the input, or choose a model with a larger context window.",
        "ko": "입력을 줄이거나 컨텍스트 창이 더 큰 모델을 고르세요.",
    },
    "errors.CONTEXT_TOO_LONG": {
        "en": "The request needs {tokens} input tokens + {output} output tokens, more than {model}'s context "
        "window of {window}.",
        "ko": "요청에 입력 토큰 {tokens}개와 출력 토큰 {output}개가 필요해 모델 {model}의 컨텍스트 창({window})을 "
        "넘습니다.",
    },
    "errors.CONTEXT_TOO_LONG.hint": {
        "en": "Shorten the input, lower max_tokens, or choose a model with a larger context window.",
        "ko": "입력을 줄이거나 max_tokens를 낮추거나 컨텍스트 창이 더 큰 모델을 고르세요.",
    },
    "errors.PROVIDER_STREAM_CUT": {
        "en": "The {model} answer stopped before it was finished.",
        "ko": "모델 {model}의 답변이 끝나기 전에 끊겼습니다.",
    },
    "errors.PROVIDER_STREAM_CUT.hint": {
        "en": "Try again; what arrived was charged.",
        "ko": "다시 시도하세요. 이미 받은 부분의 비용은 청구되었습니다.",
    },
    "errors.PROVIDER_NOT_CONFIGURED": {
        "en": "{model} needs a {provider} key, and none is configured.",
        "ko": "모델 {model}에는 {provider} 키가 필요한데 설정되어 있지 않습니다.",
    },
    "errors.PROVIDER_NOT_CONFIGURED.hint": {
        "en": "Set {env} (environment or .streamlit/secrets.toml).",
        "ko": "{env} 값을 설정하세요 (환경 변수 또는 .streamlit/secrets.toml).",
    },
    "errors.DEADLINE_PASSED": {
        "en": "No time left to try {model}: the request's deadline has passed.",
        "ko": "모델 {model}을(를) 시도할 시간이 남지 않았습니다. 요청 제한 시간이 지났습니다.",
    },
    "errors.DEADLINE_PASSED.hint": {
        "en": "Raise LLM_REQUEST_TIMEOUT (the total deadline is three times it) or try again.",
        "ko": "LLM_REQUEST_TIMEOUT 값을 늘리거나(전체 제한 시간은 그 세 배입니다) 다시 시도하세요.",
    },
    "errors.LOCAL_RATE_LIMIT": {
        "en": "The {provider} rate limit needs a {wait_s} s wait, longer than this request has left.",
        "ko": "{provider} 요청 한도 때문에 {wait_s}초를 기다려야 하는데, 이 요청에 남은 시간보다 깁니다.",
    },
    "errors.LOCAL_RATE_LIMIT.hint": {
        "en": "Raise the provider's rpm/tpm in STUDIO_MODELS_FILE or try again shortly.",
        "ko": "STUDIO_MODELS_FILE에서 공급자의 rpm/tpm을 늘리거나 잠시 후 다시 시도하세요.",
    },
    "errors.ALL_MODELS_FAILED": {
        "en": "Every model failed for {use_case}: {attempts}",
        "ko": "{use_case}에 쓸 수 있는 모든 모델이 실패했습니다: {attempts}",
    },
    "errors.ALL_MODELS_FAILED.hint": {
        "en": "Check the provider keys and status, or try again later.",
        "ko": "공급자 키와 상태를 확인하거나 나중에 다시 시도하세요.",
    },
    "errors.MODEL_OUTPUT_INVALID": {
        "en": "The model's answer could not be used after {attempts} attempt(s); each was charged.",
        "ko": "모델의 답변을 {attempts}번 시도했지만 쓸 수 없었습니다. 시도마다 비용이 청구되었습니다.",
    },
    "errors.MODEL_OUTPUT_INVALID.hint": {
        "en": "Rephrase the request more concretely, or choose another model (the offline engine always "
        "returns a valid result for what it understands).",
        "ko": "요청을 더 구체적으로 바꾸거나 다른 모델을 고르세요 (오프라인 엔진은 이해한 내용에 대해 항상 "
        "올바른 결과를 돌려줍니다).",
    },
    "errors.UNKNOWN_MODEL": {
        "en": "Unknown model '{name}'.",
        "ko": "알 수 없는 모델입니다: '{name}'.",
    },
    "errors.UNKNOWN_MODEL.hint": {
        "en": "Run `python -m core models` to list every model and alias.",
        "ko": "`python -m core models`로 모든 모델과 별칭을 확인하세요.",
    },
    "errors.PRICE_UNKNOWN": {
        "en": "{model} has no known price, so it cannot be used against the monthly quota.",
        "ko": "모델 {model}은(는) 가격을 알 수 없어 월간 한도 안에서 쓸 수 없습니다.",
    },
    "errors.PRICE_UNKNOWN.hint": {
        "en": "Add its prices (input, output per million tokens) to the file named by STUDIO_MODELS_FILE.",
        "ko": "STUDIO_MODELS_FILE이 가리키는 파일에 이 모델의 가격(백만 토큰당 입력·출력)을 넣으세요.",
    },
    # The quota: the figures, the reset date and the way on.
    "errors.QUOTA_EXCEEDED": {
        "en": "Monthly LLM quota reached for user {user_id}: {spend_usd} spent in {month} of {quota_usd}; this "
        "request could cost up to {worst_case_usd}. The quota resets on {reset_date} (UTC).",
        "ko": "사용자 {user_id}의 월간 LLM 한도에 도달했습니다: {month}에 {quota_usd} 중 {spend_usd}를 썼고, 이 "
        "요청은 최대 {worst_case_usd}가 들 수 있습니다. 한도는 {reset_date}(UTC)에 초기화됩니다.",
    },
    "errors.QUOTA_EXCEEDED.hint": {
        "en": "Raise LLM_MONTHLY_QUOTA_USD or this user's quota on the Usage page, pick a cheaper model, or ask "
        "for a shorter answer.",
        "ko": "LLM_MONTHLY_QUOTA_USD나 사용량 페이지의 이 사용자 한도를 올리거나, 더 저렴한 모델을 고르거나, "
        "더 짧은 답변을 요청하세요.",
    },
    "errors.NEWS_NOT_RUN": {
        "en": "not run: the quota was exceeded",
        "ko": "실행하지 않음: 이 묶음의 앞선 항목에서 한도를 넘었습니다.",
    },
    "errors.QUOTA_OVERSPENT": {
        "en": "Monthly LLM quota reached for user {user_id}: {spend_usd} spent in {month} of {quota_usd}, more than "
        "the quota because a vendor billed more than was reserved. The quota resets on {reset_date} (UTC).",
        "ko": "사용자 {user_id}의 월간 LLM 한도에 도달했습니다: {month}에 {quota_usd} 중 {spend_usd}를 써서, "
        "공급자가 예약보다 많이 청구한 탓에 한도를 넘었습니다. 한도는 {reset_date}(UTC)에 초기화됩니다.",
    },
    "errors.QUOTA_OVERSPENT.hint": {
        "en": "No paid call runs until the quota is raised (LLM_MONTHLY_QUOTA_USD or the Usage page) or the month "
        "ends.",
        "ko": "한도를 올리거나(LLM_MONTHLY_QUOTA_USD 또는 사용량 페이지) 달이 바뀔 때까지 유료 호출은 실행되지 "
        "않습니다.",
    },
    # Storage: the file or database and the fix; nothing was changed.
    "errors.SCHEMA_TOO_NEW": {
        "en": "The database {path} has schema version {found}, newer than this build understands (version "
        "{known}). It can be read, but nothing is written to it.",
        "ko": "데이터베이스 {path}의 스키마 버전은 {found}(으)로, 이 빌드가 아는 버전({known})보다 새롭습니다. "
        "읽을 수는 있지만 아무것도 기록하지 않습니다.",
    },
    "errors.SCHEMA_TOO_NEW.hint": {
        "en": "Upgrade Strategy Studio to the build that wrote it, or point STUDIO_DB / STUDIO_DATABASE_URL "
        "elsewhere.",
        "ko": "그 데이터베이스를 만든 빌드로 Strategy Studio를 업그레이드하거나 STUDIO_DB / "
        "STUDIO_DATABASE_URL을 다른 곳으로 바꾸세요.",
    },
    "errors.DATABASE_UNAVAILABLE": {
        "en": "The database {where} cannot be reached right now; nothing was saved.",
        "ko": "지금은 데이터베이스 {where}에 연결할 수 없습니다. 아무것도 저장되지 않았습니다.",
    },
    "errors.DATABASE_UNAVAILABLE.hint": {
        "en": "Try again in a moment. If it persists, check that PostgreSQL is running and that "
        "STUDIO_DATABASE_URL is right.",
        "ko": "잠시 후 다시 시도하세요. 계속되면 PostgreSQL이 실행 중인지, STUDIO_DATABASE_URL이 맞는지 "
        "확인하세요.",
    },
    "errors.DB_IS_DIRECTORY": {
        "en": "STUDIO_DB points at {path}, which is a directory, not a database file.",
        "ko": "STUDIO_DB가 가리키는 {path}은(는) 데이터베이스 파일이 아니라 폴더입니다.",
    },
    "errors.DB_IS_DIRECTORY.hint": {
        "en": "Set STUDIO_DB to a file path such as data/studio.db.",
        "ko": "STUDIO_DB를 data/studio.db 같은 파일 경로로 설정하세요.",
    },
    "errors.DB_READ_ONLY": {
        "en": "The database {path} is read-only, so usage and strategies cannot be saved.",
        "ko": "데이터베이스 {path}이(가) 읽기 전용이라 사용량과 전략을 저장할 수 없습니다.",
    },
    "errors.DB_READ_ONLY.hint": {
        "en": "Make the file and its folder writable, or set STUDIO_DB to a writable file.",
        "ko": "파일과 폴더에 쓰기 권한을 주거나 STUDIO_DB를 쓸 수 있는 파일로 바꾸세요.",
    },
    "errors.DB_UNREADABLE": {
        "en": "The database {path} cannot be read.",
        "ko": "데이터베이스 {path}을(를) 읽을 수 없습니다.",
    },
    "errors.DB_UNREADABLE.hint": {
        "en": "Check its permissions or set STUDIO_DB to another file.",
        "ko": "파일 권한을 확인하거나 STUDIO_DB를 다른 파일로 바꾸세요.",
    },
    "errors.DB_NOT_SQLITE": {
        "en": "The database {path} is not an SQLite database (it may be corrupt or another kind of file).",
        "ko": "데이터베이스 {path}은(는) SQLite 데이터베이스가 아닙니다 (손상되었거나 다른 종류의 파일입니다).",
    },
    "errors.DB_CORRUPT": {
        "en": "The database {path} is corrupt.",
        "ko": "데이터베이스 {path}이(가) 손상되었습니다.",
    },
    "errors.DB_NOT_SQLITE.hint": {
        "en": "Your data was left untouched. Restore {path} from a backup, or move it aside so a fresh database "
        "is created, or set STUDIO_DB to another file.",
        "ko": "데이터는 그대로 두었습니다. {path}을(를) 백업에서 복원하거나, 옆으로 옮겨 새 데이터베이스가 "
        "만들어지게 하거나, STUDIO_DB를 다른 파일로 바꾸세요.",
    },
    "errors.DB_CANNOT_OPEN": {
        "en": "The database {path} cannot be opened.",
        "ko": "데이터베이스 {path}을(를) 열 수 없습니다.",
    },
    "errors.DB_CANNOT_OPEN.hint": {
        "en": "Check that the file and its folder exist and are readable and writable, or set STUDIO_DB to "
        "another file.",
        "ko": "파일과 폴더가 있고 읽고 쓸 수 있는지 확인하거나 STUDIO_DB를 다른 파일로 바꾸세요.",
    },
    "errors.DB_FAILED": {
        "en": "The database {path} failed.",
        "ko": "데이터베이스 {path} 작업이 실패했습니다.",
    },
    "errors.DB_FOLDER": {
        "en": "Cannot create the folder {folder} for the database {path}.",
        "ko": "데이터베이스 {path}을(를) 둘 폴더 {folder}을(를) 만들 수 없습니다.",
    },
    "errors.DB_FOLDER.hint": {
        "en": "Create it yourself or set STUDIO_DB to a path in a writable folder.",
        "ko": "폴더를 직접 만들거나 STUDIO_DB를 쓸 수 있는 폴더 안의 경로로 바꾸세요.",
    },
    "errors.DB_FOREIGN": {
        "en": "The file {path} is an SQLite database of another application, not a Strategy Studio database; it "
        "was left untouched.",
        "ko": "{path} 파일은 다른 프로그램의 SQLite 데이터베이스로, Strategy Studio 데이터베이스가 아닙니다. "
        "파일은 건드리지 않았습니다.",
    },
    "errors.DB_FOREIGN.hint": {
        "en": "Set STUDIO_DB to a Strategy Studio database, or to a new file name to start a fresh one.",
        "ko": "STUDIO_DB를 Strategy Studio 데이터베이스나 새 파일 이름으로 바꾸세요.",
    },
    # Configuration.
    "errors.CONFIG_INVALID": {
        "en": "Invalid configuration: {names}.",
        "ko": "설정 값이 올바르지 않습니다: {names}.",
    },
    "errors.CONFIG_INVALID.hint": {
        "en": "Fix the environment variable or .streamlit/secrets.toml.",
        "ko": "해당 환경 변수나 .streamlit/secrets.toml을 고치세요.",
    },
    "errors.CONFIG_SECRETS_TOML": {
        "en": "{path} is not valid TOML.",
        "ko": "{path} 파일이 올바른 TOML이 아닙니다.",
    },
    "errors.CONFIG_SECRETS_TOML.hint": {
        "en": "Fix the file or remove it; keys can also come from environment variables.",
        "ko": "파일을 고치거나 지우세요. 키는 환경 변수로도 설정할 수 있습니다.",
    },
    # A kind without a code of its own: what happened and the next step, in general words.
    "errors.kind.unauthorized": {
        "en": "The API key is missing, unknown or revoked.",
        "ko": "API 키가 없거나, 알 수 없거나, 폐기되었습니다. 설정 페이지에서 새 키를 만드세요.",
    },
    "errors.kind.forbidden": {"en": "Only an admin may do this.", "ko": "관리자만 할 수 있는 작업입니다."},
    "errors.kind.not_found": {
        "en": "Not found.",
        "ko": "찾을 수 없습니다. 이름이나 ID를 확인하세요.",
    },
    "errors.kind.request_rate_limited": {
        "en": "Too many requests.",
        "ko": "요청이 너무 많습니다. 잠시 기다린 뒤 다시 시도하세요.",
    },
    "errors.kind.storage": {
        "en": "The database cannot be used.",
        "ko": "데이터베이스를 사용할 수 없습니다. STUDIO_DB 또는 STUDIO_DATABASE_URL 설정을 확인하세요.",
    },
    "errors.kind.config": {
        "en": "The configuration is not valid.",
        "ko": "설정이 올바르지 않습니다. 환경 변수나 .streamlit/secrets.toml을 확인하세요.",
    },
    "errors.kind.unavailable": {
        "en": "The model's provider is not available.",
        "ko": "모델 공급자를 사용할 수 없습니다. 나중에 다시 시도하거나 다른 모델을 고르세요.",
    },
    "errors.kind.error": {
        "en": "The request failed.",
        "ko": "요청이 실패했습니다. 다시 시도하고, 계속되면 서버 로그를 확인하세요.",
    },
    # Words inside messages.
    "errors.attempt": {"en": "{model}: {message}", "ko": "{model}: {message}"},
    "errors.use_case.strategy_generation": {"en": "strategy generation", "ko": "전략 생성"},
    "errors.use_case.strategy_refinement": {"en": "strategy refinement", "ko": "전략 수정"},
    "errors.use_case.market_analysis": {"en": "market analysis", "ko": "시장 분석"},
    "errors.use_case.news_sentiment": {"en": "news sentiment", "ko": "뉴스 감성 분석"},
    "errors.use_case.strategy_optimization": {"en": "strategy optimisation", "ko": "전략 최적화"},
    # The REST API's own answers (not a StudioError).
    "errors.api.invalid_request": {"en": "The request is not valid.", "ko": "요청이 올바르지 않습니다."},
    "errors.api.too_large": {"en": "A field is longer than its limit.", "ko": "필드 하나가 길이 제한을 넘습니다."},
    "errors.api.unreadable_body": {
        "en": "The request body cannot be read as JSON (UTF-8).",
        "ko": "요청 본문을 JSON(UTF-8)으로 읽을 수 없습니다.",
    },
    "errors.api.internal": {
        "en": "Something went wrong on our side; the error was logged.",
        "ko": "서버 쪽에서 문제가 생겼습니다. 오류는 기록되었습니다.",
    },
    "errors.cli.prefix": {"en": "error", "ko": "오류"},
    **CSV_MESSAGES,
    **RANGE_MESSAGES,
    **NOTE_MESSAGES,
    **ISSUE_MESSAGES,
    **CLI_MESSAGES,
    "errors.cli.os": {"en": "cannot read or write{where}: {reason}",
                      "ko": "파일을 읽거나 쓸 수 없습니다{where}: {reason}"},
}
