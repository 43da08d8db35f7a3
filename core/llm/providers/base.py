"""The small interface every provider adapter implements.

An adapter turns a ``ChatRequest`` into one vendor call through the vendor's official SDK (built
with ``max_retries=0``: retries, fallback, pricing and accounting belong to the gateway), returns
normalised usage, and maps every SDK exception to one of our ``ProviderError`` types with a
redacted message. Adapters never sleep, retry or price anything.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from core.config import Settings
from core.llm.types import ChatRequest, ModelInfo, Usage


@dataclass(frozen=True)
class Reply:
    text: str
    usage: Usage
    finish_reason: str | None = None
    vendor_model: str | None = None


@dataclass(frozen=True)
class StreamDone:
    """Last item of an adapter's stream: the vendor's own usage figures and finish reason."""

    usage: Usage
    finish_reason: str | None = None


StreamItem = str | StreamDone


@dataclass(frozen=True)
class Call:
    """What the gateway decided for one attempt: the model, the token cap and the time budget."""

    model: ModelInfo
    request: ChatRequest
    max_tokens: int
    timeout_s: float
    input_tokens: int = 0


class Provider:
    """One provider, declared in one file: its name, the variables that configure it (key and
    aliases, base-URL override), its default base URL and how it decides it is configured. Defining
    a subclass with a ``name`` registers it (``core.llm.providers.provider_classes``): the registry,
    the gateway, the status table, the secrets list and the Settings page all read that list."""

    name: ClassVar[str] = ""
    order: ClassVar[int] = 50  # position in status tables and routing fallbacks
    # A local engine (the offline rules) answers in-process: no vendor, price, quota, rate limit,
    # cache or deadline applies to it.
    local: ClassVar[bool] = False
    key_env: ClassVar[tuple[str, ...]] = ()  # the key's variable first, then its aliases
    base_url_env: ClassVar[str | None] = None
    default_base_url: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__ and cls.name:
            _CLASSES[cls.name] = cls

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._configured = False

    # ------------------------------------------------------------------ declared configuration
    @classmethod
    def key_from(cls, settings: Settings) -> str | None:
        for name in cls.key_env:
            value = settings.lookup(name)
            if value is not None:
                return value
        return None

    @classmethod
    def base_url_from(cls, settings: Settings) -> str | None:
        override = settings.lookup(cls.base_url_env) if cls.base_url_env else None
        return override or cls.default_base_url

    @classmethod
    def is_configured(cls, settings: Settings) -> bool:
        return cls.local or cls.key_from(settings) is not None

    @classmethod
    def requirement(cls) -> str:
        """What to set to configure it, for messages."""
        if not cls.key_env:
            return "nothing"
        first, *aliases = cls.key_env
        return first + (f" (or {', '.join(aliases)})" if aliases else "")

    @classmethod
    def status_note(cls, settings: Settings) -> str:
        """How the status table describes it once configured."""
        return "configured"

    def configured(self) -> bool:
        # Asked before every call: once configured, a provider stays so (its settings do not change
        # under it, and an SDK client keeps the key it was built with).
        if self._configured:
            return True
        self._configured = self.is_configured(self.settings)
        return self._configured

    def key_hint(self) -> str:
        return self.requirement()

    def base_url(self) -> str | None:
        return self.base_url_from(self.settings)

    # ------------------------------------------------------------------ calls
    def complete(self, call: Call) -> Reply:
        raise NotImplementedError

    def stream(self, call: Call) -> Iterator[StreamItem]:
        """Text deltas then one StreamDone; a cut after text raises StreamInterrupted."""
        raise NotImplementedError

    async def acomplete(self, call: Call) -> Reply:
        # Default for SDKs without an async client (zai-sdk): run the sync call in a worker thread.
        return await asyncio.to_thread(self.complete, call)

    async def astream(self, call: Call) -> AsyncIterator[StreamItem]:
        async for item in thread_stream(self.stream, call):
            yield item


_CLASSES: dict[str, type[Provider]] = {}


_END = object()


async def thread_stream(fn, call: Call) -> AsyncIterator[StreamItem]:  # type: ignore[no-untyped-def]
    """Drive a blocking iterator in a worker thread and hand its items to the event loop."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[object] = asyncio.Queue()
    stop = threading.Event()

    def worker() -> None:
        try:
            for item in fn(call):
                if stop.is_set():
                    break
                loop.call_soon_threadsafe(queue.put_nowait, item)
            loop.call_soon_threadsafe(queue.put_nowait, _END)
        except BaseException as exc:  # handed to the consumer, re-raised there
            loop.call_soon_threadsafe(queue.put_nowait, exc)

    fut = loop.run_in_executor(None, worker)
    try:
        while True:
            item = await queue.get()
            if item is _END:
                break
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        await asyncio.shield(fut)


async def _close_with_loop(client: Any) -> AsyncIterator[None]:
    try:
        yield
    finally:
        await client.close()


async def bind_to_loop(client: Any) -> Any:
    """Close an async SDK client when its event loop shuts down.

    httpx async connections belong to one loop; left open when ``asyncio.run`` ends, they fail noisily
    when garbage-collected. A started async generator is finalised by ``loop.shutdown_asyncgens()``
    (which ``asyncio.run`` calls before closing the loop), so its ``finally`` closes the client while
    the loop still runs. Keep the returned generator referenced for as long as the client."""
    closer = _close_with_loop(client)
    await closer.asend(None)
    return closer
