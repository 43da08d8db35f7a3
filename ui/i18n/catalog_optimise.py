"""Texts of the optimiser's search report and its verdicts (codes from core.offline.search_report
and core.services.optimization)."""

MESSAGES: dict[str, dict[str, str]] = {
    "opt.search.title": {"en": "How the search went", "ko": "탐색 과정"},
    "opt.search.summary": {
        "en": "{tried} candidates tried over {params} parameters ({method}); ranked by Sharpe on the first "
              "{in_bars} bars (in-sample, at least {min_trades} trades), then checked on the last {out_bars} "
              "bars (out-of-sample), which the search never saw.",
        "ko": "매개변수 {params}개에 대해 후보 {tried}개를 시험했습니다({method}). 앞쪽 {in_bars}개 봉(표본 내, "
              "거래 {min_trades}회 이상)의 샤프 비율로 순위를 매기고, 탐색에 쓰지 않은 마지막 {out_bars}개 봉"
              "(표본 외)에서 확인했습니다.",
    },
    "opt.search.method.grid": {"en": "every combination", "ko": "모든 조합"},
    "opt.search.method.coordinate": {
        "en": "one parameter at a time, two passes", "ko": "매개변수를 하나씩, 두 차례"},
    "opt.search.best": {"en": "Best {n} candidates, in and out of sample", "ko": "상위 후보 {n}개: 표본 내와 표본 외"},
    "opt.search.rank": {"en": "Rank", "ko": "순위"},
    "opt.search.original": {"en": "original", "ko": "원래 전략"},
    "opt.search.in": {"en": "{metric} · in-sample", "ko": "{metric} · 표본 내"},
    "opt.search.out": {"en": "{metric} · out-of-sample", "ko": "{metric} · 표본 외"},
    "opt.search.heat_map": {"en": "In-sample Sharpe over the two parameters", "ko": "두 매개변수별 표본 내 샤프 비율"},
    "opt.search.heat_map_help": {
        "en": "Empty cells: combinations with fewer than {min_trades} trades, or not a valid indicator.",
        "ko": "빈 칸: 거래가 {min_trades}회 미만이거나 유효한 지표가 아닌 조합입니다.",
    },
    "opt.search.tried": {"en": "All {n} candidates tried", "ko": "시험한 후보 {n}개 전체"},
    "opt.search.side.left": {"en": "left", "ko": "왼쪽"},
    "opt.search.side.right": {"en": "right", "ko": "오른쪽"},
    "opt.search.arg.period": {"en": "period", "ko": "기간"},
    "opt.search.arg.threshold": {"en": "threshold", "ko": "임계값"},
    "opt.search.arg.fast": {"en": "fast period", "ko": "단기 기간"},
    "opt.search.arg.slow": {"en": "slow period", "ko": "장기 기간"},
    "opt.search.arg.signal": {"en": "signal period", "ko": "시그널 기간"},
    "opt.search.arg.k": {"en": "k (band width)", "ko": "k (밴드 폭)"},
    "opt.no_search": {
        "en": "The model proposed one version; there was no search to report.",
        "ko": "모델이 한 가지 버전을 제안했습니다. 보고할 탐색 과정은 없습니다.",
    },
}
