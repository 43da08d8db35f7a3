"""Market page and backtest panel strings (keys prefixed ``market.``; the panel uses ``market.bt.``)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- Market page ---
    "market.title": {"en": "Market data", "ko": "시장 데이터"},
    "market.intro": {
        "en": "Load OHLCV bars, resample them, and read candles with Bollinger bands, RSI and MACD.",
        "ko": "OHLCV 봉 데이터를 불러오고 리샘플링하여 볼린저 밴드, RSI, MACD와 함께 캔들을 확인합니다.",
    },
    "market.source": {"en": "Data source", "ko": "데이터 출처"},
    "market.source.sample": {"en": "Bundled sample", "ko": "내장 샘플"},
    "market.source.upload": {"en": "CSV upload", "ko": "CSV 업로드"},
    "market.source.exchange": {"en": "Exchange (ccxt)", "ko": "거래소 (ccxt)"},
    "market.sample_note": {
        "en": "Bittrex BTC/USDT daily bars, 2015-12 to 2018-06 (LGPL-3.0, from peerchemist/finta). Works offline.",
        "ko": "Bittrex BTC/USDT 일봉, 2015-12 ~ 2018-06 (LGPL-3.0, peerchemist/finta 제공). 오프라인에서도 동작합니다.",
    },
    "market.upload": {"en": "OHLCV CSV file", "ko": "OHLCV CSV 파일"},
    "market.upload_help": {
        "en": "Header row with timestamp (or date/time; ISO 8601 or epoch seconds/ms) and open, high, low, "
        "close, volume, in any order and letter case.",
        "ko": "헤더 행에 timestamp(또는 date/time; ISO 8601 또는 epoch 초/밀리초)와 open, high, low, close, "
        "volume 이 있어야 합니다. 순서와 대소문자는 상관없습니다.",
    },
    "market.upload_prompt": {"en": "Choose a CSV file to see its chart.", "ko": "차트를 보려면 CSV 파일을 선택하세요."},
    "market.symbol": {"en": "Symbol", "ko": "심볼"},
    "market.exchange": {"en": "Exchange", "ko": "거래소"},
    "market.timeframe": {"en": "Timeframe", "ko": "시간 단위"},
    "market.since": {"en": "From (UTC date)", "ko": "시작일 (UTC)"},
    "market.limit": {"en": "Bars", "ko": "봉 개수"},
    "market.fetch": {"en": "Fetch bars", "ko": "데이터 가져오기"},
    "market.fetch_prompt": {
        "en": "Choose the exchange, symbol and timeframe, then fetch. Bars are cached for offline use.",
        "ko": "거래소, 심볼, 시간 단위를 고른 뒤 가져오세요. 가져온 봉은 오프라인용으로 캐시됩니다.",
    },
    "market.fetching": {"en": "Fetching from {exchange}…", "ko": "{exchange}에서 가져오는 중…"},
    "market.resample": {"en": "Show as timeframe", "ko": "표시 시간 단위"},
    "market.window": {"en": "Bars on the chart", "ko": "차트에 표시할 봉 수"},
    "market.last_close": {"en": "Last close", "ko": "최근 종가"},
    "market.bars": {"en": "Bars", "ko": "봉 수"},
    "market.range": {"en": "Range", "ko": "기간"},
    "market.rsi": {"en": "RSI(14)", "ko": "RSI(14)"},
    "market.chart.price": {"en": "Price", "ko": "가격"},
    "market.chart.time": {"en": "Time (UTC)", "ko": "시간 (UTC)"},
    "market.chart.bb_upper": {"en": "BB upper (20, 2)", "ko": "볼린저 상단 (20, 2)"},
    "market.chart.bb_middle": {"en": "BB middle (SMA 20)", "ko": "볼린저 중간 (SMA 20)"},
    "market.chart.bb_lower": {"en": "BB lower (20, 2)", "ko": "볼린저 하단 (20, 2)"},
    "market.chart.rsi": {"en": "RSI 14", "ko": "RSI 14"},
    "market.chart.macd_axis": {"en": "MACD 12/26/9", "ko": "MACD 12/26/9"},
    "market.chart.macd": {"en": "MACD", "ko": "MACD"},
    "market.chart.macd_signal": {"en": "Signal", "ko": "시그널"},
    "market.indicators": {"en": "Latest indicator values", "ko": "최신 지표 값"},
    "market.data_warnings": {"en": "Notes on this data", "ko": "데이터 참고 사항"},
    # --- Backtest panel ---
    "market.bt.title": {"en": "Backtest", "ko": "백테스트"},
    "market.bt.intro": {
        "en": "Conditions are checked on each bar's close and orders fill at the next bar's open, with fees on "
        "both sides and slippage.",
        "ko": "조건은 각 봉의 종가에서 확인하고, 주문은 다음 봉의 시가에 체결됩니다. 매수·매도 양쪽 수수료와 "
        "슬리피지를 반영합니다.",
    },
    "market.bt.data": {"en": "Data", "ko": "데이터"},
    "market.bt.fee": {"en": "Fee per side (bps)", "ko": "편도 수수료 (bps)"},
    "market.bt.fee_help": {"en": "10 bps = 0.10 % of each trade's value.", "ko": "10 bps = 거래 금액의 0.10 %."},
    "market.bt.slippage": {"en": "Slippage (bps)", "ko": "슬리피지 (bps)"},
    "market.bt.slippage_help": {
        "en": "Each fill is moved against you: buys higher, sells lower.",
        "ko": "체결가를 불리한 방향으로 조정합니다: 매수는 더 높게, 매도는 더 낮게.",
    },
    "market.bt.cash": {"en": "Starting cash (quote currency)", "ko": "초기 자금 (호가 통화)"},
    "market.bt.timeframe": {"en": "Bar timeframe", "ko": "봉 시간 단위"},
    "market.bt.run": {"en": "Run backtest", "ko": "백테스트 실행"},
    "market.bt.running": {"en": "Running the backtest…", "ko": "백테스트 실행 중…"},
    "market.bt.need_data": {"en": "Upload a CSV file first.", "ko": "먼저 CSV 파일을 업로드하세요."},
    "market.bt.stale": {
        "en": "The strategy or settings changed since this run; run it again to update.",
        "ko": "실행 이후 전략이나 설정이 바뀌었습니다. 다시 실행하여 갱신하세요.",
    },
    "market.bt.summary": {
        "en": "{bars} bars of {symbol} {timeframe}, {start} → {end}; fee {fee} bps, slippage {slip} bps.",
        "ko": "{symbol} {timeframe} {bars}개 봉, {start} → {end}; 수수료 {fee} bps, 슬리피지 {slip} bps.",
    },
    "market.bt.metric.total_return_pct": {"en": "Total return", "ko": "총 수익률"},
    "market.bt.metric.max_drawdown_pct": {"en": "Max drawdown", "ko": "최대 낙폭"},
    "market.bt.metric.win_rate_pct": {"en": "Win rate", "ko": "승률"},
    "market.bt.metric.sharpe": {"en": "Sharpe (daily, √365)", "ko": "샤프 지수 (일간, √365)"},
    "market.bt.metric.profit_factor": {"en": "Profit factor", "ko": "손익비 (Profit factor)"},
    "market.bt.metric.trades": {"en": "Closed trades", "ko": "종료된 거래"},
    "market.bt.metric.exposure_pct": {"en": "Exposure", "ko": "보유 비중"},
    "market.bt.metric.buy_hold_return_pct": {"en": "Buy & hold", "ko": "단순 보유 수익률"},
    "market.bt.formula.total_return_pct": {
        "en": "(final equity − starting cash) / starting cash × 100; equity is marked to market, so an open "
        "position counts at the last close.",
        "ko": "(최종 자산 − 초기 자금) / 초기 자금 × 100. 자산은 시가평가하므로 "
        "보유 중인 포지션은 마지막 종가로 계산합니다.",
    },
    "market.bt.formula.max_drawdown_pct": {
        "en": "−max over bars of (1 − equity / running peak) × 100, per bar, marked to market.",
        "ko": "봉마다 −max(1 − 자산 / 직전 최고 자산) × 100 (시가평가 기준).",
    },
    "market.bt.formula.win_rate_pct": {
        "en": "winning / (winning + losing) closed trades × 100, PnL net of fees and slippage; break-even trades "
        "are counted apart.",
        "ko": "수익 거래 / (수익 + 손실 거래) × 100 (종료된 거래, 수수료·슬리피지 차감 후). 본전 거래는 따로 셉니다.",
    },
    "market.bt.formula.sharpe": {
        "en": "mean / standard deviation (n−1) of daily equity returns × √365 (crypto trades every day); "
        "risk-free rate 0.",
        "ko": "일간 자산 수익률의 평균 / 표준편차(n−1) × √365 (암호화폐는 매일 거래); 무위험 수익률 0.",
    },
    "market.bt.formula.profit_factor": {
        "en": "sum of winning trades' PnL / |sum of losing trades' PnL| in quote currency; undefined without a "
        "losing trade.",
        "ko": "수익 거래 손익 합 / |손실 거래 손익 합| (호가 통화 기준). 손실 거래가 없으면 정의되지 않습니다.",
    },
    "market.bt.formula.trades": {
        "en": "round trips from flat to a position and back to flat; an open position is shown separately.",
        "ko": "무포지션 → 포지션 → 무포지션 한 번을 거래 하나로 셉니다. 보유 중인 포지션은 따로 표시합니다.",
    },
    "market.bt.formula.exposure_pct": {
        "en": "bars that end holding a position / all bars × 100.",
        "ko": "포지션을 보유한 채 끝난 봉 수 / 전체 봉 수 × 100.",
    },
    "market.bt.formula.buy_hold_return_pct": {
        "en": "(last close − first close) / first close × 100, without fees.",
        "ko": "(마지막 종가 − 첫 종가) / 첫 종가 × 100, 수수료 제외.",
    },
    "market.bt.undefined": {"en": "n/a", "ko": "해당 없음"},
    "market.bt.formulas": {"en": "How these figures are computed", "ko": "지표 계산 방법"},
    "market.bt.equity": {"en": "Equity vs buy and hold", "ko": "자산 추이 vs 단순 보유"},
    "market.bt.series.strategy": {"en": "Strategy", "ko": "전략"},
    "market.bt.series.hold": {"en": "Buy and hold", "ko": "단순 보유"},
    "market.bt.value": {"en": "Value", "ko": "평가액"},
    "market.bt.drawdown": {"en": "Drawdown (%)", "ko": "낙폭 (%)"},
    "market.bt.trades": {"en": "Trades", "ko": "거래 내역"},
    "market.bt.no_trades": {
        "en": "No trades: no buy signal was filled.",
        "ko": "거래 없음: 체결된 매수 신호가 없습니다.",
    },
    "market.bt.open_position": {
        "en": "Open at the end: {qty} since {since}, unrealised PnL {pnl} ({pct} %), valued at the last close.",
        "ko": "종료 시점 보유 중: {since}부터 {qty}, 미실현 손익 {pnl} ({pct} %), 마지막 종가로 평가.",
    },
    "market.bt.notifications": {"en": "Notifications ({count})", "ko": "알림 ({count})"},
    "market.bt.col.status": {"en": "Status", "ko": "상태"},
    "market.bt.col.entry_time": {"en": "Entry (UTC)", "ko": "진입 (UTC)"},
    "market.bt.col.exit_time": {"en": "Exit (UTC)", "ko": "청산 (UTC)"},
    "market.bt.col.qty": {"en": "Quantity", "ko": "수량"},
    "market.bt.col.entry_price": {"en": "Avg entry", "ko": "평균 진입가"},
    "market.bt.col.exit_price": {"en": "Avg exit", "ko": "평균 청산가"},
    "market.bt.col.pnl": {"en": "PnL", "ko": "손익"},
    "market.bt.col.return_pct": {"en": "Return %", "ko": "수익률 %"},
    "market.bt.col.fees": {"en": "Fees", "ko": "수수료"},
    "market.bt.fills": {"en": "Orders and fills ({count})", "ko": "주문 체결 내역 ({count})"},
    "market.bt.col.signal_time": {"en": "Signal bar (UTC)", "ko": "신호 봉 (UTC)"},
    "market.bt.col.fill_time": {"en": "Filled at open of (UTC)", "ko": "체결 봉 시가 (UTC)"},
    "market.bt.col.side": {"en": "Side", "ko": "구분"},
    "market.bt.col.price": {"en": "Fill price", "ko": "체결가"},
    "market.bt.side.buy": {"en": "buy", "ko": "매수"},
    "market.bt.side.sell": {"en": "sell", "ko": "매도"},
    "market.bt.col.time": {"en": "Bar (UTC)", "ko": "봉 (UTC)"},
    "market.bt.col.action": {"en": "Action", "ko": "액션"},
    "market.bt.col.message": {"en": "Message", "ko": "메시지"},
}
