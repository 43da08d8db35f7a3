"""Shell strings: navigation, sidebar, Home and Settings pages, shared error text."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # Navigation titles (one per page file).
    "common.nav.home": {"en": "Strategy Studio", "ko": "Strategy Studio"},
    "common.nav.generate": {"en": "Generate a strategy", "ko": "전략 생성"},
    "common.nav.strategies": {"en": "Strategies", "ko": "전략 목록"},
    "common.nav.market": {"en": "Market data", "ko": "시장 데이터"},
    "common.nav.news": {"en": "News sentiment", "ko": "뉴스 감성 분석"},
    "common.nav.optimize": {"en": "Optimise a strategy", "ko": "전략 최적화"},
    "common.nav.usage": {"en": "LLM usage and cost", "ko": "LLM 사용량과 비용"},
    "common.nav.settings": {"en": "Settings", "ko": "설정"},
    "common.app_title": {"en": "Strategy Studio", "ko": "Strategy Studio"},
    # Sidebar.
    "common.sidebar.language": {"en": "Language", "ko": "언어"},
    "common.sidebar.language_help": {
        "en": "Changes every label of the interface. Model answers follow the language you write in.",
        "ko": "화면의 모든 문구를 바꿉니다. 모델의 답변은 입력한 글의 언어를 따릅니다.",
    },
    "common.sidebar.providers": {"en": "Providers", "ko": "LLM 제공자"},
    "common.sidebar.provider_on": {"en": "{name}: configured", "ko": "{name}: 설정됨"},
    "common.sidebar.provider_offline": {"en": "{name}: always on, free", "ko": "{name}: 항상 사용 가능, 무료"},
    "common.sidebar.provider_off": {"en": "{name}: no key", "ko": "{name}: 키 없음"},
    "common.sidebar.offline_note": {
        "en": "No key needed: the offline rule-based engine always answers.",
        "ko": "키가 없어도 오프라인 규칙 기반 엔진이 항상 응답합니다.",
    },
    "common.sidebar.spend": {"en": "Spend this month", "ko": "이번 달 비용"},
    "common.sidebar.spend_text": {
        "en": "${spend} of ${quota} ({pct}%) · resets {reset}",
        "ko": "${quota} 중 ${spend} 사용 ({pct}%) · {reset} 초기화",
    },
    # Errors.
    "common.error.unexpected": {
        "en": "Something went wrong on our side and this action did not finish. Try again; if it keeps "
        "happening, tell the administrator: the details are in the server log.",
        "ko": "서버 쪽에서 문제가 생겨 이 작업을 마치지 못했습니다. 다시 시도해 보시고, 계속되면 관리자에게 "
        "알려 주세요. 자세한 내용은 서버 로그에 기록되어 있습니다.",
    },
    "common.error.quota_offline": {
        "en": "The offline rule-based engine is free and never limited by the quota: choose "
        "“offline” in the model list to continue now.",
        "ko": "오프라인 규칙 기반 엔진은 무료이며 한도의 제한을 받지 않습니다. 모델 목록에서 "
        "“offline”을 선택하면 바로 계속할 수 있습니다.",
    },
    "common.error.use_offline": {"en": "Use the offline engine", "ko": "오프라인 엔진 사용"},
    # Home.
    "home.title": {"en": "Strategy Studio", "ko": "Strategy Studio"},
    "home.intro": {
        "en": "Describe a crypto trading strategy in plain Korean or English and get an interactive "
        "node-edge graph you can check, refine, save and backtest. Every model call is priced "
        "exactly, and with no API key the built-in offline engine still answers.",
        "ko": "암호화폐 매매 전략을 한국어나 영어로 설명하면 확인·수정·저장·백테스트할 수 있는 "
        "노드-엣지 그래프로 만들어 드립니다. 모든 모델 호출의 비용을 정확히 계산하며, API 키가 "
        "없어도 내장 오프라인 엔진이 응답합니다.",
    },
    "home.first_steps": {"en": "First steps", "ko": "시작하기"},
    "home.step.generate": {
        "en": "1. Describe a strategy and see its graph",
        "ko": "1. 전략을 설명하고 그래프로 확인하기",
    },
    "home.step.strategies": {
        "en": "2. Open, version and backtest saved strategies",
        "ko": "2. 저장된 전략을 열고 버전 관리·백테스트하기",
    },
    "home.step.market": {"en": "3. Analyse market data", "ko": "3. 시장 데이터 분석하기"},
    "home.step.news": {"en": "4. Score news sentiment", "ko": "4. 뉴스 감성 점수 보기"},
    "home.step.optimize": {"en": "5. Optimise a strategy", "ko": "5. 전략 최적화하기"},
    "home.step.usage": {"en": "6. Check what the models cost", "ko": "6. 모델 사용 비용 확인하기"},
    "home.step.settings": {
        "en": "7. See providers, models and prices",
        "ko": "7. 제공자·모델·가격 확인하기",
    },
    "home.state": {"en": "State of things", "ko": "현재 상태"},
    "home.providers_metric": {"en": "Providers configured", "ko": "설정된 제공자"},
    "home.providers_none": {
        "en": "No API key is set: the offline engine answers every request. Add a key in the "
        "environment or .streamlit/secrets.toml to use a hosted model.",
        "ko": "API 키가 설정되지 않아 오프라인 엔진이 모든 요청에 응답합니다. 호스팅 모델을 쓰려면 "
        "환경 변수나 .streamlit/secrets.toml에 키를 추가하세요.",
    },
    "home.spend_metric": {"en": "Spend this month", "ko": "이번 달 비용"},
    "home.quota_metric": {"en": "Monthly quota", "ko": "월 한도"},
    "home.recent": {"en": "Recent strategies", "ko": "최근 전략"},
    "home.recent_none": {
        "en": "No saved strategy yet. Start on the Generate page.",
        "ko": "저장된 전략이 아직 없습니다. 전략 생성 페이지에서 시작하세요.",
    },
    "home.open_library": {"en": "Open the strategy library", "ko": "전략 목록 열기"},
    "home.col.name": {"en": "Name", "ko": "이름"},
    "home.col.version": {"en": "Version", "ko": "버전"},
    "home.col.updated": {"en": "Updated", "ko": "수정 시각"},
    # Settings.
    "settings.title": {"en": "Settings", "ko": "설정"},
    "settings.providers": {"en": "Providers", "ko": "LLM 제공자"},
    "settings.providers_help": {
        "en": "Keys are read from the environment or .streamlit/secrets.toml and are never shown here.",
        "ko": "키는 환경 변수나 .streamlit/secrets.toml에서 읽으며 여기에 표시되지 않습니다.",
    },
    "settings.col.provider": {"en": "Provider", "ko": "제공자"},
    "settings.col.configured": {"en": "Configured", "ko": "설정됨"},
    "settings.col.base_url": {"en": "Base URL", "ko": "Base URL"},
    "settings.col.note": {"en": "Note", "ko": "비고"},
    "settings.registry": {"en": "Model registry", "ko": "모델 레지스트리"},
    "settings.registry_help": {
        "en": "Prices are US dollars per million tokens; an empty price is unknown (never free). "
        "Add or override entries with STUDIO_MODELS_FILE.",
        "ko": "가격은 100만 토큰당 미국 달러입니다. 비어 있는 가격은 '알 수 없음'(무료 아님)입니다. "
        "STUDIO_MODELS_FILE로 항목을 추가하거나 덮어쓸 수 있습니다.",
    },
    "settings.col.model": {"en": "Model", "ko": "모델"},
    "settings.col.alias_of": {"en": "Alias of", "ko": "별칭 대상"},
    "settings.col.input": {"en": "Input $/Mtok", "ko": "입력 $/M토큰"},
    "settings.col.output": {"en": "Output $/Mtok", "ko": "출력 $/M토큰"},
    "settings.col.cache_read": {"en": "Cache read $/Mtok", "ko": "캐시 읽기 $/M토큰"},
    "settings.col.cache_write": {"en": "Cache write $/Mtok", "ko": "캐시 쓰기 $/M토큰"},
    "settings.col.context": {"en": "Context window", "ko": "컨텍스트 창"},
    "settings.col.max_output": {"en": "Max output", "ko": "최대 출력"},
    "settings.col.structured": {"en": "Structured output", "ko": "구조화 출력"},
    "settings.col.use_cases": {"en": "Use cases", "ko": "용도"},
    "settings.aliases": {"en": "Aliases", "ko": "별칭"},
    "settings.alias_line": {
        "en": "**{alias}** is an alias: requests for it go to its successor **{target}**.",
        "ko": "**{alias}**은(는) 별칭입니다. 이 이름의 요청은 후속 모델 **{target}**(으)로 전달됩니다.",
    },
    "settings.routing": {"en": "Routing chains", "ko": "라우팅 순서"},
    "settings.routing_help": {
        "en": "Models are tried in this order for each use case; unconfigured providers are skipped "
        "and the offline engine is always last.",
        "ko": "용도별로 이 순서대로 모델을 시도합니다. 설정되지 않은 제공자는 건너뛰며 오프라인 엔진이 "
        "항상 마지막입니다.",
    },
    "settings.col.use_case": {"en": "Use case", "ko": "용도"},
    "settings.col.chain": {"en": "Chain", "ko": "순서"},
    "settings.language": {"en": "Language", "ko": "언어"},
    "settings.language_label": {"en": "Interface language", "ko": "화면 언어"},
    "settings.language_help": {
        "en": "The default follows your browser; the choice is kept for this session.",
        "ko": "기본값은 브라우저 언어를 따르며, 선택은 이 세션 동안 유지됩니다.",
    },
    "settings.col.full_chain": {"en": "Full chain (with unconfigured)", "ko": "전체 순서 (미설정 포함)"},
    "settings.unknown": {"en": "unknown", "ko": "알 수 없음"},
    "settings.note_offline": {
        "en": "rule-based engine: always available, free",
        "ko": "규칙 기반 엔진: 항상 사용 가능, 무료",
    },
    "settings.note_configured": {"en": "configured", "ko": "설정됨"},
    "settings.note_missing": {"en": "not configured: set {env}", "ko": "설정되지 않음: {env}을(를) 설정하세요"},
    "settings.or_open": {"en": " (or ", "ko": " (또는 "},
    "settings.and": {"en": " and ", "ko": " 및 "},
    "settings.yes": {"en": "yes", "ko": "예"},
    "settings.no": {"en": "no", "ko": "아니요"},
    # Use-case names, shared by pages that show them.
    "common.use_case.strategy_generation": {"en": "Strategy generation", "ko": "전략 생성"},
    "common.use_case.strategy_refinement": {"en": "Strategy refinement", "ko": "전략 수정"},
    "common.use_case.market_analysis": {"en": "Market analysis", "ko": "시장 분석"},
    "common.use_case.news_sentiment": {"en": "News sentiment", "ko": "뉴스 감성 분석"},
    "common.use_case.strategy_optimization": {"en": "Strategy optimisation", "ko": "전략 최적화"},
}
