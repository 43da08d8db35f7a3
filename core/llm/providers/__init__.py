"""Provider adapters, one file per provider. Every ``Provider`` subclass with a ``name`` registers
itself when its module is imported; ``provider_classes`` imports every module of this package once,
so a new provider is one new file here (plus its models.toml entries). Modules import their vendor
SDK only when a client is built (importing an SDK takes ~0.5 s)."""

from __future__ import annotations

import importlib
import pkgutil
import threading

from core.config import Settings
from core.llm.providers.base import _CLASSES, Provider

_lock = threading.Lock()
_discovered = False


def provider_classes() -> dict[str, type[Provider]]:
    """Every registered provider class by name, in display order (offline last)."""
    global _discovered
    if not _discovered:
        with _lock:
            if not _discovered:
                for mod in pkgutil.iter_modules(__path__):
                    importlib.import_module(f"{__name__}.{mod.name}")
                _discovered = True
    return dict(sorted(_CLASSES.items(), key=lambda kv: (kv[1].order, kv[0])))


def configured_in(settings: Settings) -> dict[str, bool]:
    """Which providers have what they need, read from settings alone (no SDK is imported)."""
    return {name: cls.is_configured(settings) for name, cls in provider_classes().items()}


def make_provider(name: str, settings: Settings) -> Provider:
    return provider_classes()[name](settings)
