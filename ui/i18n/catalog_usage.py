"""Usage page strings (keys prefixed ``usage.``)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "usage.title": {"en": "LLM usage and cost", "ko": "LLM 사용량과 비용"},
    "usage.intro": {
        "en": "What every model call cost, month by month (UTC), against your monthly quota.",
        "ko": "모든 모델 호출의 비용을 월별(UTC)로, 월 한도와 함께 보여줍니다.",
    },
    "usage.month": {"en": "Month (UTC)", "ko": "월 (UTC)"},
    "usage.scope": {"en": "All users", "ko": "전체 사용자"},
    "usage.scope_help": {
        "en": "Sum the usage of every user ID instead of only yours. Quota figures are per user, so they are hidden.",
        "ko": "내 사용자 ID만이 아니라 모든 사용자의 사용량을 합산합니다. 한도는 사용자별이라 숨겨집니다.",
    },
    "usage.viewing": {"en": "Showing user **{user}**, {month}", "ko": "사용자 **{user}**, {month}"},
    "usage.viewing_all": {"en": "Showing **all users**, {month}", "ko": "**전체 사용자**, {month}"},
    # KPIs
    "usage.kpi.spend": {"en": "Spend this month", "ko": "이번 달 비용"},
    "usage.kpi.spend_help": {
        "en": "Settled cost of every call in the month, exact to the micro-dollar.",
        "ko": "이번 달 모든 호출의 정산 비용(마이크로달러 단위까지 정확).",
    },
    "usage.kpi.remaining": {"en": "Remaining quota", "ko": "남은 한도"},
    "usage.kpi.remaining_of": {"en": "of {quota}", "ko": "한도 {quota}"},
    "usage.kpi.no_quota": {"en": "—", "ko": "—"},
    "usage.kpi.none": {"en": "—", "ko": "—"},
    "usage.kpi.projection": {"en": "Projected", "ko": "월말 예상"},
    "usage.kpi.projection_help": {
        "en": "Month-end spend at the pace so far: spend divided by the share of the month that has passed.",
        "ko": "지금까지의 속도로 본 월말 비용: 지금까지의 비용을 지난 기간 비율로 나눈 값입니다.",
    },
    "usage.kpi.requests": {"en": "Requests", "ko": "요청 수"},
    "usage.kpi.errors": {"en": "{n} failed", "ko": "실패 {n}건"},
    "usage.kpi.tokens": {"en": "Tokens", "ko": "토큰"},
    "usage.kpi.savings": {"en": "Cache savings", "ko": "캐시 절감액"},
    "usage.kpi.hit_rate": {"en": "{pct}% cache hits", "ko": "캐시 적중 {pct}%"},
    # Quota banners
    "usage.banner.over": {
        "en": "The monthly quota is used up: {spend} of {quota}. Model calls are refused until {reset} (UTC); "
              "the offline engine still works. Raise the quota below or set LLM_MONTHLY_QUOTA_USD.",
        "ko": "월 한도를 모두 사용했습니다: {quota} 중 {spend}. {reset}(UTC)까지 모델 호출이 거절되며, "
              "오프라인 엔진은 계속 동작합니다. 아래에서 한도를 올리거나 LLM_MONTHLY_QUOTA_USD를 설정하세요.",
    },
    "usage.banner.near": {
        "en": "{pct}% of the monthly quota is used: {spend} of {quota}. It resets on {reset} (UTC).",
        "ko": "월 한도의 {pct}%를 사용했습니다: {quota} 중 {spend}. {reset}(UTC)에 초기화됩니다.",
    },
    # Charts
    "usage.chart.daily": {"en": "Daily spend by model", "ko": "모델별 일일 비용"},
    "usage.chart.day": {"en": "Day (UTC)", "ko": "날짜 (UTC)"},
    "usage.chart.spend": {"en": "Spend (USD)", "ko": "비용 (USD)"},
    "usage.chart.model": {"en": "Model", "ko": "모델"},
    "usage.chart.provider": {"en": "By provider", "ko": "제공자별"},
    "usage.chart.use_case": {"en": "By feature", "ko": "기능별"},
    "usage.chart.tokens": {"en": "Tokens by kind", "ko": "종류별 토큰"},
    "usage.chart.kind": {"en": "Kind", "ko": "종류"},
    "usage.chart.count": {"en": "Tokens", "ko": "토큰 수"},
    "usage.chart.requests": {"en": "Requests", "ko": "요청 수"},
    "usage.empty": {
        "en": "No model calls in {month} yet. Generate a strategy or analyse the market and the cost shows up here.",
        "ko": "{month}에는 아직 모델 호출이 없습니다. 전략을 생성하거나 시장을 분석하면 비용이 여기에 표시됩니다.",
    },
    "usage.token.input_tokens": {"en": "Input", "ko": "입력"},
    "usage.token.output_tokens": {"en": "Output", "ko": "출력"},
    "usage.token.cache_read_tokens": {"en": "Cache read", "ko": "캐시 읽기"},
    "usage.token.cache_write_tokens": {"en": "Cache write", "ko": "캐시 쓰기"},
    "usage.token.reasoning_tokens": {"en": "Reasoning (part of output)", "ko": "추론 (출력에 포함)"},
    "usage.use_case.strategy_generation": {"en": "Strategy generation", "ko": "전략 생성"},
    "usage.use_case.strategy_refinement": {"en": "Strategy refinement", "ko": "전략 수정"},
    "usage.use_case.market_analysis": {"en": "Market analysis", "ko": "시장 분석"},
    "usage.use_case.news_sentiment": {"en": "News sentiment", "ko": "뉴스 감성"},
    "usage.use_case.strategy_optimization": {"en": "Optimization", "ko": "최적화"},
    # Recent requests
    "usage.recent": {"en": "Recent requests", "ko": "최근 요청"},
    "usage.filter.model": {"en": "Model", "ko": "모델"},
    "usage.filter.provider": {"en": "Provider", "ko": "제공자"},
    "usage.filter.use_case": {"en": "Feature", "ko": "기능"},
    "usage.filter.status": {"en": "Status", "ko": "상태"},
    "usage.filter.user": {"en": "User", "ko": "사용자"},
    "usage.filter.any": {"en": "Any", "ko": "전체"},
    "usage.status.ok": {"en": "OK", "ko": "성공"},
    "usage.status.cached": {"en": "From cache", "ko": "캐시"},
    "usage.status.cut": {"en": "Cut short", "ko": "중단됨"},
    "usage.status.errors": {"en": "Failed", "ko": "실패"},
    "usage.status.overrun": {"en": "Overrun", "ko": "예약 초과"},
    "usage.status.abandoned": {"en": "Abandoned", "ko": "중단된 호출"},
    "usage.status.estimate": {"en": "Estimate", "ko": "추정"},
    "usage.status.cache_hit": {"en": "Cache hit", "ko": "캐시 적중"},
    "usage.status.adjustment": {"en": "Adjustment", "ko": "조정"},
    "usage.billing.ok": {"en": "ok", "ko": "정상"},
    "usage.billing.overrun": {"en": "overrun", "ko": "예약 초과"},
    "usage.billing.abandoned": {"en": "abandoned", "ko": "중단됨 (추정 청구)"},
    "usage.billing.estimate": {"en": "estimate", "ko": "추정"},
    "usage.billing.error": {"en": "error", "ko": "오류"},
    "usage.billing.cache_hit": {"en": "cache_hit", "ko": "캐시 적중"},
    "usage.billing.adjustment": {"en": "adjustment", "ko": "조정"},
    "usage.col.billing_status": {"en": "Billing", "ko": "청구 상태"},
    "usage.col.id": {"en": "Row", "ko": "행"},
    "usage.reconcile.help": {
        "en": "Reconcile an abandoned or estimated row with what the vendor billed. The row stays; an adjustment "
              "row records the difference, your note and your name.",
        "ko": "중단되었거나 추정으로 청구된 행을 공급자의 실제 청구액으로 정정합니다. 원래 행은 남고, 차액과 메모, "
              "작성자가 조정 행으로 기록됩니다.",
    },
    "usage.reconcile.row": {"en": "Row", "ko": "행 번호"},
    "usage.reconcile.usd": {"en": "Billed (USD)", "ko": "청구액 (USD)"},
    "usage.reconcile.note": {"en": "Note (where the figure comes from)", "ko": "메모 (금액의 출처)"},
    "usage.reconcile.save": {"en": "Reconcile", "ko": "정정"},
    "usage.reconcile.saved": {"en": "Row {row} reconciled (adjustment row {adjustment}).",
                              "ko": "{row}번 행을 정정했습니다 (조정 행 {adjustment})."},
    "usage.new_database": {
        "en": "A new, empty database was created at {path} (STUDIO_DB). If you expected your existing usage and "
              "strategies, check that path.",
        "ko": "{path} 에 새 빈 데이터베이스를 만들었습니다 (STUDIO_DB). "
              "기존 사용량과 전략이 있어야 한다면 경로를 확인하세요.",
    },
    "usage.overruns": {
        "en": "{n} call(s) this month were billed above their reservation ({usd} in all). They are recorded at the "
              "vendor's figures; while the month is over quota, paid calls are refused.",
        "ko": "이번 달 {n}건의 호출이 예약 금액보다 많이 청구되었습니다 (합계 {usd}). 공급자 청구액 그대로 기록되며, "
              "한도를 넘은 동안에는 유료 호출이 거부됩니다.",
    },
    "usage.recent.none": {"en": "No request matches these filters.", "ko": "조건에 맞는 요청이 없습니다."},
    "usage.recent.shown": {"en": "Newest {n} requests.", "ko": "최근 {n}건."},
    "usage.col.created_at": {"en": "Time (UTC)", "ko": "시각 (UTC)"},
    "usage.col.user_id": {"en": "User", "ko": "사용자"},
    "usage.col.use_case": {"en": "Feature", "ko": "기능"},
    "usage.col.provider": {"en": "Provider", "ko": "제공자"},
    "usage.col.model": {"en": "Model", "ko": "모델"},
    "usage.col.status": {"en": "Status", "ko": "상태"},
    "usage.col.input_tokens": {"en": "Input", "ko": "입력"},
    "usage.col.output_tokens": {"en": "Output", "ko": "출력"},
    "usage.col.cost_usd": {"en": "Cost (USD)", "ko": "비용 (USD)"},
    "usage.col.cost_saved_usd": {"en": "Saved (USD)", "ko": "절감 (USD)"},
    "usage.col.latency_ms": {"en": "Latency (ms)", "ko": "지연 (ms)"},
    "usage.col.error": {"en": "Error", "ko": "오류"},
    "usage.download": {"en": "Download CSV", "ko": "CSV 다운로드"},
    "usage.download_help": {
        "en": "Every ledger row of the month matching the filters, with exact costs.",
        "ko": "필터에 맞는 이번 달 모든 기록을 정확한 비용과 함께 내려받습니다.",
    },
    # Quota and cache administration
    "usage.admin": {"en": "Quota and cache", "ko": "한도와 캐시"},
    "usage.quota.label": {"en": "Monthly quota for {user} (USD)", "ko": "{user}의 월 한도 (USD)"},
    "usage.quota.help": {
        "en": "Overrides LLM_MONTHLY_QUOTA_USD for this user. Calls whose worst-case cost does not fit are refused.",
        "ko": "이 사용자에 대해 LLM_MONTHLY_QUOTA_USD를 대신합니다. "
              "최악의 경우 비용이 남은 한도를 넘는 호출은 거절됩니다.",
    },
    "usage.quota.save": {"en": "Save quota", "ko": "한도 저장"},
    "usage.quota.reset": {"en": "Use the default", "ko": "기본값 사용"},
    "usage.quota.saved": {
        "en": "Quota for {user} set to {quota}.", "ko": "{user}의 한도를 {quota}(으)로 설정했습니다.",
    },
    "usage.quota.defaulted": {
        "en": "{user} now uses the default quota.", "ko": "{user}은(는) 이제 기본 한도를 사용합니다.",
    },
    "usage.cache.stats": {
        "en": "Response cache: {entries} answers stored for {user}.",
        "ko": "응답 캐시: {user}의 답변 {entries}개가 저장되어 있습니다.",
    },
    "usage.cache.clear": {"en": "Clear my cached answers", "ko": "내 캐시된 답변 지우기"},
    "usage.cache.cleared": {"en": "Removed {n} cached answers.", "ko": "캐시된 답변 {n}개를 지웠습니다."},
}
