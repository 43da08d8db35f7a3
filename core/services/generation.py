"""Generate and refine strategies: prompt → gateway (streamed) → extract/repair → graph validation.

A strategy comes back only when the graph validator accepts it; otherwise the model is re-asked
with the validator's exact issues (see core.llm.structured), and a final failure says what was
wrong. A refinement also returns a readable list of changes: the model's own list, or one computed
by comparing the old and new graphs when the model gives none.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from core.accounts.principal import LOCAL_USER_ID, Principal, owner_id
from core.llm.structured import OutputProblem, ask_structured
from core.llm.types import ChatRequest, FallbackPolicy
from core.offline.inputs import StrategyEdit, StrategyPrompt
from core.prompts.builder import Language, build_prompt, detect_language
from core.services.common import BadInput, CallInfo, gateway_or_default, require_text
from core.services.outputs import Refinement, strategy_schema, vendor_schema
from core.services.strategy_library import StrategyInput, ValidationReport, ValidStrategy, validate_strategy

MAX_PROMPT_CHARS = 4000
MAX_STRATEGY_TOKENS = 4096


@dataclass(kw_only=True)
class StrategyResult(CallInfo):
    """A validated strategy plus the call's metadata (model, tried, usage, cost, attempts, ...)."""

    strategy: ValidStrategy
    report: ValidationReport
    changes: list[str] = field(default_factory=list)
    attempts: int = 1
    language: Language = "en"


def issue_text(issue: Any) -> str:
    where = issue.node_id or (f"edge {issue.edge[0]}->{issue.edge[1]}" if issue.edge else "strategy")
    hint = f" Fix: {issue.hint}" if issue.hint else ""
    return f"{issue.code} at {where}: {issue.message}{hint}"


def _unwrap(obj: dict[str, Any]) -> dict[str, Any]:
    """Some models wrap the strategy ({"strategy": {...}}); accept that form."""
    if "nodes" not in obj:
        for key in ("strategy", "optimized_strategy", "result"):
            inner = obj.get(key)
            if isinstance(inner, dict) and "nodes" in inner:
                return inner
    return obj


def check_strategy(obj: dict[str, Any]) -> ValidStrategy:
    """Parse step for a strategy answer: the graph validator's errors become the re-ask's errors."""
    report = validate_strategy(_unwrap(obj))
    valid = report.valid_strategy
    if valid is None:
        raise OutputProblem([issue_text(i) for i in report.errors] or ["the strategy is not valid"])
    return valid


def _result(strategy: ValidStrategy, info: CallInfo, changes: list[str], language: Language) -> StrategyResult:
    return StrategyResult(strategy=strategy, report=strategy.report, changes=changes, language=language,
                          **{f.name: getattr(info, f.name) for f in fields(CallInfo)})


def generate_strategy(
    prompt: str,
    *,
    model: str | None = None,
    fallback: FallbackPolicy | None = None,
    user: Principal | str = LOCAL_USER_ID,
    language: str | None = None,
    use_cache: bool = True,
    on_delta: Callable[[str], None] | None = None,
    on_attempt: Callable[[int, list[str]], None] | None = None,
    gateway: Any | None = None,
) -> StrategyResult:
    """A validated strategy for a plain-language request; ``on_delta`` receives the text as it streams."""
    text = require_text(prompt, "strategy request", limit=MAX_PROMPT_CHARS,
                        example='"Buy 100 USDT of BTC when the 1h RSI(14) falls below 30".')
    lang = detect_language(text, language)
    built = build_prompt("strategy_generation", lang, user_prompt=text)
    req = ChatRequest(
        use_case="strategy_generation", messages=built.messages, model=model, user=owner_id(user),
        max_tokens=MAX_STRATEGY_TOKENS, output_schema=strategy_schema(), schema_name="strategy",
        json_mode=True, use_cache=use_cache, fallback=fallback, template_version=built.template_version,
        offline_context=StrategyPrompt(text, lang),
    )
    result = ask_structured(gateway_or_default(gateway), req, check_strategy, language=lang,
                            on_delta=on_delta, on_attempt=on_attempt)
    return _result(result.value, CallInfo.of(result), [], lang)


def refine_strategy(
    strategy: StrategyInput,
    instruction: str,
    *,
    model: str | None = None,
    fallback: FallbackPolicy | None = None,
    user: Principal | str = LOCAL_USER_ID,
    language: str | None = None,
    use_cache: bool = True,
    on_delta: Callable[[str], None] | None = None,
    on_attempt: Callable[[int, list[str]], None] | None = None,
    gateway: Any | None = None,
) -> StrategyResult:
    """The strategy revised by ``instruction``, validated, with a readable list of what changed.

    The strategy to refine need only be readable: a refinement may be what fixes it.
    """
    text = require_text(instruction, "refinement instruction", limit=MAX_PROMPT_CHARS,
                        example='"make the RSI period 21" or "also notify me".')
    current_report = validate_strategy(strategy)
    current = current_report.strategy
    if current is None:
        raise BadInput(
            "The strategy to refine cannot be read: "
            + "; ".join(issue_text(i) for i in current_report.errors[:3]),
            hint="Validate it first (python -m core validate FILE) and fix what it reports.",
        )
    lang = detect_language(text, language)
    built = build_prompt(
        "strategy_refinement", lang,
        strategy_json=json.dumps(current, ensure_ascii=False, indent=1), instruction=text,
    )
    req = ChatRequest(
        use_case="strategy_refinement", messages=built.messages, model=model, user=owner_id(user),
        max_tokens=MAX_STRATEGY_TOKENS, output_schema=vendor_schema(Refinement), schema_name="refinement",
        json_mode=True, use_cache=use_cache, fallback=fallback, template_version=built.template_version,
        offline_context=StrategyEdit(current, text, lang),
    )

    def parse(obj: dict[str, Any]) -> tuple[ValidStrategy, list[str]]:
        if "strategy" not in obj and "nodes" in obj:  # a bare strategy is an acceptable answer
            obj = {"strategy": obj, "changes": []}
        refinement = Refinement.model_validate(obj)
        return check_strategy(refinement.strategy), [c for c in refinement.changes if str(c).strip()]

    result = ask_structured(gateway_or_default(gateway), req, parse, language=lang,
                            on_delta=on_delta, on_attempt=on_attempt)
    revised, changes = result.value
    if not changes:
        changes = diff_changes(current, revised, lang)
    return _result(revised, CallInfo.of(result), changes, lang)


# --- readable differences --------------------------------------------------------------------

_WORDS = {
    "en": {"added": "added {what}", "removed": "removed {what}", "changed": "{where}: {old} → {new}",
           "edge_added": "added link {a} → {b}", "edge_removed": "removed link {a} → {b}",
           "node": "{type} node {id}", "none": "no changes"},
    "ko": {"added": "{what} 추가", "removed": "{what} 삭제", "changed": "{where}: {old} → {new}",
           "edge_added": "연결 {a} → {b} 추가", "edge_removed": "연결 {a} → {b} 삭제",
           "node": "{type} 노드 {id}", "none": "변경 없음"},
}


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def diff_changes(old: Mapping[str, Any], new: Mapping[str, Any], language: str = "en") -> list[str]:
    """Human-readable differences between two strategies (nodes, config fields, links, name)."""
    words = _WORDS["ko" if language == "ko" else "en"]
    out: list[str] = []
    for key in ("name", "description"):
        if old.get(key) != new.get(key) and new.get(key) is not None:
            out.append(words["changed"].format(where=key, old=_show(old.get(key, "")), new=_show(new.get(key))))
    old_nodes = {n["id"]: n for n in old.get("nodes", [])}
    new_nodes = {n["id"]: n for n in new.get("nodes", [])}
    for node_id, node in new_nodes.items():
        if node_id not in old_nodes:
            detail = _summary(node)
            out.append(words["added"].format(what=words["node"].format(type=node["type"], id=node_id))
                       + (f" ({detail})" if detail else ""))
            continue
        before, after = old_nodes[node_id].get("config", {}), node.get("config", {})
        for field_name in sorted(set(before) | set(after)):
            if before.get(field_name) != after.get(field_name):
                out.append(words["changed"].format(
                    where=f"{node_id}.{field_name}", old=_show(before.get(field_name, "—")),
                    new=_show(after.get(field_name, "—"))))
    for node_id, node in old_nodes.items():
        if node_id not in new_nodes:
            out.append(words["removed"].format(what=words["node"].format(type=node["type"], id=node_id)))
    old_edges = {(e["from"], e["to"], e.get("condition")) for e in old.get("edges", [])}
    new_edges = {(e["from"], e["to"], e.get("condition")) for e in new.get("edges", [])}
    for a, b, label in sorted(new_edges - old_edges, key=str):
        out.append(words["edge_added"].format(a=a, b=b) + (f" [{label}]" if label else ""))
    for a, b, label in sorted(old_edges - new_edges, key=str):
        out.append(words["edge_removed"].format(a=a, b=b) + (f" [{label}]" if label else ""))
    return out or [words["none"]]


def _summary(node: Mapping[str, Any]) -> str:
    config = node.get("config", {})
    if node.get("type") == "condition":
        return f"{config.get('left')} {config.get('operator')} {config.get('right')}"
    if node.get("type") == "action":
        return " ".join(str(config.get(k)) for k in ("action_type", "amount", "unit", "message") if config.get(k))
    return ""
