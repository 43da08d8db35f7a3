"""Strategies page: search saved strategies, open one, preview it, compare versions, backtest, import,
export and delete (with confirmation)."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from core.errors import StudioError
from core.services import strategy_library
from ui.backtest_panel import render_backtest_panel
from ui.canvas import show_canvas
from ui.errors import show_error
from ui.i18n import t
from ui.plain_text import escape_markdown as md
from ui.readback import show_readback
from ui.sidebar import current_user

SELECTED, CONFIRM, FLASH = "lib_selected", "lib_confirm_delete", "lib_flash"


def _import() -> None:
    with st.expander(t("strategy.lib.import")):
        upload = st.file_uploader(t("strategy.lib.import"), type=["json"], key="lib_import_file",
                                  label_visibility="collapsed")
        if upload is not None and st.button(t("strategy.lib.import_button"), key="lib_import_go"):
            try:
                sid, _ = strategy_library.import_strategy_json(upload.getvalue(), user=current_user(),
                                                               note=upload.name[:100])
            except StudioError as exc:
                show_error(exc)
                return
            st.session_state[SELECTED] = sid
            imported = strategy_library.get_strategy(sid, user=current_user())
            st.session_state[FLASH] = t("strategy.lib.imported", name=md(imported.name))
            st.rerun()


def _table(items: list[Any]) -> None:
    rows = [{t("strategy.lib.col_name"): s.name, t("strategy.lib.col_version"): s.latest_version,
             t("strategy.lib.col_updated"): s.updated_at[:19].replace("T", " "), t("strategy.lib.col_id"): s.id}
            for s in items]
    st.dataframe(rows, hide_index=True, width="stretch")


def _versions_tab(sid: str) -> None:
    versions = strategy_library.list_versions(sid, user=current_user())
    st.markdown(f"**{t('strategy.lib.versions_table')}**")
    st.dataframe([{t("strategy.lib.version"): v.version, t("strategy.lib.col_note"): v.note or "",
                   t("strategy.lib.col_source"): v.source or "", t("strategy.lib.col_model"): v.model or "",
                   t("strategy.lib.col_created"): v.created_at[:19].replace("T", " ")} for v in versions],
                 hide_index=True, width="stretch")
    numbers = [v.version for v in versions]
    if len(numbers) < 2:
        st.info(t("strategy.lib.one_version"))
        return
    c1, c2 = st.columns(2)
    a = c1.selectbox(t("strategy.lib.diff_from"), numbers, index=1, key=f"lib_diff_a_{sid}")
    b = c2.selectbox(t("strategy.lib.diff_to"), numbers, index=0, key=f"lib_diff_b_{sid}")
    diff = strategy_library.diff_versions(sid, int(a), int(b), user=current_user())
    if diff:
        st.code(diff, language="diff")
    else:
        st.info(t("strategy.lib.diff_same"))


def _edit_on_generate(stored: Any) -> None:
    st.session_state["gen_strategy"] = stored.strategy
    st.session_state["gen_json"] = json.dumps(stored.strategy, ensure_ascii=False, indent=2)
    st.session_state["gen_source"] = "edited"
    st.session_state["gen_saved_id"] = stored.id
    st.session_state["gen_history"] = []
    st.session_state.pop("gen_issue", None)


def _manage_tab(stored: Any) -> None:
    st.download_button(t("strategy.lib.export", version=stored.version),
                       strategy_library.export_strategy_json(stored.id, stored.version, user=current_user()),
                       file_name=f"{stored.id}-v{stored.version}.json", mime="application/json",
                       key=f"lib_export_{stored.id}")
    if st.button(t("strategy.lib.edit_in_generate"), key=f"lib_edit_{stored.id}"):
        _edit_on_generate(stored)
        st.switch_page("pages/generate.py")
    st.divider()
    if st.session_state.get(CONFIRM) != stored.id:
        if st.button(t("strategy.lib.delete"), key=f"lib_delete_{stored.id}", icon=":material/delete:"):
            st.session_state[CONFIRM] = stored.id
            st.rerun()
        return
    st.warning(t("strategy.lib.delete_confirm", name=md(stored.name)))
    c1, c2 = st.columns([1, 4])
    if c1.button(t("strategy.lib.delete_yes"), type="primary", key=f"lib_delete_yes_{stored.id}"):
        try:
            strategy_library.delete_strategy(stored.id, user=current_user())
        except StudioError as exc:
            show_error(exc)
            return
        st.session_state.pop(CONFIRM, None)
        st.session_state.pop(SELECTED, None)
        st.session_state[FLASH] = t("strategy.lib.deleted", name=md(stored.name))
        st.rerun()
    if c2.button(t("strategy.lib.delete_no"), key=f"lib_delete_no_{stored.id}"):
        st.session_state.pop(CONFIRM, None)
        st.rerun()


def _source_name(source: str | None) -> str:
    """Where a version came from, in the reader's words (the stored value when it is not one of ours)."""
    if not source:
        return "—"
    key = f"strategy.source.{source}"
    text = t(key)
    return text if text != key else md(source)


def _open(sid: str) -> None:
    latest = strategy_library.get_strategy(sid, user=current_user())
    numbers = list(range(latest.latest_version, 0, -1))
    version = st.selectbox(t("strategy.lib.version"), numbers, key=f"lib_version_{sid}")
    stored = strategy_library.get_strategy(sid, int(version), user=current_user())
    st.subheader(md(stored.name))  # names come from models and files: show them as text
    st.caption(t("strategy.lib.meta", version=stored.version, latest=stored.latest_version,
                 created=stored.created_at[:19].replace("T", " "), source=_source_name(stored.source)))
    description = str(stored.strategy.get("description") or "")
    if description:
        # Its lines (a summary, then the assumptions as a list) stay lines; a caption would run them together.
        st.caption("  \n".join(md(line) for line in description.splitlines() if line.strip()))
    preview, versions, backtest, manage = st.tabs([t("strategy.lib.tab_preview"), t("strategy.lib.tab_versions"),
                                                   t("strategy.lib.tab_backtest"), t("strategy.lib.tab_manage")])
    with preview:
        show_readback(stored.strategy)
        show_canvas(stored.strategy, list(strategy_library.validate_strategy(stored.strategy).issues),
                    key=f"lib_canvas_{sid}")
        with st.expander(t("strategy.lib.json")):
            st.json(stored.strategy)
    with versions:
        _versions_tab(sid)
    with backtest:
        render_backtest_panel(stored.strategy, key_prefix=f"lib_{sid}")
    with manage:
        _manage_tab(stored)


def main() -> None:
    st.title(t("strategy.lib.title"))
    st.caption(t("strategy.lib.intro"))
    if FLASH in st.session_state:
        st.success(st.session_state.pop(FLASH))
    _import()
    search = st.text_input(t("strategy.lib.search"), key="lib_search")
    try:
        items = strategy_library.list_strategies(current_user(), search)
    except StudioError as exc:
        show_error(exc)
        return
    if not items:
        st.info(t("strategy.lib.no_match", search=search) if search else t("strategy.lib.empty"))
        return
    _table(items)
    by_id = {s.id: s for s in items}
    ids = list(by_id)
    current = st.session_state.get(SELECTED)
    index = ids.index(current) if current in by_id else 0
    # Same-named strategies are told apart by version, saved time and id (worded now, in this run).
    options = {i: t("strategy.lib.option", name=by_id[i].name, version=by_id[i].latest_version,
                    saved=by_id[i].updated_at[:16].replace("T", " "), sid=i) for i in ids}
    sid = st.selectbox(t("strategy.lib.open"), ids, index=index,
                       format_func=lambda i: options[i])
    st.session_state[SELECTED] = sid
    try:
        _open(sid)
    except StudioError as exc:
        show_error(exc)


main()
