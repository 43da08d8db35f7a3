"""The model picker of every page that calls a model, and what the page says about the call.

"Auto" comes first and is the default: the routing chain's models in order, any configured model
may answer when one fails, and the offline rule engine last. A model the user picks is the only
paid model that may answer unless they allow a fallback (off / same vendor / any configured),
chosen beside the picker and remembered for the session. Whatever answered, the page says so: the
model, the one asked for when another answered and why, and the cost of the failed attempts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

import streamlit as st

from core.services.models import ModelChoice, fallback_setting, model_choices
from core.services.wording import word_coded
from ui.errors import show_error
from ui.i18n import current_language, t
from ui.money import usd
from ui.plain_text import escape_markdown

OFFLINE = "offline"
AUTO = "auto"  # the picker's value for "no model chosen" (model=None); no registry name is "auto"
POLICIES = ("off", "same_vendor", "any")
POLICY_KEY = "llm_fallback_policy"  # the user's choice, kept for the session across pages


class ModelPick(NamedTuple):
    model: str | None  # None: auto
    fallback: str | None  # the policy for a chosen paid model; None lets the gateway decide (auto, offline)


def pick_model(use_case: str, key: str) -> ModelPick:
    choices = model_choices(use_case)
    usable = [c for c in choices if c.configured or c.provider == OFFLINE]
    if not any(c.provider == OFFLINE for c in usable):
        usable.append(next(c for c in choices if c.provider == OFFLINE))
    first = next((c for c in usable if c.recommended), usable[0])
    labels = {c.name: choice_label(c) for c in usable}
    labels[AUTO] = t("money.auto", first=t("services.offline_label") if first.provider == OFFLINE else first.name)
    names = [AUTO, *(c.name for c in usable)]
    if st.session_state.get(key) not in names:
        st.session_state.pop(key, None)  # a model no longer offered (its key was removed): back to auto
    choice = st.selectbox(t("services.model"), names, index=0, key=key,
                          format_func=lambda n: labels[n], help=t("money.model_help"))
    hidden = len(choices) - len(usable)
    if hidden > 0:
        st.caption(t("services.model_more", n=hidden))
    if choice == OFFLINE or (choice == AUTO and first.provider == OFFLINE):
        st.caption(t("services.offline_note"))
    if choice in (AUTO, OFFLINE):
        return ModelPick(None if choice == AUTO else OFFLINE, None)
    return ModelPick(str(choice), _pick_policy(key))


def _per_mtok(price: Decimal) -> str:
    return f"${price.normalize():f}"


def choice_label(choice: ModelChoice) -> str:
    """'gpt-5.4-mini (openai, $0.75 in / $4.5 out per Mtok)' in the interface language: the model and
    vendor names as they are, the price and the state from the catalog (the service's .label is English)."""
    if choice.provider == OFFLINE:
        return t("services.choice.offline")
    if choice.input_per_mtok is None or choice.output_per_mtok is None:
        price = t("services.choice.price_unknown")
    else:
        price = t("services.choice.price", input=_per_mtok(choice.input_per_mtok),
                  output=_per_mtok(choice.output_per_mtok))
    label = t("services.choice.model", name=choice.name, provider=choice.provider, price=price)
    return label + ("" if choice.configured else t("services.choice.not_configured"))


def _remember_policy(widget: str) -> None:
    st.session_state[POLICY_KEY] = st.session_state[widget]


def _pick_policy(key: str) -> str:
    """Beside a chosen paid model: may another model answer if it fails? (LLM_FALLBACK is the default.)"""
    widget = f"{key}__fallback"
    if widget not in st.session_state:
        # A widget's state is dropped on pages that do not show it; the session's choice is not.
        st.session_state[widget] = st.session_state.get(POLICY_KEY) or fallback_setting()
    labels = {p: t(f"money.policy.{p}") for p in POLICIES}  # now: format_func may run outside the run
    return str(st.selectbox(t("money.policy"), POLICIES, key=widget, format_func=labels.__getitem__,
                            on_change=_remember_policy, args=(widget,), help=t("money.policy_help")))


def call_caption(info: Any) -> str:
    """'gpt-5.4-mini · 812 in / 140 out tokens · $0.000843' for a CallInfo."""
    extra = ""
    if info.cached:
        extra += t("services.call_cached")
    if info.attempts > 1:
        extra += t("services.call_attempts", n=info.attempts)
    wait_s = float(getattr(info, "wait_ms", 0.0)) / 1000
    if wait_s >= 0.05:  # local rate-limit waits and retry backoff: the user waited, say how long
        extra += t("money.call_waited", s=f"{wait_s:.1f}")
    model = t("services.offline_label") if info.offline else info.model
    return t("services.call_info", model=model, tokens_in=info.usage.input_tokens,
             tokens_out=info.usage.output_tokens, cost=format(info.cost_usd, "f"), extra=extra)


def _reason(info: Any) -> str:
    """Why the first model failed, in the user's language (the core's sentence is English; it is a
    Coded string, whose code and figures the wording catalog turns into the user's language)."""
    reason = info.fallback_reason or ""
    lang = current_language()
    if lang != "en":
        said = word_coded(getattr(reason, "code", ""), getattr(reason, "params", {}), lang, escape_markdown)
        if said is not None:
            return said[0]
    return escape_markdown(reason)


def fallback_text(info: Any) -> str | None:
    """'claude-sonnet-4-6 answered instead of gpt-5.4-mini: ... The failed attempts cost $0.0012.'"""
    if not info.fallback_from:
        return None
    answered = t("services.offline_label") if info.offline else info.model
    return t("money.fallback", answered=escape_markdown(answered), asked=escape_markdown(info.fallback_from),
             reason=_reason(info), cost=usd(info.failed_cost_usd))


def show_call(info: Any) -> None:
    """Under every answer: which model answered and what it cost; a fallback as a warning beside it,
    with what the failed attempts cost (they reached a vendor, so they were billed)."""
    st.caption(call_caption(info))
    note = fallback_text(info)
    if note:
        st.warning(note, icon=":material/alt_route:")
    elif info.failed_cost_usd > 0:
        st.caption(t("money.failed_cost", cost=usd(info.failed_cost_usd)))


def show_call_error(exc: BaseException, *, offline_model_key: str | None = None) -> None:
    """A failed model call: the error in the user's language, and what its failed attempts cost."""
    show_error(exc, offline_model_key=offline_model_key)
    cost = getattr(exc, "failed_cost_usd", None)  # set on provider failures by the gateway
    if cost:
        st.caption(t("money.failed_cost", cost=usd(cost)))


def enum_label(value: str) -> str:
    return t(f"services.enum.{value}") if value else "—"
