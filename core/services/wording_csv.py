"""CSV and date-range errors worded by code (core.market's DataError details ``code`` + ``params``), in both
languages; merged into ``core.services.wording.MESSAGES``."""

from __future__ import annotations

CSV_MESSAGES: dict[str, dict[str, str]] = {
    "errors.CSV_TOO_LARGE": {"en": "{name} is larger than {mb} MB. Resample it first.",
                             "ko": "{name} 파일이 {mb} MB보다 큽니다. 먼저 더 긴 봉으로 줄여 주세요."},
    "errors.CSV_EPOCH_TOO_EARLY": {
        "en": "{name}: row {row} (file line {line}) has the {column} '{value}', which reads as a time before {year}.",
        "ko": "{name}: {row}번째 행(파일 {line}번째 줄)의 {column} 값 '{value}'은(는) {year}년 이전 시각으로 읽힙니다. "
              "날짜는 ISO 8601(2024-01-31)이나 1970년 기준 초/밀리초로 적어 주세요."},
    "errors.CSV_EMPTY_TIME": {"en": "{name}: row {row} (file line {line}) has an empty {column}.",
                              "ko": "{name}: {row}번째 행(파일 {line}번째 줄)의 {column} 값이 비어 있습니다. "
                                    "모든 행에 시각이 있어야 합니다."},
    "errors.CSV_BAD_TIME": {"en": "{name}: row {row} (file line {line}) has a {column} that cannot be read: '{value}'.",
                            "ko": "{name}: {row}번째 행(파일 {line}번째 줄)의 {column} 값 '{value}'을(를) 읽을 수 "
                                  "없습니다. ISO 8601(2024-01-31T09:00:00Z)이나 초/밀리초 숫자로 적어 주세요."},
    "errors.CSV_MISSING_VALUE": {"en": "{name}: row {row} (file line {line}) has no {column} value.",
                                 "ko": "{name}: {row}번째 행(파일 {line}번째 줄)에 {column} 값이 없습니다. "
                                       "빈 값이 있는 행을 채우거나 지워 주세요."},
    "errors.CSV_NOT_A_NUMBER": {"en": "{name}: row {row} (file line {line}) has a {column} that is not a number: "
                                      "'{value}'.",
                                "ko": "{name}: {row}번째 행(파일 {line}번째 줄)의 {column} 값 '{value}'은(는) 숫자가 "
                                      "아닙니다. 소수점은 점(.)으로, 천 단위 구분 기호 없이 적어 주세요."},
    "errors.CSV_INFINITE": {"en": "{name}: row {row} (file line {line}) has an infinite {column}.",
                            "ko": "{name}: {row}번째 행(파일 {line}번째 줄)의 {column} 값이 무한대입니다."},
    "errors.CSV_NON_POSITIVE_PRICE": {
        "en": "{name}: row {row} (file line {line}) has a non-positive {column} price ({value}).",
        "ko": "{name}: {row}번째 행(파일 {line}번째 줄)의 {column} 가격이 0 이하입니다 ({value}). "
              "가격은 0보다 커야 합니다."},
    "errors.CSV_NEGATIVE_VOLUME": {"en": "{name}: row {row} (file line {line}) has a negative volume ({value}).",
                                   "ko": "{name}: {row}번째 행(파일 {line}번째 줄)의 거래량이 음수입니다 ({value})."},
    "errors.CSV_HIGH_BELOW_LOW": {
        "en": "{name}: row {row} (file line {line}) has high {high} below low {low}.",
        "ko": "{name}: {row}번째 행(파일 {line}번째 줄)의 고가 {high}이(가) 저가 {low}보다 낮습니다. "
              "고가와 저가 열이 바뀌지 않았는지 확인해 주세요."},
    "errors.CSV_NOT_SORTED": {"en": "{name}: row {row} (file line {line}, {time}) comes before the previous row "
                                    "({previous}).",
                              "ko": "{name}: 시간순으로 정렬되어 있지 않습니다. {row}번째 행(파일 {line}번째 줄, "
                                    "{time})이 앞 행({previous})보다 이릅니다. 오래된 것부터 정렬해 주세요."},
    "errors.CSV_DUPLICATE_TIME": {"en": "{name}: row {row} (file line {line}) repeats the previous timestamp ({time}).",
                                  "ko": "{name}: {row}번째 행(파일 {line}번째 줄)이 앞 행과 같은 시각({time})입니다. "
                                        "중복 행을 지워 주세요."},
    "errors.CSV_EMPTY": {"en": "{name} is empty.", "ko": "{name} 파일이 비어 있습니다."},
    "errors.CSV_NOT_UTF8": {"en": "{name} is not a UTF-8 text file.",
                            "ko": "{name} 파일이 UTF-8 텍스트가 아닙니다. CSV(쉼표 구분, UTF-8)로 내보내 주세요."},
    "errors.CSV_UNREADABLE": {"en": "{name} is not a readable CSV file.",
                              "ko": "{name} 파일을 CSV로 읽을 수 없습니다."},
    "errors.CSV_DUPLICATE_COLUMNS": {"en": "{name}: the header repeats column(s) {columns}.",
                                     "ko": "{name}: 머리글에 같은 열이 두 번 있습니다: {columns}."},
    "errors.CSV_MISSING_COLUMNS": {"en": "{name}: missing column(s): {columns}. Found: {found}.",
                                   "ko": "{name}: 필요한 열이 없습니다: {columns}. 있는 열: {found}."},
    "errors.CSV_NO_ROWS": {"en": "{name} has a header but no data rows.",
                           "ko": "{name} 파일에 머리글만 있고 데이터 행이 없습니다. 봉을 두 행 이상 넣어 주세요."},
    "errors.csv_format": {"en": "CSV format: timestamp (or date/time), open, high, low, close, volume columns "
                                "(any case and order); times in ISO 8601 or epoch seconds/milliseconds.",
                          "ko": "CSV 형식: timestamp(또는 date/time), open, high, low, close, volume 열 "
                                          "(대소문자·순서 무관), 시각은 ISO 8601 또는 초/밀리초."},
}

# A backtest range the data cannot fill (core.market.ranges).
RANGE_MESSAGES: dict[str, dict[str, str]] = {
    "errors.DATA_RANGE_FEW_BARS": {
        "en": "{start} – {end} holds only {bars} {timeframe} bars; a backtest needs at least {minimum}. "
              "Widen the date range, or pick a shorter timeframe.",
        "ko": "{start} ~ {end} 기간에는 {timeframe} 봉이 {bars}개뿐입니다. 백테스트에는 {minimum}개 이상이 "
              "필요합니다. 기간을 넓히거나 더 짧은 시간 단위를 고르세요.",
    },
    "errors.DATA_RANGE_REVERSED": {
        "en": "The range starts ({start}) after it ends ({end}). Pick the start date first.",
        "ko": "기간의 시작일({start})이 종료일({end})보다 늦습니다. 시작일을 먼저 고르세요.",
    },
}
