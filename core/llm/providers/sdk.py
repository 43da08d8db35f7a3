"""Plumbing shared by the adapters over an official SDK (no SDK imports here).

The key and base URL come from settings; every client is built with ``max_retries=0`` (our retry
policy is the only one, vendor-sdks.md section 2) and the settings' timeout; one sync client per
adapter and, for SDKs with an async client, one async client per event loop.

An adapter supplies the request (``_create``), the reply reader (``_reply``) and the stream folder
(``_fold``); the four calls below wrap them so that every SDK exception becomes one of our typed,
redacted errors, and a stream that breaks after text becomes ``StreamInterrupted`` with its partial
text and usage.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

from core.config import Settings
from core.errors import register_secret
from core.llm.providers.base import Call, Provider, Reply, StreamItem, bind_to_loop
from core.llm.providers.chatstream import StreamFold
from core.llm.providers.errmap import map_error, sdk_errors


class SdkProvider(Provider):
    vendor: ClassVar[str] = ""  # display name in messages
    placeholder_key: ClassVar[str] = "unset"  # the SDKs insist on a key even where the server needs none
    sdk_modules: ClassVar[tuple[str, ...]] = ()  # whose exceptions to map (errmap.sdk_errors), loaded on use
    async_client: ClassVar[bool] = True  # False: the SDK is sync only; async calls run it in a worker thread

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._errors: tuple[type[BaseException], ...] | None = None
        self._client: Any = None
        # httpx async pools belong to one event loop: one async client per loop.
        self._aclients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        register_secret(self._key())

    def _key(self) -> str | None:
        return self.key_from(self.settings)

    @property
    def sdk_exceptions(self) -> tuple[type[BaseException], ...]:
        """What the SDK raises; imported on first use, so that listing providers imports no SDK."""
        if self._errors is None:
            self._errors = sdk_errors(*self.sdk_modules)
        return self._errors

    def _options(self) -> dict[str, Any]:
        return {"api_key": self._key() or self.placeholder_key, "base_url": self.base_url(), "max_retries": 0,
                "timeout": float(self.settings.llm_request_timeout)}

    def _new_client(self, asynchronous: bool) -> Any:
        """The SDK's client (imported here, lazily: importing an SDK takes ~0.5 s)."""
        raise NotImplementedError

    def client(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._new_client(False)
        return self._client

    async def aclient(self) -> Any:
        loop = asyncio.get_running_loop()
        client = self._aclients.get(loop)
        if client is None:
            # The client holds its loop alive through its connections, so weak keys alone never
            # drop it: forget clients of loops that have ended (asyncio.run per batch, say).
            for old in [lp for lp in list(self._aclients) if lp.is_closed()]:
                self._aclients.pop(old, None)
            client = self._new_client(True)
            self._aclients[loop] = (client, await bind_to_loop(client))
            return client
        return client[0]

    def _mapped(self, exc: BaseException, call: Call) -> Exception:
        return map_error(exc, provider=self.name, model=call.model.name, vendor=self.vendor)

    # ------------------------------------------------------------------ adapter hooks
    def _create(self, client: Any, call: Call, stream: bool) -> Any:
        """The SDK request (a coroutine with the async client)."""
        raise NotImplementedError

    def _reply(self, resp: Any) -> Reply:
        raise NotImplementedError

    def _fold(self, call: Call) -> StreamFold:
        raise NotImplementedError

    # ------------------------------------------------------------------ calls
    def complete(self, call: Call) -> Reply:
        try:
            # Reading the reply can fail too (a body that is not JSON): mapped like the request.
            return self._reply(self._create(self.client(), call, False))
        except self.sdk_exceptions as exc:
            raise self._mapped(exc, call) from None

    def stream(self, call: Call) -> Iterator[StreamItem]:
        try:
            stream = self._create(self.client(), call, True)
        except self.sdk_exceptions as exc:
            raise self._mapped(exc, call) from None
        state = self._fold(call)
        try:
            with stream:
                for event in stream:
                    yield from state.feed(event)
        except self.sdk_exceptions as exc:
            raise state.broken(exc) from None
        yield state.done()

    async def acomplete(self, call: Call) -> Reply:
        if not self.async_client:
            return await super().acomplete(call)
        try:
            return self._reply(await self._create(await self.aclient(), call, False))
        except self.sdk_exceptions as exc:
            raise self._mapped(exc, call) from None

    async def astream(self, call: Call) -> AsyncIterator[StreamItem]:
        if not self.async_client:
            async for item in super().astream(call):
                yield item
            return
        try:
            stream = await self._create(await self.aclient(), call, True)
        except self.sdk_exceptions as exc:
            raise self._mapped(exc, call) from None
        state = self._fold(call)
        try:
            async with stream:
                async for event in stream:
                    for piece in state.feed(event):
                        yield piece
        except self.sdk_exceptions as exc:
            raise state.broken(exc) from None
        yield state.done()
