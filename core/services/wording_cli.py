"""The CLI's own lines on stderr (which model answered, what it cost, fallbacks, waits, what a command
did), in both languages; merged into ``core.services.wording.MESSAGES`` and said by ``wording.cli_text``.
English is the text the CLI has always printed: scripts that read it keep working."""

from __future__ import annotations

CLI_MESSAGES: dict[str, dict[str, str]] = {
    "cli.note": {"en": "note", "ko": "참고"},
    "cli.warning": {"en": "warning", "ko": "경고"},
    "cli.error": {"en": "error", "ko": "오류"},
    "cli.valid": {"en": "valid", "ko": "유효함"},
    "cli.invalid": {"en": "INVALID", "ko": "유효하지 않음"},
    "cli.offline_label": {"en": "offline rule engine", "ko": "오프라인 규칙 엔진"},
    "cli.call": {"en": "{label}: {tokens_in} in / {tokens_out} out tokens, {cost}{extra}",
                 "ko": "{label}: 입력 {tokens_in} / 출력 {tokens_out} 토큰, {cost}{extra}"},
    "cli.call.cached": {"en": "from cache", "ko": "캐시에서"},
    "cli.call.attempts": {"en": "{n} attempts", "ko": "{n}회 시도"},
    "cli.call.repaired": {"en": "answer repaired", "ko": "답을 고쳐 읽음"},
    "cli.fallback": {
        "en": "{answered} answered because {asked} failed ({reason}); the failed attempts cost {cost}",
        "ko": "{asked} 호출이 실패해 {answered}이(가) 대신 답했습니다 (사유: {reason}). 실패한 시도의 비용: {cost}"},
    "cli.failed_cost_before": {"en": "the failed attempts before this answer cost {cost}",
                               "ko": "이 답 이전에 실패한 시도의 비용: {cost}"},
    "cli.failed_cost": {"en": "the failed attempts cost {cost}", "ko": "실패한 시도의 비용: {cost}"},
    "cli.waited": {"en": "waited {s} s for the local rate limit and retry backoff",
                   "ko": "요청 한도와 재시도 간격 때문에 {s}초 기다렸습니다"},
    "cli.interrupted": {"en": "interrupted", "ko": "중단했습니다"},
    "cli.bad_usage": {"en": "{text}", "ko": "명령을 읽을 수 없습니다 ({text}). `python -m core --help`로 사용법을 "
                                           "확인하세요."},
    "cli.key_created": {"en": "Created API key {prefix}… ({name}) for {user}. It is shown only now; store it "
                              "somewhere safe.",
                        "ko": "{user}의 API 키 {prefix}… ({name})를 만들었습니다. 지금 한 번만 보여 주니 안전한 곳에 "
                              "보관하세요."},
    "cli.key_revoked": {"en": "Revoked API key {prefix} ({name}) of {user}.",
                        "ko": "{user}의 API 키 {prefix} ({name})를 폐기했습니다."},
    "cli.quota_set": {"en": "Monthly quota of {user} set to {usd}.", "ko": "{user}의 월 한도를 {usd}로 정했습니다."},
    "cli.reconciled": {"en": "row {row} reconciled to ${usd} by adjustment row {adjustment}",
                       "ko": "{row}번 행을 조정 행 {adjustment}번으로 ${usd}에 맞췄습니다"},
    "cli.wrote_html": {"en": "wrote {path} ({size} bytes; {errors} error(s), {warnings} warning(s))",
                       "ko": "{path}에 썼습니다 ({size}바이트, 오류 {errors}개, 경고 {warnings}개)"},
    "cli.cannot_write": {"en": "cannot write {path}: {reason}.", "ko": "{path}에 쓸 수 없습니다: {reason}."},
    # A strategy file the CLI could not read as a strategy: what was wrong, where, and what to do.
    "cli.file.missing": {"en": "{name}: no such file.", "ko": "{name}: 파일이 없습니다. 경로를 확인하세요."},
    "cli.file.directory": {"en": "{name} is a directory; give a strategy JSON file.",
                           "ko": "{name}은(는) 폴더입니다. 전략 JSON 파일을 지정하세요."},
    "cli.file.unreadable": {"en": "{name}: cannot read ({reason}).", "ko": "{name}: 읽을 수 없습니다 ({reason})."},
    "cli.file.too_large": {"en": "{name}: larger than {limit} bytes; a strategy is a small JSON file.",
                           "ko": "{name}: {limit}바이트보다 큽니다. 전략은 작은 JSON 파일입니다."},
    "cli.file.not_utf8": {"en": "{name}: not UTF-8 text (byte {byte}).",
                          "ko": "{name}: UTF-8 텍스트가 아닙니다 ({byte}번째 바이트). UTF-8로 저장해 주세요."},
    "cli.file.too_deep": {"en": "{name}: the JSON is nested too deeply to be a strategy.",
                          "ko": "{name}: JSON이 너무 깊게 중첩되어 있어 전략으로 읽을 수 없습니다."},
    "cli.file.bad_json": {
        "en": "{name}: not valid JSON: {reason} at line {line}, column {column}. Fix the JSON syntax there (a "
              "missing comma, quote or bracket is the usual cause).",
        "ko": "{name}: 올바른 JSON이 아닙니다 ({line}번째 줄 {column}번째 칸: {reason}). 그 자리의 문법을 고쳐 "
              "주세요 (쉼표, 따옴표, 괄호가 빠진 경우가 많습니다)."},
    "cli.file.not_object": {"en": "{name} must contain a JSON object (the strategy).",
                            "ko": "{name}에는 JSON 객체(전략)가 있어야 합니다."},
}
