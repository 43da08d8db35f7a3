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


# Backtest and data notes (core.coded.Coded), worded by ui.i18n.coded.
MESSAGES.update({
    "msg.BT_ORDERS_REDUCED": {"en": "{count} order(s) were reduced to what the cash or holding allowed "
                                    "(first: {first}).",
                              "ko": "주문 {count}건이 현금이나 보유량 한도로 줄었습니다 (첫 주문: {first})."},
    "msg.BT_BUYS_SKIPPED": {"en": "{count} buy signal(s) could not be filled because the cash was used up "
                                  "(first at {first}).",
                            "ko": "현금이 모자라 매수 신호 {count}건을 체결하지 못했습니다 (처음: {first})."},
    "msg.BT_FEW_TRADES": {"en": "Only {count} closed trade(s): win rate, profit factor and Sharpe mean little with "
                                "fewer than {minimum} trades.",
                          "ko": "청산된 거래가 {count}건뿐입니다. 거래가 {minimum}건보다 적으면 승률, 손익비, 샤프 "
                                "지수는 의미가 적습니다."},
    "msg.BT_SHORT_DATA": {"en": "The data covers less than 30 days; the daily Sharpe ratio rests on very few returns.",
                          "ko": "데이터 기간이 30일보다 짧아 일간 샤프 지수의 근거가 될 수익률이 매우 적습니다."},
    "msg.BT_POSITION_OPEN": {"en": "A position of {qty} {base} is still open at the end; it is valued at the last "
                                   "close ({close}) but not counted as a closed trade.",
                             "ko": "마지막에 {qty} {base} 포지션을 아직 보유 중입니다. 자산과 총수익률에는 마지막 "
                                   "종가({close})로 평가해 넣었지만 청산된 거래로 세지는 않습니다."},
    "msg.BT_LAST_BAR_UNFILLED": {"en": "{count} order(s) signalled on the last bar could not fill (there is no next "
                                       "bar).",
                                 "ko": "마지막 봉에서 나온 주문 {count}건은 다음 봉이 없어 체결되지 않았습니다."},
    "msg.BT_FLAT_SELLS": {"en": "{count} sell signal(s) came while holding nothing and were ignored.",
                          "ko": "보유량이 없을 때 나온 매도 신호 {count}건은 무시했습니다."},
    "msg.BT_TRIGGER_FASTER_THAN_BARS": {
        "en": "The trigger runs every {interval} but the bars are longer; conditions are checked once per bar.",
        "ko": "트리거 주기({interval})가 봉보다 짧아 조건은 봉마다 한 번, 종가에서 확인합니다."},
    "msg.BT_NOTIFICATIONS_CUT": {"en": "{total} notifications were raised; the first {shown} are listed.",
                                 "ko": "알림 {total}건 중 처음 {shown}건만 보여 줍니다."},
    "msg.BT_SOURCE_NOT_REPLAYED": {"en": "{node} is a {kind} source, which a backtest cannot replay.",
                                   "ko": "{node}은(는) {kind} 데이터라 백테스트에서 재현할 수 없습니다. "
                                         "조건은 캔들(OHLCV) 데이터로 계산합니다."},
    "msg.BT_TIMEFRAME_MISMATCH": {"en": "{node} asks for {wanted} bars but the data has {data} bars.",
                                  "ko": "{node}은(는) {wanted} 봉을 쓰지만 데이터는 {data} 봉입니다. 백테스트는 {data} "
                                        "봉으로 실행합니다 (맞추려면 데이터를 {wanted}로 바꾸세요)."},
    "msg.BT_SYMBOL_MISMATCH": {"en": "{node} is for {symbol} but the data is {data}; prices come from the data.",
                               "ko": "{node}은(는) {symbol}용이지만 데이터는 {data}입니다. "
                                     "가격은 데이터에서 가져옵니다."},
    "msg.BT_UNIT_UNKNOWN": {"en": "{node}: unit {unit} is neither {base} nor {quote}; its amount is read as {quote}.",
                            "ko": "{node}: 단위 {unit}은(는) {base}도 {quote}도 아니어서 수량을 {quote}로 읽습니다."},
    "msg.BT_ACTION_SYMBOL_MISMATCH": {"en": "{node} trades {symbol} but the data is {data}.",
                                      "ko": "{node}은(는) {symbol}을(를) 거래하지만 데이터는 {data}입니다. 데이터의 "
                                            "가격으로 체결합니다."},
    "msg.DATA_FEW_BARS": {"en": "{name} has only {bars} bars; most indicators need 14 to 35 bars of history.",
                          "ko": "{name}에는 봉이 {bars}개뿐입니다. 대부분의 지표는 14~35개의 과거 봉이 필요합니다."},
    "msg.DATA_LAST_BAR_INCOMPLETE": {"en": "The last {timeframe} bar is incomplete (the data ends before it closes).",
                                     "ko": "마지막 {timeframe} 봉은 아직 닫히지 않았습니다 "
                                           "(데이터가 그 전에 끝납니다)."},
    "msg.DATA_GAPS": {"en": "{gaps} gap(s) in the data, {missing} missing {timeframe} bar(s) in all; the largest is "
                            "{largest} bar(s) after {largest_after}, the first after {first_after}.",
                      "ko": "데이터에 빈 구간이 {gaps}곳, 빠진 {timeframe} 봉이 모두 {missing}개 있습니다. 가장 큰 "
                            "구간은 {largest_after} 이후 {largest}개, 첫 구간은 {first_after} 이후입니다. 지표는 빈 "
                            "구간 양쪽의 봉을 이어진 것으로 계산합니다."},
})

MESSAGES.update({
    "strategy.source.generated": {"en": "generated", "ko": "생성"},
    "strategy.source.refined": {"en": "refined", "ko": "수정 요청"},
    "strategy.source.edited": {"en": "edited", "ko": "직접 편집"},
    "strategy.source.imported": {"en": "imported", "ko": "가져오기"},
    "strategy.source.optimized": {"en": "optimised", "ko": "최적화"},
})
