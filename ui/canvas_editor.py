"""Edit a strategy on the canvas without JSON: a form for the clicked node, a palette to add nodes,
edges to connect and disconnect, delete, and undo.

Every change happens in a widget callback (before the page's JSON editor is created in that run),
goes through ``commit`` (which records the previous text for undo) and so revalidates and redraws
on the same rerun. Widget keys carry a hash of the node's config: when the config changes from
anywhere (this form, the JSON editor, a refinement, undo) the form is rebuilt from the new values
instead of showing stale ones.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.services import canvas as editing
from core.services import strategy_library as lib
from core.services.canvas import TYPE_NAMES, VALUE_NAMES, node_label, operand_text
from ui.i18n import current_language, t
from ui.plain_text import escape_markdown as md

UNDO_LIMIT = 50


@dataclass(frozen=True)
class Editor:
    """Where the page keeps its strategy: the JSON text in ``json_key`` is the source of truth.

    ``report`` gives the page's (cached) validation of that text; ``fallback`` the last readable
    strategy, edited while the text cannot be read; ``on_commit`` runs after every change of the
    text (the page updates what it derives from it)."""

    prefix: str
    json_key: str
    report: Callable[[], Any]
    fallback: Callable[[], Mapping[str, Any]]
    on_commit: Callable[[], None] | None = None

    @property
    def undo_key(self) -> str:
        return f"{self.prefix}_undo"

    @property
    def selected_key(self) -> str:
        return f"{self.prefix}_selected"

    def current(self) -> dict[str, Any]:
        """An editable copy of the strategy being edited."""
        readable = self.report().strategy
        return copy.deepcopy(dict(readable if readable is not None else self.fallback() or {"nodes": [], "edges": []}))

    def commit(self, strategy: dict[str, Any]) -> None:
        previous = st.session_state.get(self.json_key, "")
        text = json.dumps(strategy, ensure_ascii=False, indent=2)
        if text == previous:
            return
        self.push_undo(previous)
        st.session_state[self.json_key] = text
        if self.on_commit:
            self.on_commit()

    def push_undo(self, text: str) -> None:
        stack = st.session_state.setdefault(self.undo_key, [])
        stack.append(text)
        del stack[:-UNDO_LIMIT]

    def undo(self) -> None:
        stack = st.session_state.get(self.undo_key) or []
        if not stack:
            return
        st.session_state[self.json_key] = stack.pop()
        if self.on_commit:
            self.on_commit()

    def revision(self) -> str:
        """The strategy text as this run drew it: a button's action applies only to that graph."""
        return _h(st.session_state.get(self.json_key, ""))

    def select(self, picked: dict[str, Any]) -> None:
        st.session_state[self.selected_key] = picked

    def selection(self) -> dict[str, Any] | None:
        value = st.session_state.get(self.selected_key)
        return value if isinstance(value, dict) else None


def _h(config: Any) -> str:
    return hashlib.sha1(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()[:10]


def _value_name(value: str) -> str:
    return VALUE_NAMES.get(value, {}).get(current_language(), value)


def _names(func: Callable[[str], str], options: list[str]) -> Callable[[str], str]:
    """A format_func resolved now, in the run's language (AppTest calls it outside the run)."""
    table = {o: func(o) for o in options}
    return lambda o: table.get(o, o)


def _set_field(ed: Editor, node_id: str, field: str, widget_key: str, kind: str = "text") -> None:
    """Callback: one field of one node changed in the form."""
    strategy = ed.current()
    node = editing.node_of(strategy, node_id)
    if node is None:
        return
    config = dict(node.get("config") or {})
    raw = st.session_state.get(widget_key)
    if kind == "operand":
        text = str(raw or "").strip()
        number = editing.parse_number(text)
        if number is not None:
            raw = number
        elif not lib.check_operand(text)[0]:
            return  # the field shows the parse error; the strategy keeps its last good operand
        else:
            raw = text
    elif kind == "number":
        if raw is None:
            return
        raw = int(raw) if float(raw).is_integer() else float(raw)
    elif kind == "text":
        raw = str(raw or "").strip()
    config[field] = raw
    ed.commit(editing.set_config(strategy, node_id, config))


def _set_subtype(ed: Editor, node_id: str, kind: str, widget_key: str) -> None:
    strategy = ed.current()
    node = editing.node_of(strategy, node_id)
    if node is None:
        return
    config = editing.default_config(kind, st.session_state.get(widget_key), editing.main_symbol(strategy))
    old = node.get("config") or {}
    for keep in ("symbol", "exchange"):
        if keep in config and isinstance(old.get(keep), str) and old.get(keep):
            config[keep] = old[keep]
    ed.commit(editing.set_config(strategy, node_id, config))


def _quick_pick(ed: Editor, node_id: str, widget_key: str) -> None:
    choice = st.session_state.get(widget_key)
    if not choice:
        return
    strategy = ed.current()
    node = editing.node_of(strategy, node_id)
    if node is None:
        return
    config = dict(node.get("config") or {})
    config["left"] = choice
    ed.commit(editing.set_config(strategy, node_id, config))


def _operand_field(ed: Editor, node_id: str, field: str, value: Any, base: str) -> None:
    key = f"{base}_{field}"
    st.text_input(t(f"editor.{field}"), value=lib_text(value), key=key, on_change=_set_field,
                  args=(ed, node_id, field, key, "operand"), help=t("editor.operand_help"))
    typed = str(st.session_state.get(key, lib_text(value))).strip()
    if editing.parse_number(typed) is None:
        ok, column, reason = lib.check_operand(typed)
        if not ok:
            where = t("editor.at_column", column=column) if column else ""
            # The grammar's own reason is English: shown to English readers only.
            detail = f"\n\n`{md(reason)}`" if current_language() == "en" else ""
            st.error(t("editor.operand_error", where=where) + detail, icon=":material/error:")


def lib_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _select(label: str, options: tuple[str, ...], current: Any, key: str, on_change: Callable[..., None],
            args: tuple[Any, ...], names: Callable[[str], str] = _value_name) -> None:
    opts = list(options)
    if isinstance(current, str) and current not in opts:
        opts.append(current)
    index = opts.index(current) if current in opts else 0
    st.selectbox(label, opts, index=index, key=key, format_func=_names(names, opts), on_change=on_change,
                 args=args)


def _text(ed: Editor, node_id: str, field: str, value: Any, base: str) -> None:
    key = f"{base}_{field}"
    st.text_input(t(f"editor.{field}"), value=lib_text(value), key=key, on_change=_set_field,
                  args=(ed, node_id, field, key, "text"))


def _number(ed: Editor, node_id: str, field: str, value: Any, base: str, minimum: float | None = None) -> None:
    key = f"{base}_{field}"
    number = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
    st.number_input(t(f"editor.{field}"), value=number, min_value=minimum, key=key, on_change=_set_field,
                    args=(ed, node_id, field, key, "number"), format="%g")


def _interval(ed: Editor, node_id: str, field: str, value: Any, base: str) -> None:
    key = f"{base}_{field}"
    _select(t(f"editor.{field}"), editing.TIMEFRAMES, value, key, _set_field, (ed, node_id, field, key, "raw"),
            names=str)


def _subtype(ed: Editor, node_id: str, kind: str, field: str, choices: Any, config: dict[str, Any],
             base: str) -> Any:
    """The picker of a node's own kind (trigger, source or action type); returns the current one."""
    sub = config.get(field)
    _select(t(f"editor.{field}"), choices, sub, f"{base}_sub", _set_subtype, (ed, node_id, kind, f"{base}_sub"))
    return sub


def _node_form(ed: Editor, strategy: dict[str, Any], node: dict[str, Any]) -> None:
    node_id = str(node.get("id"))
    kind = str(node.get("type"))
    config = node.get("config") if isinstance(node.get("config"), dict) else {}
    base = f"{ed.prefix}_f_{node_id}_{_h(config)}"
    st.markdown(f"**{md(TYPE_NAMES.get(kind, {}).get(current_language(), kind))} · {md(node_id)}**")
    if kind == "trigger":
        sub = _subtype(ed, node_id, kind, "trigger_type", editing.TRIGGER_TYPES, config, base)
        if sub == "time":
            _interval(ed, node_id, "interval", config.get("interval"), base)
        else:
            _text(ed, node_id, "symbol", config.get("symbol"), base)
            if sub == "price_change":
                _number(ed, node_id, "threshold_pct", config.get("threshold_pct"), base)
            else:
                _number(ed, node_id, "multiplier", config.get("multiplier"), base, minimum=0.0)
            _interval(ed, node_id, "window", config.get("window"), base)
    elif kind == "data_source":
        sub = _subtype(ed, node_id, kind, "source_type", editing.SOURCE_TYPES, config, base)
        if sub == "news":
            _text(ed, node_id, "query", config.get("query"), base)
        else:
            _text(ed, node_id, "symbol", config.get("symbol"), base)
            key = f"{base}_exchange"
            _select(t("editor.exchange"), editing.EXCHANGES, config.get("exchange"), key, _set_field,
                    (ed, node_id, "exchange", key, "raw"), names=str)
            if sub == "ohlcv":
                _interval(ed, node_id, "timeframe", config.get("timeframe"), base)
    elif kind == "condition":
        key = f"{base}_operator"
        _select(t("editor.operator"), editing.OPERATORS, config.get("operator"), key, _set_field,
                (ed, node_id, "operator", key, "raw"), names=lambda o: _value_name(o) if "_" in o else o)
        pick = f"{base}_pick"
        st.selectbox(t("editor.quick_pick"), editing.INDICATOR_PICKS, index=None, key=pick,
                     placeholder=t("editor.quick_pick_placeholder"), on_change=_quick_pick, args=(ed, node_id, pick),
                     format_func=_names(_operand_label, list(editing.INDICATOR_PICKS)))
        _operand_field(ed, node_id, "left", config.get("left"), base)
        _operand_field(ed, node_id, "right", config.get("right"), base)
    elif kind == "action":
        sub = _subtype(ed, node_id, kind, "action_type", editing.ACTION_TYPES, config, base)
        if sub == "notify":
            _text(ed, node_id, "message", config.get("message"), base)
        else:
            _text(ed, node_id, "symbol", config.get("symbol"), base)
            if sub == "sell":
                all_key = f"{base}_all"
                st.checkbox(t("editor.sell_all"), value=config.get("amount") == "all", key=all_key,
                            on_change=_toggle_all, args=(ed, node_id, all_key))
                if config.get("amount") != "all":
                    _number(ed, node_id, "amount", config.get("amount"), base, minimum=0.0)
            else:
                _number(ed, node_id, "amount", config.get("amount"), base, minimum=0.0)
            _text(ed, node_id, "unit", config.get("unit"), base)
    _edges_of(ed, strategy, node_id, kind, base)
    st.button(t("editor.delete_node"), key=f"{base}_delete", icon=":material/delete:", on_click=_on_drawn,
              args=(ed, ed.revision(), _delete, node_id))


def _operand_label(value: str) -> str:
    return operand_text(value, current_language())


def _toggle_all(ed: Editor, node_id: str, key: str) -> None:
    strategy = ed.current()
    node = editing.node_of(strategy, node_id)
    if node is None:
        return
    config = dict(node.get("config") or {})
    config["amount"] = "all" if st.session_state.get(key) else 1
    ed.commit(editing.set_config(strategy, node_id, config))


def _on_drawn(ed: Editor, revision: str, action: Callable[..., None], *args: Any) -> None:
    """Run a button's edit only on the graph it was drawn with. A click on a button of a page that a
    slower run has not redrawn yet (or the same click delivered again when a run is cut short by the
    next one) would otherwise delete or rewire whatever the graph has become: say so, change nothing."""
    if ed.revision() != revision:
        st.toast(t("editor.stale"), icon=":material/sync_problem:")
        return
    action(ed, *args)


def _delete(ed: Editor, node_id: str) -> None:
    ed.commit(editing.delete_node(ed.current(), node_id))
    st.session_state.pop(ed.selected_key, None)


def _disconnect(ed: Editor, source: str, target: str) -> None:
    ed.commit(editing.disconnect(ed.current(), source, target))


def _connect(ed: Editor, source: str, target_key: str, branch_key: str) -> None:
    target = st.session_state.get(target_key)
    if not target:
        return
    ed.commit(editing.connect(ed.current(), source, str(target), st.session_state.get(branch_key)))


def _node_name(strategy: dict[str, Any], node_id: str) -> str:
    node = editing.node_of(strategy, node_id)
    if node is None:
        return node_id
    return f"{node_label(node, current_language())} ({node_id})"


def _edges_of(ed: Editor, strategy: dict[str, Any], node_id: str, kind: str, base: str) -> None:
    st.markdown(f"**{t('editor.edges')}**")
    for edge in editing.out_edges(strategy, node_id):
        target = str(edge.get("to"))
        c1, c2 = st.columns([4, 1], vertical_alignment="center")
        branch = edge.get("condition")
        prefix = f"[{t('editor.branch_' + branch)}] " if branch in ("true", "false") else ""
        c1.text(f"→ {prefix}{_node_name(strategy, target)}")
        c2.button(t("editor.disconnect"), key=f"{base}_cut_{target}", on_click=_on_drawn,
                  args=(ed, ed.revision(), _disconnect, node_id, target))
    targets = [str(n.get("id")) for n in strategy.get("nodes") or []
               if isinstance(n, dict) and n.get("id") != node_id and n.get("type") != "trigger"]
    if not targets:
        return
    c1, c2, c3 = st.columns([3, 2, 1], vertical_alignment="bottom")
    target_key, branch_key = f"{base}_to", f"{base}_branch"
    c1.selectbox(t("editor.connect_to"), targets, index=None, key=target_key,
                 placeholder=t("editor.connect_placeholder"),
                 format_func=_names(lambda i: _node_name(strategy, i), targets))
    if kind == "condition":
        c2.selectbox(t("editor.branch"), ("true", "false"), key=branch_key,
                     format_func=_names(lambda b: t("editor.branch_" + b), ["true", "false"]))
    c3.button(t("editor.connect"), key=f"{base}_connect", on_click=_on_drawn,
              args=(ed, ed.revision(), _connect, node_id, target_key, branch_key))


def _add(ed: Editor, kind_key: str) -> None:
    kind = st.session_state.get(kind_key) or "condition"
    picked = ed.selection() or {}
    after = picked.get("id") if picked.get("kind") == "node" else None
    strategy, node_id = editing.add_node(ed.current(), kind, after=after)
    ed.commit(strategy)
    ed.select({"kind": "node", "id": node_id})


def palette(ed: Editor) -> None:
    c1, c2, c3 = st.columns([3, 2, 2], vertical_alignment="bottom")
    kind_key = f"{ed.prefix}_palette_kind"
    lang = current_language()  # resolved now: format_func may also run outside the script run
    c1.selectbox(t("editor.palette"), editing.NODE_TYPES, index=2, key=kind_key,
                 format_func=lambda k: TYPE_NAMES[k][lang])
    c2.button(t("editor.add_node"), key=f"{ed.prefix}_palette_add", icon=":material/add:", on_click=_on_drawn,
              args=(ed, ed.revision(), _add, kind_key))
    stack = st.session_state.get(ed.undo_key) or []
    c3.button(t("editor.undo", n=len(stack)), key=f"{ed.prefix}_undo_btn", icon=":material/undo:",
              on_click=_on_drawn, args=(ed, ed.revision(), Editor.undo), disabled=not stack)


def _edge_panel(ed: Editor, strategy: dict[str, Any], edge_index: int) -> None:
    # The same filter as the canvas's edge ids ("e<index>" over edges with two string ends).
    edges = [e for e in strategy.get("edges") or [] if isinstance(e, dict)
             and isinstance(e.get("from"), str) and isinstance(e.get("to"), str)]
    if not 0 <= edge_index < len(edges):
        st.caption(t("editor.pick_node"))
        return
    edge = edges[edge_index]
    source, target = str(edge.get("from")), str(edge.get("to"))
    st.markdown(f"**{t('editor.edge')}**")
    st.text(f"{_node_name(strategy, source)} → {_node_name(strategy, target)}")
    st.button(t("editor.disconnect"), key=f"{ed.prefix}_edge_cut_{source}_{target}", on_click=_on_drawn,
              args=(ed, ed.revision(), _disconnect, source, target))


def editor_panel(ed: Editor) -> None:
    """The form of whatever is selected on the canvas, and the palette."""
    strategy = ed.current()
    st.subheader(t("editor.title"))
    palette(ed)
    picked = ed.selection()
    if picked and picked.get("kind") == "node":
        node = editing.node_of(strategy, str(picked.get("id")))
        if node is not None:
            with st.container(border=True, key=f"{ed.prefix}_node_form"):
                _node_form(ed, strategy, node)
            return
    if picked and picked.get("kind") == "edge":
        edge_id = str(picked.get("id", ""))
        if edge_id.startswith("e") and edge_id[1:].isdigit():
            with st.container(border=True):
                _edge_panel(ed, strategy, int(edge_id[1:]))
            return
    st.caption(t("editor.pick_node"))
