"""Notes the core keeps as ``core.coded.Coded`` strings (backtest warnings, data notes, optimisation
verdicts), worded by code in both languages; merged into ``core.services.wording.MESSAGES`` so that the
pages (``ui.i18n.coded``), the CLI and the REST API say them alike. Keys are ``msg.<CODE>``."""

from __future__ import annotations

NOTE_MESSAGES: dict[str, dict[str, str]] = {
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
    "msg.DATA_SAMPLE_MISMATCH": {
        "en": "The strategy asks for {wanted} bars; no bundled sample has them. The closest is {symbol} "
              "{timeframe}: use it, upload a CSV of your own, or fetch live bars from an exchange.",
        "ko": "전략은 {wanted} 봉을 쓰지만 내장 샘플에는 없습니다. 가장 가까운 샘플은 {symbol} {timeframe}입니다. "
              "이 샘플을 쓰거나, CSV를 올리거나, 거래소에서 실시간 봉을 가져오세요.",
    },
    "msg.OPT_NO_BETTER_IN_SAMPLE": {
        "en": "None of the {tried} candidates beat the original's in-sample Sharpe of {sharpe} with at least "
              "{min_trades} trades, so the original is kept.",
        "ko": "후보 {tried}개 중 거래 {min_trades}회 이상으로 원래 전략의 표본 내 샤프 비율 {sharpe}를 넘은 것이 "
              "없어 원래 전략을 유지합니다.",
    },
    "msg.OPT_OOS_FELL": {
        "en": "The best in-sample candidate's out-of-sample Sharpe fell from {before} to {after} (the original's "
              "against the candidate's, on the last {bars} bars), so the original is kept.",
        "ko": "표본 내 최고 후보의 표본 외 샤프 비율이 {before}에서 {after}로 떨어져(마지막 {bars}개 봉에서 원래 "
              "전략 대비) 원래 전략을 유지합니다.",
    },
    "msg.OPT_OOS_HELD": {
        "en": "The best in-sample candidate held up out of sample: Sharpe {before} → {after} on the last {bars} "
              "bars, which the search never saw, so it is proposed.",
        "ko": "표본 내 최고 후보가 탐색에 쓰지 않은 마지막 {bars}개 봉에서도 버텼습니다: 샤프 비율 {before} → "
              "{after}. 그래서 이 후보를 제안합니다.",
    },
    "msg.OPT_VERDICT_UNCHANGED": {
        "en": "No better version was found; the original strategy stays.",
        "ko": "최적화로 더 나은 버전을 찾지 못해 원래 전략을 유지합니다.",
    },
    "msg.OPT_VERDICT_BETTER": {
        "en": "The proposal backtests better: Sharpe {sharpe_before} → {sharpe_after}, return {return_before}% → "
              "{return_after}%.",
        "ko": "제안이 백테스트에서 더 좋습니다: 샤프 {sharpe_before} → {sharpe_after}, 수익률 {return_before}% → "
              "{return_after}%.",
    },
    "msg.OPT_VERDICT_WORSE": {
        "en": "The proposal backtests worse, so the original is kept: Sharpe {sharpe_before} → {sharpe_after}, "
              "return {return_before}% → {return_after}%.",
        "ko": "제안이 백테스트에서 더 나빠 원래 전략을 유지합니다: 샤프 {sharpe_before} → {sharpe_after}, "
              "수익률 {return_before}% → {return_after}%.",
    },
}
