"""The read-back: any valid strategy as plain Korean or English sentences, one per rule.

Deterministic and model-free, so it reads an LLM's graph and the offline compiler's alike. A rule
is one action (or several actions reached the same way) with the condition paths that lead to it:
paths are ORed, the conditions along one path are ANDed, a ``false`` edge reads as "is not".
Every sentence names the check interval, the exchange, the symbol, the timeframe, every number
and the amount, so a trader can check the graph against what they meant without reading JSON.

The wording is also what the offline compiler reads (tests round-trip it), so phrases here are
the compiler's own vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.strategy.explain_phrases import (
    INTERVAL_KO,
    Step,
    action_en,
    action_ko,
    condition_en,
    condition_ko,
    source_phrase,
    trigger_phrase,
)
from core.strategy.operands import BinOp, Column, Expr, Indicator, Neg, OperandError, PositionTerm, parse_operand

MAX_PATHS = 5_000  # a hostile graph with many diamonds must not explode the read-back; a cut is said

class _Graph:
    def __init__(self, strategy: dict[str, Any]) -> None:
        nodes = [n for n in strategy.get("nodes", []) if isinstance(n, dict)]
        self.by_id = {n.get("id"): n for n in nodes}
        self.out: dict[Any, list[tuple[Any, str | None]]] = {}
        for e in strategy.get("edges", []) or []:
            if isinstance(e, dict):
                self.out.setdefault(e.get("from"), []).append((e.get("to"), e.get("condition")))
        self.order = {n.get("id"): i for i, n in enumerate(nodes)}

    def kind(self, node_id: Any) -> str:
        return str(self.by_id.get(node_id, {}).get("type"))

    def config(self, node_id: Any) -> dict[str, Any]:
        cfg = self.by_id.get(node_id, {}).get("config")
        return cfg if isinstance(cfg, dict) else {}

    def paths(self, start: Any) -> dict[Any, list[tuple[tuple[Any, ...], tuple[Step, ...]]]]:
        """action id -> [(data sources on the path, condition steps on the path)]."""
        found: dict[Any, list[tuple[tuple[Any, ...], tuple[Step, ...]]]] = {}
        count = 0
        stack: list[tuple[Any, tuple[Any, ...], tuple[Step, ...], frozenset[Any]]] = [
            (start, (), (), frozenset({start}))]
        self.truncated = False
        while stack:
            if count >= MAX_PATHS:
                self.truncated = True
                break
            node, srcs, steps, seen = stack.pop()
            for target, label in reversed(self.out.get(node, [])):
                if target in seen or target not in self.by_id:
                    continue
                t_srcs, t_steps = srcs, steps
                if self.kind(node) == "condition":
                    t_steps = (*steps[:-1], Step(steps[-1].config, label == "false"))
                kind = self.kind(target)
                if kind == "action":
                    found.setdefault(target, []).append((t_srcs, t_steps))
                    count += 1
                    continue
                if kind == "data_source":
                    t_srcs = (*t_srcs, target)
                elif kind == "condition":
                    t_steps = (*t_steps, Step(self.config(target), False))
                stack.append((target, t_srcs, t_steps, seen | {target}))
        return found


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def explain(strategy: dict[str, Any], lang: str = "ko") -> list[str]:
    """The strategy read back as sentences in ``lang`` ("ko" or "en"), one per rule."""
    lang = "ko" if lang == "ko" else "en"
    graph = _Graph(strategy)
    trigger = next((i for i, n in graph.by_id.items() if n.get("type") == "trigger"), None)
    if trigger is None:
        return ["트리거가 없는 전략입니다." if lang == "ko" else "The strategy has no trigger."]
    sources_all = [i for i, n in graph.by_id.items() if n.get("type") == "data_source"]
    symbols = {str(graph.config(s).get("symbol")) for s in sources_all if graph.config(s).get("symbol")}
    main_symbol = next(iter(symbols)) if len(symbols) == 1 else None
    # Several data sources: operands with a prefix name their source's symbol and timeframe.
    names = {s: f"{graph.config(s).get('symbol', s)} {graph.config(s).get('timeframe', '')}".strip()
             for s in sources_all} if len(sources_all) > 1 else {}
    when = trigger_phrase(graph.config(trigger), lang)
    by_action = graph.paths(trigger)
    rules: dict[Any, list[Any]] = {}
    for action_id in sorted(by_action, key=lambda a: graph.order.get(a, 0)):
        key = _freeze([(s, [(_freeze(st.config), st.negated) for st in steps]) for s, steps in by_action[action_id]])
        rules.setdefault(key, []).append(action_id)
    sentences = []
    for actions in rules.values():
        paths = by_action[actions[0]]
        srcs = list(dict.fromkeys(s for p in paths for s in p[0]))
        header = when + " " + (", ".join(source_phrase(graph.config(s), lang) for s in srcs) if srcs else "")
        configs = [graph.config(a) for a in actions]
        chains = [steps for _, steps in paths]
        if lang == "ko":
            doing = "하고 ".join(action_ko(c, main_symbol) for c in configs)
            sentences.append(f"{header.strip()} 기준: {_rule_ko(chains, names)}{doing}.")
        else:
            doing = " and ".join(action_en(c, main_symbol) for c in configs)
            cond = _rule_en(chains, names)
            sentences.append(f"{header.strip()}: {cond}{doing}.")
    if not sentences:
        return ["실행할 규칙이 없습니다." if lang == "ko" else "No rule reaches an action."]
    if graph.truncated:  # never a silently partial read-back
        sentences.append(f"(경로가 {MAX_PATHS:,}개를 넘어 나머지 규칙은 생략했습니다.)" if lang == "ko"
                         else f"(More than {MAX_PATHS:,} paths: the remaining rules are not read back.)")
    return sentences


def _rule_ko(chains: list[tuple[Step, ...]], names: dict[str, str]) -> str:
    chains = [c for c in chains]
    if not any(chains):
        return "매번 "
    parts = []
    for i, chain in enumerate(chains):
        last_chain = i == len(chains) - 1
        words = []
        for j, step in enumerate(chain):
            last = j == len(chain) - 1
            ending = "고" if not last else ("면" if last_chain else "거나")
            words.append(condition_ko(step, names, ending))
        text = " ".join(words)
        parts.append(f"({text})" if len(chain) > 1 and len(chains) > 1 else text)
    return " ".join(parts) + " "


def _rule_en(chains: list[tuple[Step, ...]], names: dict[str, str]) -> str:
    if not any(chains):
        return "on every check, "
    texts = []
    for chain in chains:
        text = " and ".join(condition_en(s, names) for s in chain)
        texts.append(f"({text})" if len(chain) > 1 and len(chains) > 1 else text)
    return "when " + " or ".join(texts) + ", "


def explain_text(strategy: dict[str, Any], lang: str = "ko") -> str:
    """``explain`` as one paragraph."""
    return " ".join(explain(strategy, lang))


def _indicator_names(strategy: dict[str, Any]) -> Iterable[str]:
    for node in strategy.get("nodes", []):
        cfg = node.get("config") if isinstance(node, dict) else None
        if not isinstance(cfg, dict) or node.get("type") != "condition":
            continue
        for side in ("left", "right"):
            try:
                expr = parse_operand(cfg.get(side))
            except (OperandError, TypeError):
                continue
            yield from _names(expr)


def _names(expr: Expr) -> Iterable[str]:
    if isinstance(expr, Indicator):
        family = expr.name.split("_")[0]
        yield {"bb": "BB", "change": "Change", "volume": "Volume"}.get(family, family.upper())
    elif isinstance(expr, Column) and expr.name == "volume":
        yield "Volume"
    elif isinstance(expr, Column):
        yield "Price"
    elif isinstance(expr, PositionTerm):
        return
    elif isinstance(expr, BinOp):
        yield from _names(expr.left)
        yield from _names(expr.right)
    elif isinstance(expr, Neg):
        yield from _names(expr.operand)


def default_name(strategy: dict[str, Any], lang: str = "ko") -> str:
    """A short human name: "BTC 1시간봉 RSI 매수" / "BTC 1h RSI·MACD buy"."""
    nodes = [n for n in strategy.get("nodes", []) if isinstance(n, dict) and isinstance(n.get("config"), dict)]
    data = next((n["config"] for n in nodes if n.get("type") == "data_source"), {})
    base = str(data.get("symbol", "")).split("/")[0]
    tf = str(data.get("timeframe", ""))
    names = list(dict.fromkeys(_indicator_names(strategy)))
    if len(names) > 1 and "Price" in names:
        names.remove("Price")
    kinds = list(dict.fromkeys(str(n["config"].get("action_type")) for n in nodes if n.get("type") == "action"))
    if lang == "ko":
        names = [{"BB": "볼린저", "Change": "변동률", "Volume": "거래량", "Price": "가격"}.get(n, n) for n in names]
        verbs = "·".join({"buy": "매수", "sell": "매도", "notify": "알림"}.get(k, k) for k in kinds)
        parts = [base, f"{INTERVAL_KO.get(tf, tf)}봉" if tf else "", "·".join(names[:3]), verbs]
    else:
        parts = [base, tf, "·".join(names[:3]), "/".join(kinds)]
    return " ".join(p for p in parts if p) or ("전략" if lang == "ko" else "Strategy")
