"""A local engine as a provider: deterministic, free, always configured.

The gateway does not know the engine: the composition root (``core.services.composition``) hands it
one callable per use case (``OfflineHandler``), and each service puts that use case's typed input in
``ChatRequest.offline_context``. Without handlers the provider declines every request."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from core.config import Settings
from core.errors import EngineCannotAnswer
from core.llm.providers.base import Call, Provider, Reply, StreamDone, StreamItem
from core.llm.types import OfflineHandler, Usage

# Streamed in slices so the UI shows the same progressive rendering as for a vendor.
_SLICE = 64


class OfflineProvider(Provider):
    name = "offline"
    order = 100
    local = True

    def __init__(self, settings: Settings, handlers: Mapping[str, OfflineHandler] | None = None) -> None:
        super().__init__(settings)
        self.handlers = dict(handlers or {})

    @classmethod
    def status_note(cls, settings: Settings) -> str:
        return "rule-based engine, always available, free"

    def complete(self, call: Call) -> Reply:
        req = call.request
        handler = self.handlers.get(req.use_case)
        if handler is None or req.offline_context is None:
            raise EngineCannotAnswer(
                f"The offline engine has no answer for '{req.use_case}' here.",
                hint="Configure a provider key (see `python -m core models`).",
            )
        return Reply(text=handler(req.offline_context), usage=Usage(), finish_reason="stop", vendor_model="offline")

    def stream(self, call: Call) -> Iterator[StreamItem]:
        reply = self.complete(call)
        for i in range(0, len(reply.text), _SLICE):
            yield reply.text[i : i + _SLICE]
        yield StreamDone(usage=reply.usage, finish_reason=reply.finish_reason)
