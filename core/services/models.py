"""Models and providers for the UI and the CLI: the gateway, the registry table, routing chains."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.config import ConfigError
from core.config import get_settings as _raw_settings
from core.errors import StudioError
from core.llm.gateway import Gateway
from core.llm.providers import configured_in, provider_classes
from core.llm.registry import OFFLINE, Registry, registry_from_settings
from core.llm.types import USE_CASES

_lock = threading.Lock()


class SettingsInvalid(StudioError):
    """A malformed setting (environment or .streamlit/secrets.toml), shown as a message, not a traceback."""

    kind = "settings_invalid"
    exit_code = 2


def get_settings() -> Any:
    try:
        return _raw_settings()
    except ConfigError as exc:
        raise SettingsInvalid(str(exc)) from None

_gateway: Gateway | None = None



@dataclass(frozen=True)
class ProviderStatus:
    name: str
    configured: bool
    base_url: str | None
    note: str
    needs: str = ""  # what to set to configure it (variable names, never values)


@dataclass(frozen=True)
class ModelChoice:
    name: str
    provider: str
    configured: bool
    input_per_mtok: Decimal | None
    output_per_mtok: Decimal | None
    recommended: bool
    label: str


def get_gateway() -> Gateway:
    """The process-wide gateway, built once from settings (ledger and cache on the studio DB)."""
    global _gateway
    if _gateway is None:
        with _lock:
            if _gateway is None:
                from core.services.composition import build_gateway

                _gateway = build_gateway(get_settings())
    return _gateway


def reset_gateway() -> None:
    """Forget the gateway (after settings change, or between tests)."""
    global _gateway
    with _lock:
        _gateway = None


_registry_cache: dict[tuple[Any, ...], Registry] = {}


def _registry() -> Registry:
    """The gateway's registry when it exists; otherwise one loaded per models-file version (pages call
    this several times per rerun and must not re-parse the TOML each time)."""
    if _gateway is not None:
        return _gateway.registry
    s = get_settings()
    path = s.studio_models_file
    mtime = path.stat().st_mtime_ns if path is not None and path.is_file() else None
    key = (str(path), mtime, tuple(s.custom_llm_models))
    reg = _registry_cache.get(key)
    if reg is None:
        reg = registry_from_settings(s)
        _registry_cache.clear()
        _registry_cache[key] = reg
    return reg


def _configured(settings: Any) -> dict[str, bool]:
    return configured_in(settings)


def provider_status() -> list[ProviderStatus]:
    """Which providers can serve, from the provider classes themselves; never shows a key."""
    s = get_settings()
    out = []
    for name, cls in provider_classes().items():
        if cls.is_configured(s):
            out.append(ProviderStatus(name, True, cls.base_url_from(s), cls.status_note(s)))
        else:
            out.append(ProviderStatus(name, False, cls.base_url_from(s), f"not configured: set {cls.requirement()}",
                                      cls.requirement()))
    return out


def registry_rows() -> list[dict[str, Any]]:
    """One row per model and per alias: the shape of `python -m core models --json`."""
    reg = _registry()
    conf = _configured(get_settings())
    rows: list[dict[str, Any]] = []

    def row(name: str, info: Any, alias_of: str | None) -> dict[str, Any]:
        p = info.price
        return {
            "name": name,
            "provider": info.provider,
            "alias_of": alias_of,
            "input_per_mtok": p.input,
            "output_per_mtok": p.output,
            "cache_read_per_mtok": p.cache_read,
            "cache_write_per_mtok": p.cache_write,
            "context_window": info.context_window,
            "max_output": info.max_output,
            "structured_output": info.structured_output,
            "use_cases": list(info.use_cases),
            "configured": conf.get(info.provider, False),
        }

    for name, info in reg.models.items():
        rows.append(row(name, info, None))
    for alias, target in reg.aliases.items():
        rows.append(row(alias, reg.models[target], target))
    return rows


def routing_chains(effective: bool = True) -> dict[str, list[str]]:
    """Per use case, the models tried in order. ``effective`` drops unconfigured providers."""
    reg = _registry()
    s = get_settings()
    if not effective:
        return {uc: reg.full_chain(uc) for uc in USE_CASES}
    conf = [p for p, ok in _configured(s).items() if ok]
    return {uc: [m.name for m in reg.chain(uc, conf, None, s.llm_default_model)] for uc in USE_CASES}


def _fmt(price: Decimal | None) -> str:
    return "price unknown" if price is None else f"${price.normalize():f}"


def model_choices(use_case: str) -> list[ModelChoice]:
    """Models to offer for a use case; the first is the recommended default (first of the chain)."""
    reg = _registry()
    s = get_settings()
    conf = _configured(s)
    chain = routing_chains()[use_case]
    recommended = chain[0]
    order = chain + [n for n, i in reg.models.items() if n not in chain and use_case in i.use_cases]
    order += [n for n in reg.models if n not in order]
    out = []
    for name in order:
        info = reg.models[name]
        if info.provider == OFFLINE:
            label = "offline (rule-based, free)"
        else:
            p = info.price
            price = (f"{_fmt(p.input)} in / {_fmt(p.output)} out per Mtok" if p.known else "price unknown")
            label = f"{name} ({info.provider}, {price})"
            if not conf.get(info.provider, False):
                label += " — not configured"
        out.append(ModelChoice(name, info.provider, conf.get(info.provider, False), info.price.input,
                               info.price.output, name == recommended, label))
    return out


def fallback_setting() -> str:
    """LLM_FALLBACK as configured: what may answer when an explicitly chosen model fails (off by default)."""
    return get_settings().llm_fallback or "off"
