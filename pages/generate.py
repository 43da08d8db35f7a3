"""Generate page: a sentence → a validated strategy graph; inspect, edit, refine, save.

Order on the page matters to Streamlit: everything that replaces the JSON editor's text (Generate,
Refine, Start over) runs before the editor widget is created in the same run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from core.errors import StudioError
from core.services import strategy_library
from core.services.generation import generate_strategy, refine_strategy
from core.services.strategy_library import ValidationReport, ValidStrategy
from ui.canvas import show_canvas
from ui.canvas_editor import Editor, editor_panel
from ui.errors import show_error
from ui.i18n import current_language, t
from ui.model_picker import ModelPick, pick_model, show_call, show_call_error
from ui.plain_text import escape_markdown as md
from ui.readback import show_readback
from ui.sidebar import current_user

PROMPT, JSON_KEY, STRATEGY, SOURCE, MODEL_USED = "gen_prompt", "gen_json", "gen_strategy", "gen_source", "gen_used"
HISTORY, SAVED_ID, CALL, ISSUE = "gen_history", "gen_saved_id", "gen_call", "gen_issue"  # CALL: the last CallInfo
SAVED_FLASH = "gen_saved_flash"  # kept until the strategy changes, so the link survives reruns
REPORT = "gen_report"  # (editor text, its validation report): each text is checked once, not every rerun
STREAM_TAIL = 4000  # characters of streamed text kept on screen
LAST_TEXT = "gen_last_text"  # the JSON text of the previous run, so a JSON edit can be undone too


def _set_strategy(strategy: ValidStrategy, source: str, model: str | None) -> None:
    if st.session_state.get(JSON_KEY):
        EDITOR.push_undo(st.session_state[JSON_KEY])
    st.session_state[STRATEGY] = strategy
    st.session_state[JSON_KEY] = strategy.to_json(indent=2)
    st.session_state[SOURCE] = source
    st.session_state[MODEL_USED] = model
    st.session_state.pop(ISSUE, None)
    st.session_state.pop(SAVED_FLASH, None)


def _use_example(text: str) -> None:
    st.session_state[PROMPT] = text


def _start_over() -> None:
    for key in (PROMPT, JSON_KEY, STRATEGY, SOURCE, MODEL_USED, HISTORY, SAVED_ID, CALL, ISSUE, SAVED_FLASH,
                REPORT, LAST_TEXT, EDITOR.undo_key, EDITOR.selected_key):
        st.session_state.pop(key, None)


def _editor_report() -> ValidationReport:
    """The validation of the editor's text, computed once per distinct text.

    The issue list describes the text in the editor (normalised, so it may differ from the model's
    raw answer), hence the text and not the generated strategy is what is checked.
    """
    text = st.session_state.get(JSON_KEY, "")
    cached = st.session_state.get(REPORT)
    if cached is not None and cached[0] == text:
        return cached[1]
    report = strategy_library.validate_strategy(text)
    st.session_state[REPORT] = (text, report)
    return report


def _on_json_edit() -> None:
    """An edit revalidates at once: keep the last readable strategy for the graph."""
    previous = st.session_state.get(LAST_TEXT)
    if previous is not None and previous != st.session_state.get(JSON_KEY):
        EDITOR.push_undo(previous)
    _on_text_change()


def _on_text_change() -> None:
    report = _editor_report()
    if report.strategy is not None:
        st.session_state[STRATEGY] = report.valid_strategy or report
        st.session_state[SOURCE] = "edited"
    st.session_state.pop(SAVED_FLASH, None)


def _shown(strategy: ValidStrategy | ValidationReport) -> Mapping[str, Any]:
    """The last readable strategy, drawn while the editor's text cannot be read."""
    return strategy if isinstance(strategy, ValidStrategy) else strategy.strategy or {}


EDITOR = Editor(prefix="gen", json_key=JSON_KEY, report=_editor_report, on_commit=_on_text_change,
                fallback=lambda: _shown(st.session_state[STRATEGY]))


def _examples() -> None:
    examples = strategy_library.example_prompts()
    with st.expander(t("strategy.gen.examples")):
        for lang, title in (("ko", t("strategy.gen.examples_ko")), ("en", t("strategy.gen.examples_en"))):
            st.markdown(f"**{title}**")
            for i, text in enumerate(examples[lang]):
                c1, c2 = st.columns([5, 1])
                c1.markdown(f"`{text}`")
                c2.button(t("strategy.gen.use_example"), key=f"gen_ex_{lang}_{i}", on_click=_use_example,
                          args=(text,))


def _stream_target() -> Any:
    """A callback that shows streamed text in one placeholder as it arrives."""
    placeholder = st.empty()
    parts: list[str] = []

    def on_delta(text: str) -> None:
        parts.append(text)
        placeholder.code("".join(parts)[-STREAM_TAIL:], language="json")

    return on_delta, placeholder


def _generate(prompt: str, pick: ModelPick) -> None:
    on_delta, placeholder = _stream_target()
    try:
        with st.spinner(t("strategy.gen.working")):
            result = generate_strategy(prompt, model=pick.model, fallback=pick.fallback, user=current_user(),
                                       on_delta=on_delta)
    except StudioError as exc:
        placeholder.empty()
        show_call_error(exc, offline_model_key="gen_model")
        return
    placeholder.empty()
    _set_strategy(result.strategy, "generated", result.model)
    st.session_state[HISTORY] = []
    st.session_state.pop(SAVED_ID, None)
    _remember_call(result)


def _remember_call(result: Any) -> None:
    # The call itself, not its caption: the page words it in the language of each rerun.
    st.session_state[CALL] = result


def _refine(instruction: str, pick: ModelPick) -> None:
    on_delta, placeholder = _stream_target()
    try:
        with st.spinner(t("strategy.gen.working")):
            result = refine_strategy(st.session_state[STRATEGY], instruction, model=pick.model,
                                     fallback=pick.fallback, user=current_user(), on_delta=on_delta)
    except StudioError as exc:
        placeholder.empty()
        show_call_error(exc, offline_model_key="gen_model")
        return
    placeholder.empty()
    _set_strategy(result.strategy, "refined", result.model)
    st.session_state.setdefault(HISTORY, []).append({"instruction": instruction, "changes": result.changes})
    _remember_call(result)


def _issue_text(issue: Any, lang: str) -> str:
    """Radio labels are Markdown; ids and messages quote the (untrusted) strategy, so escape them.

    In Korean the catalog's sentence for the code stands for the (English) message of the core."""
    mark = "⛔" if issue.severity == "error" else "⚠️"
    where = issue.node_id or (f"{issue.edge[0]} → {issue.edge[1]}" if issue.edge else "")
    message = issue.message if lang == "en" else t(f"strategy.code.{issue.code}")
    text = f"{issue.code} · {where}: {message}" if where else f"{issue.code}: {message}"
    return f"{mark} {md(text)}"


def _validation(report: ValidationReport) -> str | None:
    """The issue list; returns the node id to highlight (the selected issue's node)."""
    errors = [i for i in report.issues if i.severity == "error"]
    warnings = len(report.issues) - len(errors)
    if report.valid:
        st.success(t("strategy.gen.valid"), icon=":material/check_circle:")
    else:
        st.error(t("strategy.gen.invalid", n=len(errors)), icon=":material/error:")
    if warnings:
        st.caption(t("strategy.gen.warnings", n=warnings))
    highlight = None
    if report.issues:
        issues = list(report.issues)
        labels = [_issue_text(i, current_language()) for i in issues]  # now: format_func may run outside the run
        choice = st.radio(t("strategy.gen.pick_issue"), range(len(issues)), index=None, key=ISSUE,
                          format_func=lambda i: labels[i])
        if choice is not None and choice < len(issues):
            issue = issues[choice]
            highlight = issue.node_id or (issue.edge[0] if issue.edge else None)
            # The hint is the core's English sentence: shown to English readers only.
            hint = issue.hint if issue.hint and current_language() == "en" else None
            st.info(t(f"strategy.code.{issue.code}") + ("\n\n" + t("strategy.gen.hint", hint=md(hint)) if hint else ""))
    if report.warnings:
        with st.expander(t("strategy.gen.notes")):
            for note in report.warnings:
                st.text(note)
    return highlight


def _history() -> None:
    history = st.session_state.get(HISTORY) or []
    if not history:
        return
    with st.expander(t("strategy.gen.history"), expanded=True):
        for item in history:
            st.markdown(t("strategy.gen.history_item", instruction=md(item["instruction"])))
            for change in item["changes"]:
                st.text(f"  • {change}")


def _save(report: ValidationReport) -> None:
    note = st.text_input(t("strategy.gen.save_note"), key="gen_save_note")
    valid = report.valid_strategy
    if st.button(t("strategy.gen.save"), type="primary", key="gen_save", disabled=valid is None) and valid is not None:
        try:
            sid, version = strategy_library.save_strategy(
                valid, user=current_user(), note=note, source=st.session_state.get(SOURCE, "edited"),
                model=st.session_state.get(MODEL_USED), strategy_id=st.session_state.get(SAVED_ID))
        except StudioError as exc:
            show_error(exc)
            return
        st.session_state[SAVED_ID] = sid
        st.session_state[SAVED_FLASH] = {"name": valid.name, "version": version}
    flash = st.session_state.get(SAVED_FLASH)
    if flash:
        st.success(t("strategy.gen.saved", name=md(flash["name"]), version=flash["version"]))
        # Outside st.navigation (the page run on its own, e.g. in AppTest) there is no page to link to.
        with contextlib.suppress(StreamlitPageNotFoundError):
            st.page_link("pages/strategies.py", label=t("strategy.gen.open_library"), icon=":material/account_tree:")


def _prompt_row() -> tuple[str, ModelPick, bool]:
    prompt = st.text_area(t("strategy.gen.prompt"), key=PROMPT, height=80,
                          placeholder=t("strategy.gen.prompt_placeholder"), max_chars=4000)
    c0, c1, c2 = st.columns([4, 1, 1], vertical_alignment="bottom")
    with c0:
        model = pick_model("strategy_generation", key="gen_model")
    clicked = c1.button(t("strategy.gen.generate"), type="primary", key="gen_go", width="stretch")
    c2.button(t("strategy.gen.new"), key="gen_reset", on_click=_start_over, width="stretch")
    return prompt, model, clicked


def main() -> None:
    st.title(t("strategy.gen.title"))
    st.caption(t("strategy.gen.intro"))
    _examples()
    prompt, model, clicked = _prompt_row()
    if clicked:
        if not (prompt or "").strip():
            st.warning(t("strategy.gen.empty_prompt"))
        else:
            _generate(prompt, model)
    if STRATEGY not in st.session_state:
        st.info(t("strategy.gen.no_strategy"))
        return
    # The canvas goes first on the page but is drawn last in the run: a refinement below may still
    # replace the strategy in this run.
    top = st.container()
    if st.session_state.get(CALL) is not None:
        show_call(st.session_state[CALL])
    edit_col, issue_col = st.columns([3, 2])

    # Refinement before the JSON editor: it may replace the editor's text, which must happen before
    # the editor exists.
    with st.form("gen_refine_form", clear_on_submit=True, border=False):
        r1, r2 = st.columns([5, 1], vertical_alignment="bottom")
        instruction = r1.text_input(t("strategy.gen.refine"), placeholder=t("strategy.gen.refine_placeholder"),
                                    key="gen_refine_text")
        refine_clicked = r2.form_submit_button(t("strategy.gen.refine_button"))
    if refine_clicked and (instruction or "").strip():
        if _editor_report().strategy is None:
            st.warning(t("strategy.gen.refine_invalid"))
        else:
            _refine(instruction.strip(), model)
    _history()

    report = _editor_report()
    with issue_col:
        st.subheader(t("strategy.gen.issues"))
        highlight = _validation(report)
    picked = EDITOR.selection()
    if picked and picked.get("kind") == "node" and highlight is None:
        highlight = str(picked.get("id"))
    with top:
        if report.strategy is None:
            st.warning(t("strategy.gen.unreadable"))
        shown = report.strategy or _shown(st.session_state[STRATEGY])
        show_readback(shown)
        show_canvas(shown, list(report.issues), key="gen_canvas",
                    highlight=highlight, on_select=EDITOR.select)
    with edit_col:
        editor_panel(EDITOR)
    st.subheader(t("strategy.gen.json_title"))
    st.text_area(t("strategy.gen.json"), key=JSON_KEY, height=320, on_change=_on_json_edit,
                 help=t("strategy.gen.json_help"))
    st.session_state[LAST_TEXT] = st.session_state.get(JSON_KEY, "")
    _save(report)


main()
