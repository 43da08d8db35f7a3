"""The model registry: models, prices, aliases, per-provider limits and the routing chain per use case.

Built once from core/llm/data/models.toml, merged with the file named by STUDIO_MODELS_FILE
(field-level override of existing entries, or new entries) and with CUSTOM_LLM_MODELS (provider
``custom``, price unknown unless the models file sets one). The gateway keeps one instance, so
nothing here runs on the request path except dictionary look-ups.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from core.config import Settings
from core.llm.errors import UnknownModel
from core.llm.types import USE_CASES, ModelInfo, ModelPrice, PriceTier

DATA_FILE = Path(__file__).resolve().parent / "data" / "models.toml"
STRUCTURED_MODES = ("json_schema", "json_object", "none")
OFFLINE = "offline"
RETRY_STRATEGIES = ("exponential", "linear", "fixed")


class RegistryError(UnknownModel):
    """The registry data (or a user's models file) is malformed; the message says where."""


@dataclass(frozen=True)
class Resolved:
    """A looked-up name: the model, and the alias that led to it (None when the name was direct)."""

    info: ModelInfo
    alias: str | None = None


@dataclass(frozen=True)
class ProviderLimits:
    rpm: int = 0
    tpm: int = 0


@dataclass
class Registry:
    models: dict[str, ModelInfo]
    aliases: dict[str, str] = field(default_factory=dict)
    routing: dict[str, list[str]] = field(default_factory=dict)
    limits: dict[str, ProviderLimits] = field(default_factory=dict)
    price_date: str = ""
    retry: dict[str, Any] = field(default_factory=dict)  # RetryPolicy fields: strategy, base_s, cap_s, ...

    # ------------------------------------------------------------------ look-ups
    def resolve(self, name: str) -> Resolved:
        key = name.strip()
        if key in self.models:
            return Resolved(self.models[key])
        lowered = key.lower()
        for candidate in (lowered,):
            if candidate in self.models:
                return Resolved(self.models[candidate])
            if candidate in self.aliases:
                target = self.aliases[candidate]
                return Resolved(self.models[target], alias=candidate)
        raise UnknownModel(
            f"Unknown model '{name}'.",
            hint=self._suggest(key),
            name=name, code="UNKNOWN_MODEL",
            params={"name": name},
        )

    def get(self, name: str) -> ModelInfo:
        return self.resolve(name).info

    def _suggest(self, name: str) -> str:
        names = [*self.models, *self.aliases]
        close = difflib.get_close_matches(name.lower(), names, n=5, cutoff=0.5)
        if close:
            return "Did you mean: " + ", ".join(close) + "? `python -m core models` lists every model."
        return "Run `python -m core models` to list every model and alias."

    def alias_of(self, name: str) -> str | None:
        return self.aliases.get(name)

    def names(self) -> list[str]:
        return list(self.models)

    # ------------------------------------------------------------------ routing
    def chain(
        self,
        use_case: str,
        configured: Iterable[str],
        explicit: str | None = None,
        default: str | None = None,
    ) -> list[ModelInfo]:
        """Ordered candidates: explicit, then default, then the use case's chain, then custom models,
        then offline. Models of unconfigured providers are dropped; offline is always last."""
        if use_case not in USE_CASES:
            raise UnknownModel(
                f"Unknown use case '{use_case}'.", hint=f"Use one of: {', '.join(USE_CASES)}."
            )
        ok = set(configured) | {OFFLINE}
        out: list[ModelInfo] = []
        seen: set[str] = set()

        def add(info: ModelInfo) -> None:
            if info.name not in seen and info.provider in ok and info.name != OFFLINE:
                seen.add(info.name)
                out.append(info)

        if explicit:
            # The explicit choice stays even when its provider has no key, so that the answer can say
            # why it was skipped instead of silently using another model.
            info = self.get(explicit)
            if info.name == OFFLINE:
                return [info]  # choosing the rule engine means exactly that, never a paid model
            seen.add(info.name)
            out.append(info)
        if default:
            add(self.get(default))
        for name in self.routing.get(use_case, []):
            if name in self.models:
                add(self.models[name])
        for info in self.models.values():
            if info.provider == "custom":
                add(info)
        out.append(self.models[OFFLINE])
        return out

    def full_chain(self, use_case: str) -> list[str]:
        """The configured chain for display, regardless of which providers have keys."""
        return [*self.routing.get(use_case, []), OFFLINE]


# ---------------------------------------------------------------------- loading
def provider_names() -> list[str]:
    """The registered provider classes (each adapter file declares one)."""
    from core.llm.providers import provider_classes

    return list(provider_classes())


def _dec(value: Any, where: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RegistryError(f"{where}: price must be a number of USD per million tokens, got {value!r}.")
    try:
        out = Decimal(str(value))
    except InvalidOperation:
        raise RegistryError(f"{where}: price must be a number of USD per million tokens, got {value!r}.") from None
    if out < 0:
        raise RegistryError(f"{where}: price cannot be negative ({value}).")
    return out


def _int(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise RegistryError(f"{where}: must be a positive whole number of tokens, got {value!r}.")
    return value


def _tiers(raw: Any, where: str) -> tuple[PriceTier, ...]:
    """``tiers = [{above_tokens = 200000, input = 6.0, output = 22.5, ...}]``: long-context rates."""
    if not isinstance(raw, list) or not all(isinstance(t, Mapping) for t in raw):
        raise RegistryError(f"{where} tiers: expected a list of tables such as {{above_tokens = 200000, input = 6.0}}.")
    out = []
    for i, t in enumerate(raw):
        above = _int(t.get("above_tokens"), f"{where} tiers[{i}].above_tokens")
        if above is None:
            raise RegistryError(f"{where} tiers[{i}]: above_tokens (the prompt-token threshold) is required.")
        out.append(PriceTier(above, *(_dec(t.get(k), f"{where} tiers[{i}].{k}")
                                      for k in ("input", "output", "cache_read", "cache_write"))))
    return tuple(sorted(out, key=lambda t: t.above_tokens))


def _entry(name: str, raw: Mapping[str, Any], base: ModelInfo | None, source: str, price_date: str,
           price_source: str = "") -> ModelInfo:
    where = f"model '{name}' ({source})"
    if not isinstance(raw, Mapping):
        raise RegistryError(f"{where}: expected a table of fields.")
    provider = raw.get("provider", base.provider if base else None)
    known = provider_names()
    if provider not in known:
        raise RegistryError(f"{where}: provider must be one of {', '.join(known)}, got {provider!r}.")
    old = base.price if base else ModelPrice(None, None)

    def price_field(key: str, current: Decimal | None) -> Decimal | None:
        return _dec(raw[key], f"{where} {key}") if key in raw else current

    price = ModelPrice(
        input=price_field("input", old.input),
        output=price_field("output", old.output),
        cache_read=price_field("cache_read", old.cache_read),
        cache_write=price_field("cache_write", old.cache_write),
        version=price_date if source == "builtin" else f"{source}:{price_date}",
        tiers=_tiers(raw["tiers"], where) if "tiers" in raw else old.tiers,
        source=str(raw.get("price_source") or old.source or price_source),
    )
    structured = raw.get("structured_output", base.structured_output if base else "none")
    if structured not in STRUCTURED_MODES:
        raise RegistryError(f"{where}: structured_output must be one of {', '.join(STRUCTURED_MODES)}.")
    use_cases = raw.get("use_cases", list(base.use_cases) if base else [])
    bad = [u for u in use_cases if u not in USE_CASES]
    if bad:
        raise RegistryError(f"{where}: unknown use case(s) {bad}; use {', '.join(USE_CASES)}.")
    return ModelInfo(
        name=name,
        provider=provider,
        price=price,
        context_window=_int(raw["context_window"], f"{where} context_window")
        if "context_window" in raw
        else (base.context_window if base else None),
        max_output=_int(raw["max_output"], f"{where} max_output")
        if "max_output" in raw
        else (base.max_output if base else None),
        structured_output=structured,
        use_cases=tuple(use_cases),
        source=source,
    )


def _read_toml(path: Path, what: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegistryError(
            f"{what} {path} does not exist.", hint="Fix STUDIO_MODELS_FILE or create the file."
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{what} {path} is not valid TOML: {exc}.") from None


def _merge(reg: Registry, data: Mapping[str, Any], source: str) -> None:
    price_date = str(data.get("price_date", reg.price_date or "unknown"))
    price_source = str(data.get("price_source", "") or (source if source != "builtin" else ""))
    for name, raw in (data.get("models") or {}).items():
        base = reg.models.get(name)
        reg.models[name] = _entry(name, raw, base, source, price_date if source != "builtin" else reg.price_date,
                                  price_source)
    for alias, target in (data.get("aliases") or {}).items():
        reg.aliases[alias.lower()] = str(target)
    for use_case, names in (data.get("routing") or {}).items():
        if use_case not in USE_CASES:
            raise RegistryError(f"routing ({source}): unknown use case '{use_case}'; use {', '.join(USE_CASES)}.")
        if not isinstance(names, list):
            raise RegistryError(f"routing.{use_case} ({source}): expected a list of model names.")
        reg.routing[use_case] = [str(n) for n in names]
    retry = data.get("retry") or {}
    for key, value in retry.items():
        if key == "strategy":
            if value not in RETRY_STRATEGIES:
                raise RegistryError(f"retry.strategy ({source}) must be one of {', '.join(RETRY_STRATEGIES)}.")
        elif key in ("base_s", "cap_s", "retry_after_cap_s"):
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise RegistryError(f"retry.{key} ({source}) must be a number of seconds >= 0, got {value!r}.")
        else:
            raise RegistryError(f"retry.{key} ({source}) is not a retry setting; use strategy, base_s, cap_s or "
                                "retry_after_cap_s (the retry count is LLM_MAX_RETRIES).")
        reg.retry[key] = value
    for provider, raw in (data.get("providers") or {}).items():
        base_limits = reg.limits.get(provider, ProviderLimits())
        reg.limits[provider] = ProviderLimits(
            rpm=int(raw.get("rpm", base_limits.rpm)), tpm=int(raw.get("tpm", base_limits.tpm))
        )


def _check(reg: Registry) -> None:
    for alias, target in reg.aliases.items():
        if target not in reg.models:
            raise RegistryError(f"alias '{alias}' points at unknown model '{target}'.")
    for use_case, names in reg.routing.items():
        for n in names:
            if n not in reg.models:
                raise RegistryError(f"routing.{use_case} names unknown model '{n}'.")
    if OFFLINE not in reg.models:
        raise RegistryError("the registry must define the 'offline' model.")


def load_registry(
    models_file: Path | str | None = None,
    custom_models: Iterable[str] = (),
    data_file: Path = DATA_FILE,
) -> Registry:
    builtin = _read_toml(data_file, "Registry data file")
    reg = Registry(models={}, price_date=str(builtin.get("price_date", "")))
    _merge(reg, builtin, "builtin")
    # Custom-endpoint models first, so that the user's models file can then give them prices.
    for name in custom_models:
        name = name.strip()
        if name and name not in reg.models:
            reg.models[name] = ModelInfo(
                name=name,
                provider="custom",
                price=ModelPrice(None, None, version="unknown"),
                structured_output="json_object",
                use_cases=(),
                source="custom_env",
            )
    if models_file:
        _merge(reg, _read_toml(Path(models_file), "STUDIO_MODELS_FILE"), "models_file")
    _check(reg)
    return reg


def registry_from_settings(settings: Settings) -> Registry:
    return load_registry(settings.studio_models_file, settings.custom_llm_models)


def with_price(info: ModelInfo, price: ModelPrice) -> ModelInfo:
    return replace(info, price=price)
