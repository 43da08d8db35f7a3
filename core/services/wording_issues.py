"""The strategy validator's issue codes (``core.strategy.issues.CODES``) in both languages, keyed
``strategy.code.<CODE>``; merged into ``core.services.wording.MESSAGES`` so that the pages, the CLI's
``validate`` and the REST API's validation report say an issue alike."""

from __future__ import annotations

ISSUE_MESSAGES: dict[str, dict[str, str]] = {
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
}
