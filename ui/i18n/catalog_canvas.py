"""Words of the strategy canvas and its editor."""

MESSAGES: dict[str, dict[str, str]] = {
    "canvas.summary": {"en": "{nodes} nodes · {edges} edges · {errors} errors · {warnings} warnings",
                       "ko": "노드 {nodes}개 · 연결 {edges}개 · 오류 {errors}개 · 경고 {warnings}개"},
    "canvas.zoom_in": {"en": "Zoom in", "ko": "확대"},
    "canvas.zoom_out": {"en": "Zoom out", "ko": "축소"},
    "canvas.fit": {"en": "Fit", "ko": "전체 보기"},
    "canvas.fullscreen": {"en": "Full screen", "ko": "전체 화면"},
    "canvas.exit_fullscreen": {"en": "Exit full screen", "ko": "전체 화면 닫기"},
}

MESSAGES.update({
    "editor.title": {"en": "Edit on the canvas", "ko": "캔버스에서 편집"},
    "editor.pick_node": {"en": "Click a node or a connection on the canvas to edit it.",
                         "ko": "캔버스에서 노드나 연결선을 클릭하면 여기서 편집합니다."},
    "editor.palette": {"en": "New node", "ko": "새 노드"},
    "editor.add_node": {"en": "Add node", "ko": "노드 추가"},
    "editor.undo": {"en": "Undo ({n})", "ko": "되돌리기 ({n})"},
    "editor.delete_node": {"en": "Delete this node", "ko": "이 노드 삭제"},
    "editor.stale": {"en": "The graph changed before this click arrived, so nothing was changed. Try again on the "
                           "graph as it is now.",
                     "ko": "클릭이 도착하기 전에 그래프가 바뀌어 아무것도 바꾸지 않았습니다. 지금 그래프에서 다시 "
                           "시도하세요."},
    "editor.edges": {"en": "Connections from this node", "ko": "이 노드에서 나가는 연결"},
    "editor.edge": {"en": "Connection", "ko": "연결"},
    "editor.disconnect": {"en": "Disconnect", "ko": "연결 끊기"},
    "editor.connect_to": {"en": "Connect to", "ko": "연결할 노드"},
    "editor.connect_placeholder": {"en": "Choose a node", "ko": "노드 선택"},
    "editor.connect": {"en": "Connect", "ko": "연결"},
    "editor.branch": {"en": "Branch", "ko": "분기"},
    "editor.branch_true": {"en": "if true", "ko": "참일 때"},
    "editor.branch_false": {"en": "if false", "ko": "거짓일 때"},
    "editor.trigger_type": {"en": "Trigger type", "ko": "트리거 종류"},
    "editor.interval": {"en": "Interval", "ko": "주기"},
    "editor.window": {"en": "Window", "ko": "기간"},
    "editor.symbol": {"en": "Symbol (BASE/QUOTE)", "ko": "심볼 (BASE/QUOTE)"},
    "editor.threshold_pct": {"en": "Move threshold (%)", "ko": "변동 기준 (%)"},
    "editor.multiplier": {"en": "Volume multiplier", "ko": "거래량 배수"},
    "editor.source_type": {"en": "Data type", "ko": "데이터 종류"},
    "editor.exchange": {"en": "Exchange", "ko": "거래소"},
    "editor.timeframe": {"en": "Timeframe", "ko": "봉"},
    "editor.query": {"en": "News search words", "ko": "뉴스 검색어"},
    "editor.operator": {"en": "Comparison", "ko": "비교"},
    "editor.quick_pick": {"en": "Indicator quick pick (left side)", "ko": "지표 빠른 선택 (왼쪽)"},
    "editor.quick_pick_placeholder": {"en": "RSI, SMA, MACD, Bollinger…", "ko": "RSI, SMA, MACD, 볼린저…"},
    "editor.left": {"en": "Left side", "ko": "왼쪽 값"},
    "editor.right": {"en": "Right side", "ko": "오른쪽 값"},
    "editor.operand_help": {
        "en": "A number, or an expression such as rsi(14), close, 2 * volume_sma(20). Press Enter to apply.",
        "ko": "숫자, 또는 rsi(14), close, 2 * volume_sma(20) 같은 식. Enter를 누르면 적용됩니다."},
    "editor.operand_error": {"en": "This value cannot be read{where}; the graph keeps the previous one.",
                             "ko": "이 값을 읽을 수 없습니다{where}. 그래프는 이전 값을 유지합니다."},
    "editor.at_column": {"en": " (at character {column})", "ko": " ({column}번째 글자)"},
    "editor.action_type": {"en": "Action", "ko": "동작"},
    "editor.amount": {"en": "Amount", "ko": "수량"},
    "editor.unit": {"en": "Unit (USDT, KRW or the coin)", "ko": "단위 (USDT, KRW 또는 코인)"},
    "editor.sell_all": {"en": "Sell the whole position", "ko": "보유 전량 매도"},
    "editor.message": {"en": "Message", "ko": "메시지"},
})

MESSAGES.update({
    "strategy.gen.json_title": {"en": "Advanced: the strategy as JSON", "ko": "고급: 전략 JSON"},
})

MESSAGES.update({
    "readback.title": {"en": "In plain words", "ko": "이 전략을 말로 풀면"},
    "readback.none": {"en": "This strategy cannot be read back in words yet; the graph below shows it.",
                      "ko": "이 전략은 아직 말로 풀 수 없습니다. 아래 그래프를 보세요."},
})

# Backtest display (ui/backtest_panel.py).
MESSAGES.update({
    "market.bt.notices": {"en": "{n} notices about this backtest — {first}",
                          "ko": "이 백테스트에 대한 알림 {n}개 — {first}"},
    "market.bt.price_trades": {"en": "Price with entries and exits", "ko": "가격과 매수·매도 시점"},
    "market.bt.price": {"en": "Price", "ko": "가격"},
    "market.bt.log_scale": {"en": "Log scale", "ko": "로그 축"},
    "market.bt.log_help": {"en": "Equal percentage moves get equal heights, so a small strategy curve is not flat "
                                 "beside a large buy-and-hold gain.",
                           "ko": "같은 비율의 변화를 같은 높이로 그립니다. "
                                 "단순 보유 수익이 클 때도 전략 곡선이 평평하게 보이지 않습니다."},
    "market.bt.status.open": {"en": "open", "ko": "보유 중"},
    "market.bt.status.closed": {"en": "closed", "ko": "청산"},
})

MESSAGES.update({
    "strategy.source.generated": {"en": "generated", "ko": "생성"},
    "strategy.source.refined": {"en": "refined", "ko": "수정 요청"},
    "strategy.source.edited": {"en": "edited", "ko": "직접 편집"},
    "strategy.source.imported": {"en": "imported", "ko": "가져오기"},
    "strategy.source.optimized": {"en": "optimised", "ko": "최적화"},
})
