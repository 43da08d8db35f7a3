"""Generate and Strategies page strings (keys prefixed ``strategy.``)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- Generate ---
    "strategy.gen.title": {"en": "Generate a strategy", "ko": "전략 생성"},
    "strategy.gen.intro": {
        "en": "Describe a trading strategy in plain Korean or English. It becomes a node graph "
              "(trigger → data → conditions → actions) that is checked against every rule.",
        "ko": "매매 전략을 한국어나 영어로 설명하세요. 트리거 → 데이터 → 조건 → 액션 그래프로 바뀌고 "
              "모든 규칙으로 검사됩니다.",
    },
    "strategy.gen.examples": {"en": "Example prompts", "ko": "예시 문장"},
    "strategy.gen.examples_ko": {"en": "Korean", "ko": "한국어"},
    "strategy.gen.examples_en": {"en": "English", "ko": "영어"},
    "strategy.gen.use_example": {"en": "Use this example", "ko": "이 예시 사용"},
    "strategy.gen.prompt": {"en": "Your strategy", "ko": "전략 설명"},
    "strategy.gen.prompt_placeholder": {
        "en": "e.g. Buy 100 USDT of BTC when the 1h RSI(14) drops below 30",
        "ko": "예: 비트코인 1시간봉 RSI가 30 아래로 떨어지면 100 USDT 매수",
    },
    "strategy.gen.generate": {"en": "Generate", "ko": "생성"},
    "strategy.gen.empty_prompt": {"en": "Write a strategy first (or pick an example).",
                                  "ko": "먼저 전략을 입력하거나 예시를 고르세요."},
    "strategy.gen.streaming": {"en": "Model output (streaming)", "ko": "모델 출력 (스트리밍)"},
    "strategy.gen.working": {"en": "Generating…", "ko": "생성 중…"},
    "strategy.gen.done": {"en": "Strategy ready: {name}", "ko": "전략 완성: {name}"},
    "strategy.gen.graph": {"en": "Graph", "ko": "그래프"},
    "strategy.gen.fallback": {
        "en": "{failed} could not answer, so {model} answered instead.",
        "ko": "{failed} 모델이 응답하지 못해 {model}이(가) 대신 답했습니다.",
    },
    "strategy.gen.issues": {"en": "Validation", "ko": "검증"},
    "strategy.gen.valid": {"en": "Valid: every rule passes.", "ko": "유효함: 모든 규칙을 통과했습니다."},
    "strategy.gen.invalid": {"en": "{n} error(s) — fix them before saving.",
                             "ko": "오류 {n}개 — 저장하기 전에 고치세요."},
    "strategy.gen.warnings": {"en": "{n} warning(s)", "ko": "경고 {n}개"},
    "strategy.gen.pick_issue": {"en": "Select an issue to highlight its node",
                                "ko": "문제를 선택하면 해당 노드가 강조됩니다"},
    "strategy.gen.hint": {"en": "How to fix: {hint}", "ko": "고치는 법: {hint}"},
    "strategy.gen.notes": {"en": "Read tolerantly", "ko": "자동 보정한 항목"},
    "strategy.gen.json": {"en": "Strategy JSON (edit to revalidate)", "ko": "전략 JSON (수정하면 바로 재검증)"},
    "strategy.gen.json_help": {
        "en": "Edit the JSON and leave the box (or press Ctrl+Enter): the graph and the checks update at once.",
        "ko": "JSON을 고친 뒤 입력란을 벗어나거나 Ctrl+Enter를 누르면 그래프와 검증이 바로 갱신됩니다.",
    },
    "strategy.gen.refine": {"en": "Refine", "ko": "수정 요청"},
    "strategy.gen.refine_placeholder": {
        "en": "e.g. make the RSI period 21 · also notify me · add a stop loss at 5%",
        "ko": "예: RSI 기간을 21로 · 알림도 추가 · 손절 5% 추가",
    },
    "strategy.gen.refine_button": {"en": "Apply", "ko": "적용"},
    "strategy.gen.refine_invalid": {"en": "Fix the JSON errors before refining.",
                                    "ko": "수정 요청 전에 JSON 오류를 고치세요."},
    "strategy.gen.history": {"en": "Refinement history", "ko": "수정 기록"},
    "strategy.gen.history_item": {"en": "“{instruction}”", "ko": "“{instruction}”"},
    "strategy.gen.save": {"en": "Save", "ko": "저장"},
    "strategy.gen.save_note": {"en": "Version note (optional)", "ko": "버전 메모 (선택)"},
    "strategy.gen.saved": {"en": "Saved “{name}” as version {version}.",
                           "ko": "“{name}”을(를) 버전 {version}(으)로 저장했습니다."},
    "strategy.gen.open_library": {"en": "Open in Strategies", "ko": "전략 목록에서 보기"},
    "strategy.gen.new": {"en": "Start over", "ko": "새로 시작"},
    "strategy.gen.no_strategy": {"en": "No strategy yet: write one above and press Generate.",
                                 "ko": "아직 전략이 없습니다. 위에 입력하고 생성을 누르세요."},
    "strategy.gen.unreadable": {"en": "The JSON cannot be read as a strategy; the last readable graph is shown.",
                                "ko": "JSON을 전략으로 읽을 수 없어 마지막으로 읽은 그래프를 표시합니다."},
    "strategy.legend.trigger": {"en": "trigger", "ko": "트리거"},
    "strategy.legend.data_source": {"en": "data source", "ko": "데이터"},
    "strategy.legend.condition": {"en": "condition", "ko": "조건"},
    "strategy.legend.action": {"en": "action", "ko": "액션"},
    "strategy.legend.problem": {"en": "problem", "ko": "문제"},
    # --- validation codes (core.strategy.issues.CODES) ---
    "strategy.code.BAD_JSON": {
        "en": "The text is not JSON.",
        "ko": "JSON 형식이 아닙니다.",
    },
    "strategy.code.BAD_STRUCTURE": {
        "en": "The top level is not a strategy object (name, nodes, edges).",
        "ko": "최상위가 전략 객체(name, nodes, edges)가 아닙니다.",
    },
    "strategy.code.BAD_SCHEMA_VERSION": {
        "en": "schema_version must be 1.",
        "ko": "schema_version은 1이어야 합니다.",
    },
    "strategy.code.TOO_LARGE": {
        "en": "A size limit is exceeded (nodes, edges or text length).",
        "ko": "크기 제한(노드, 연결, 글자 수)을 넘었습니다.",
    },
    "strategy.code.TOO_MANY_ISSUES": {
        "en": "More problems than the list shows.",
        "ko": "목록에 다 표시하지 못할 만큼 문제가 많습니다.",
    },
    "strategy.code.TRIGGER_COUNT": {
        "en": "A strategy has exactly one trigger.",
        "ko": "전략에는 트리거가 정확히 하나 있어야 합니다.",
    },
    "strategy.code.NO_CONDITION": {
        "en": "A strategy needs at least one condition.",
        "ko": "조건이 하나 이상 있어야 합니다.",
    },
    "strategy.code.NO_ACTION": {
        "en": "A strategy needs at least one action.",
        "ko": "액션이 하나 이상 있어야 합니다.",
    },
    "strategy.code.NO_DATA_SOURCE": {
        "en": "The strategy reads no market data.",
        "ko": "시장 데이터를 읽는 노드가 없습니다.",
    },
    "strategy.code.BAD_NODE": {
        "en": "A node is not an object.",
        "ko": "노드가 객체가 아닙니다.",
    },
    "strategy.code.BAD_NODE_TYPE": {
        "en": "Unknown node type.",
        "ko": "알 수 없는 노드 종류입니다.",
    },
    "strategy.code.BAD_NODE_ID": {
        "en": "Node ids look like word_number (e.g. condition_1).",
        "ko": "노드 ID는 단어_숫자 형식이어야 합니다 (예: condition_1).",
    },
    "strategy.code.DUPLICATE_ID": {
        "en": "Two nodes share an id.",
        "ko": "두 노드의 ID가 같습니다.",
    },
    "strategy.code.BAD_CONFIG": {
        "en": "A setting is missing, unknown or of the wrong kind.",
        "ko": "설정값이 없거나, 알 수 없거나, 형식이 틀립니다.",
    },
    "strategy.code.BAD_SYMBOL": {
        "en": "Symbols are written BASE/QUOTE in capitals (BTC/USDT).",
        "ko": "심볼은 대문자 BASE/QUOTE 형식입니다 (BTC/USDT).",
    },
    "strategy.code.BAD_AMOUNT": {
        "en": "Amounts must be above zero.",
        "ko": "수량은 0보다 커야 합니다.",
    },
    "strategy.code.BAD_UNIT": {
        "en": "The unit must be the base or the quote currency of the symbol.",
        "ko": "단위는 심볼의 기준 통화나 결제 통화여야 합니다.",
    },
    "strategy.code.BAD_OPERAND": {
        "en": "An operand does not parse; the message gives the column.",
        "ko": "피연산자를 해석할 수 없습니다. 메시지에 위치(열)가 있습니다.",
    },
    "strategy.code.UNKNOWN_SOURCE": {
        "en": "An operand names a data source that does not exist.",
        "ko": "없는 데이터 노드를 참조합니다.",
    },
    "strategy.code.AMBIGUOUS_SOURCE": {
        "en": "There are several market data sources; say which one the operand reads (data_1.rsi(14)).",
        "ko": "시장 데이터 노드가 여러 개입니다. 어느 노드를 읽는지 밝혀 주세요 (data_1.rsi(14)).",
    },
    "strategy.code.CONSTANT_CONDITION": {
        "en": "Both sides are numbers, so the condition never changes.",
        "ko": "양쪽이 모두 숫자라 조건이 변하지 않습니다.",
    },
    "strategy.code.SYMBOL_MISMATCH": {
        "en": "An action trades a symbol no data source reads.",
        "ko": "액션의 심볼을 읽는 데이터 노드가 없습니다.",
    },
    "strategy.code.UNKNOWN_FIELD": {
        "en": "An unknown field was ignored.",
        "ko": "알 수 없는 필드를 무시했습니다.",
    },
    "strategy.code.BAD_EDGE": {
        "en": "An edge needs from and to node ids.",
        "ko": "연결에는 from과 to 노드 ID가 필요합니다.",
    },
    "strategy.code.DANGLING_EDGE": {
        "en": "An edge points at a node that does not exist.",
        "ko": "연결이 없는 노드를 가리킵니다.",
    },
    "strategy.code.SELF_LOOP": {
        "en": "An edge leaves and enters the same node.",
        "ko": "연결이 같은 노드로 되돌아옵니다.",
    },
    "strategy.code.DUPLICATE_EDGE": {
        "en": "The same edge appears twice.",
        "ko": "같은 연결이 두 번 있습니다.",
    },
    "strategy.code.EDGE_INTO_TRIGGER": {
        "en": "Nothing may point into the trigger.",
        "ko": "트리거로 들어오는 연결은 허용되지 않습니다.",
    },
    "strategy.code.CYCLE": {
        "en": "The graph loops; the flow must run one way.",
        "ko": "그래프에 순환이 있습니다. 흐름은 한 방향이어야 합니다.",
    },
    "strategy.code.UNREACHABLE_NODE": {
        "en": "The node cannot be reached from the trigger.",
        "ko": "트리거에서 이 노드로 갈 수 없습니다.",
    },
    "strategy.code.CONDITION_WITHOUT_ACTION": {
        "en": "The condition leads to no action.",
        "ko": "이 조건 뒤에 액션이 없습니다.",
    },
    "strategy.code.MISSING_BRANCH_LABEL": {
        "en": "An edge leaving a condition needs \"true\" or \"false\".",
        "ko": "조건에서 나가는 연결에는 \"true\" 또는 \"false\"가 필요합니다.",
    },
    "strategy.code.STRAY_BRANCH_LABEL": {
        "en": "Only edges leaving a condition carry true/false.",
        "ko": "true/false는 조건에서 나가는 연결에만 붙습니다.",
    },
    # --- Strategies ---
    "strategy.lib.title": {"en": "Strategies", "ko": "전략 목록"},
    "strategy.lib.intro": {"en": "Your saved strategies with every version.",
                           "ko": "저장한 전략과 모든 버전입니다."},
    "strategy.lib.search": {"en": "Search (name, symbol, indicator…)", "ko": "검색 (이름, 심볼, 지표…)"},
    "strategy.lib.empty": {"en": "No saved strategies yet. Generate one, or import a JSON file.",
                           "ko": "저장한 전략이 없습니다. 새로 생성하거나 JSON 파일을 가져오세요."},
    "strategy.lib.no_match": {"en": "No strategy matches “{search}”.", "ko": "“{search}”에 맞는 전략이 없습니다."},
    "strategy.lib.col_name": {"en": "Name", "ko": "이름"},
    "strategy.lib.col_version": {"en": "Latest version", "ko": "최신 버전"},
    "strategy.lib.col_updated": {"en": "Updated (UTC)", "ko": "수정 시각 (UTC)"},
    "strategy.lib.col_id": {"en": "Id", "ko": "ID"},
    "strategy.lib.open": {"en": "Open", "ko": "열기"},
    "strategy.lib.option": {"en": "{name} · v{version} · saved {saved} · {sid}",
                            "ko": "{name} · v{version} · {saved} 저장 · {sid}"},
    "strategy.lib.tab_preview": {"en": "Preview", "ko": "미리보기"},
    "strategy.lib.tab_versions": {"en": "Versions", "ko": "버전"},
    "strategy.lib.tab_backtest": {"en": "Backtest", "ko": "백테스트"},
    "strategy.lib.tab_manage": {"en": "Export / delete", "ko": "내보내기 / 삭제"},
    "strategy.lib.version": {"en": "Version", "ko": "버전"},
    "strategy.lib.versions_table": {"en": "All versions", "ko": "전체 버전"},
    "strategy.lib.col_note": {"en": "Note", "ko": "메모"},
    "strategy.lib.col_source": {"en": "Source", "ko": "출처"},
    "strategy.lib.col_model": {"en": "Model", "ko": "모델"},
    "strategy.lib.col_created": {"en": "Saved (UTC)", "ko": "저장 시각 (UTC)"},
    "strategy.lib.diff_from": {"en": "Compare version", "ko": "비교할 버전"},
    "strategy.lib.diff_to": {"en": "with version", "ko": "대상 버전"},
    "strategy.lib.diff_same": {"en": "These two versions are identical.", "ko": "두 버전이 같습니다."},
    "strategy.lib.one_version": {"en": "Only one version so far; save a change to compare.",
                                 "ko": "아직 버전이 하나뿐입니다. 변경을 저장하면 비교할 수 있습니다."},
    "strategy.lib.export": {"en": "Download JSON (version {version})", "ko": "JSON 다운로드 (버전 {version})"},
    "strategy.lib.import": {"en": "Import a strategy JSON file", "ko": "전략 JSON 파일 가져오기"},
    "strategy.lib.import_button": {"en": "Import", "ko": "가져오기"},
    "strategy.lib.imported": {"en": "Imported “{name}”.", "ko": "“{name}”을(를) 가져왔습니다."},
    "strategy.lib.delete": {"en": "Delete this strategy", "ko": "이 전략 삭제"},
    "strategy.lib.delete_confirm": {
        "en": "Delete “{name}” and hide all its versions? This cannot be undone from the app.",
        "ko": "“{name}”과(와) 모든 버전을 삭제할까요? 앱에서는 되돌릴 수 없습니다.",
    },
    "strategy.lib.delete_yes": {"en": "Yes, delete", "ko": "예, 삭제"},
    "strategy.lib.delete_no": {"en": "Cancel", "ko": "취소"},
    "strategy.lib.deleted": {"en": "Deleted “{name}”.", "ko": "“{name}”을(를) 삭제했습니다."},
    "strategy.lib.edit_in_generate": {"en": "Edit / refine on Generate", "ko": "생성 화면에서 수정"},
    "strategy.lib.meta": {"en": "Version {version} of {latest} · saved {created} · source: {source}",
                          "ko": "버전 {version}/{latest} · 저장 {created} · 출처: {source}"},
}
