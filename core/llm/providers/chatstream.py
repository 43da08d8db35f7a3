"""Chat-completion stream folding shared by the OpenAI-compatible adapters (no SDK imports)."""

from __future__ import annotations

from typing import Any

from core.llm.errors import StreamInterrupted
from core.llm.providers.base import Call, Reply, StreamDone
from core.llm.providers.errmap import map_error
from core.llm.providers.usage import field, partial_usage, usage_from_openai
from core.llm.types import Usage


class StreamFold:
    """What a vendor stream has delivered so far, and the typed error when it breaks off."""

    def __init__(self, provider: str, vendor: str, call: Call) -> None:
        self.provider, self.vendor, self.call = provider, vendor, call
        self.parts: list[str] = []
        self.usage: Usage | None = None
        self.finish: str | None = None

    def broken(self, exc: BaseException) -> StreamInterrupted:
        err = map_error(exc, provider=self.provider, model=self.call.model.name, vendor=self.vendor)
        text = "".join(self.parts)
        return StreamInterrupted(
            f"The {self.vendor} stream for {self.call.model.name} broke off after {len(text)} characters: "
            f"{err.message}", provider=self.provider, model=self.call.model.name, status_code=err.status_code,
            partial_text=text, usage=partial_usage(self.call, text, self.usage))

    def feed(self, event: Any) -> list[str]:
        """Take one SDK stream event; return the text pieces it carried."""
        raise NotImplementedError

    def done(self) -> StreamDone:
        """The final usage and finish reason, or StreamInterrupted when the stream ended early."""
        raise NotImplementedError

    def ended_early(self, what: str) -> StreamInterrupted:
        """The stream closed cleanly but without its last event (``what`` says which)."""
        text = "".join(self.parts)
        return StreamInterrupted(
            f"The {self.vendor} stream for {self.call.model.name} ended {what}.",
            provider=self.provider, model=self.call.model.name, partial_text=text,
            usage=partial_usage(self.call, text, self.usage))


def chat_reply(resp: Any) -> Reply:
    """A non-streamed chat completion (OpenAI, GLM and compatible servers) as our Reply: the SDK's model
    of it, or its body read as JSON (a dict)."""
    choices = field(resp, "choices")
    choice = choices[0] if isinstance(choices, list) and choices else None
    message = field(choice, "message") if choice is not None else None
    text = (field(message, "content") or "") if message is not None else ""
    finish = field(choice, "finish_reason") if choice is not None else None
    return Reply(str(text), usage_from_openai(field(resp, "usage")), finish, field(resp, "model"))


class ChatStreamState(StreamFold):
    """Folds chat-completion chunks (OpenAI, GLM and compatible servers) into text, usage and finish."""

    def feed(self, chunk: Any) -> list[str]:
        if getattr(chunk, "usage", None) is not None:
            self.usage = usage_from_openai(chunk.usage)
        pieces = []
        for choice in chunk.choices or []:
            if choice.finish_reason:
                self.finish = choice.finish_reason
            piece = getattr(choice.delta, "content", None) if choice.delta is not None else None
            if piece:
                self.parts.append(piece)
                pieces.append(piece)
        return pieces

    def done(self) -> StreamDone:
        if self.finish is None:
            raise self.ended_early("without a finish reason")
        # A server that ignored include_usage: count ourselves, labelled as an estimate.
        text = "".join(self.parts)
        return StreamDone(self.usage or partial_usage(self.call, text), self.finish)
