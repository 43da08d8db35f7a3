"""The offline rule engine as a provider: deterministic, free, always configured."""

from __future__ import annotations

from collections.abc import Iterator

import core.offline
from core.config import Settings
from core.errors import EngineCannotAnswer
from core.llm.providers.base import Call, Provider, Reply, StreamDone, StreamItem
from core.llm.types import Usage

# Streamed in slices so the UI shows the same progressive rendering as for a vendor.
_SLICE = 64


class OfflineProvider(Provider):
    name = "offline"
    order = 100
    local = True

    @classmethod
    def status_note(cls, settings: Settings) -> str:
        return "rule-based engine, always available, free"

    def complete(self, call: Call) -> Reply:
        req = call.request
        try:
            text = core.offline.answer(req.use_case, req.offline_context)
        except ModuleNotFoundError as exc:
            raise EngineCannotAnswer(
                f"The offline engine for '{req.use_case}' is not installed ({exc.name}).",
                hint="Configure a provider key (see `python -m core models`).",
            ) from None
        return Reply(text=text, usage=Usage(), finish_reason="stop", vendor_model="offline")

    def stream(self, call: Call) -> Iterator[StreamItem]:
        reply = self.complete(call)
        for i in range(0, len(reply.text), _SLICE):
            yield reply.text[i : i + _SLICE]
        yield StreamDone(usage=reply.usage, finish_reason=reply.finish_reason)
