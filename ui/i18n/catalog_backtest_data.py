"""Texts of the backtest's data choice (closest bundled sample, upload, live fetch) and its date range."""

MESSAGES: dict[str, dict[str, str]] = {
    "market.bt.source.sample": {
        "en": "Bundled sample ({symbol} {timeframe})", "ko": "내장 샘플 ({symbol} {timeframe})"},
    "market.bt.source.closest": {
        "en": "Closest bundled sample ({symbol} {timeframe})", "ko": "가장 가까운 내장 샘플 ({symbol} {timeframe})"},
    "market.bt.source.live": {"en": "Live from an exchange (ccxt)", "ko": "거래소 실시간 데이터 (ccxt)"},
    "market.bt.live_note": {
        "en": "Fetches the latest bars through ccxt (public data, no key), stored locally for reuse.",
        "ko": "ccxt로 최근 봉을 가져옵니다(공개 데이터, 키 불필요). 다시 쓸 수 있도록 로컬에 저장합니다.",
    },
    "market.bt.range": {"en": "Date range (UTC)", "ko": "기간 (UTC)"},
    "market.bt.range_help": {
        "en": "The backtest, its charts and its figures use only the bars of these days. The data covers "
              "{first} to {last}.",
        "ko": "백테스트와 차트, 지표는 이 기간의 봉만 사용합니다. 데이터 범위: {first} ~ {last}.",
    },
    "market.bt.range_pick_end": {
        "en": "Pick the end date of the range too.", "ko": "기간의 종료일도 고르세요."},
}
