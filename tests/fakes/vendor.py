"""A loopback fake LLM vendor server speaking OpenAI chat completions, Anthropic messages and GLM chat.

The real SDKs (openai, anthropic, zai-sdk) talk to it over HTTP, JSON or SSE (chosen from
``"stream": true`` in the body, as the real vendors do: the SDKs send ``Accept: application/json``
even when streaming).

In a test (a context manager; the server runs in a daemon thread on a free loopback port)::

    from tests.fakes.vendor import FakeVendor, Reply

    with FakeVendor() as fake:
        fake.script(Reply(status=429, headers={"retry-after": "1"}), Reply(text="hi"), vendor="openai")
        client = openai.OpenAI(api_key="sk-test", base_url=fake.openai_base_url, max_retries=0)
        ...
        assert fake.count("openai") == 2          # attempts that reached the fake
        assert fake.attempts[-1].body["model"] == "gpt-5.4-mini"

Base URLs: ``fake.openai_base_url`` (``.../v1``; also for a custom OpenAI-compatible endpoint),
``fake.anthropic_base_url`` (no ``/v1``, as the SDK wants), ``fake.glm_base_url``
(``.../api/paas/v4``). Vendors are named ``openai``, ``anthropic`` and ``glm``.

Scripting: ``fake.script(*replies, vendor=None)`` appends replies to a FIFO queue, per vendor when
``vendor`` is given, else to a shared queue used by any vendor. Each request pops one reply (vendor
queue first, then the shared queue); with both empty it answers ``Reply()`` (text "Hello from the
fake vendor", 12 input and 5 output tokens) unless the requested model name picks a scenario:
``err-NNN`` in the name answers that HTTP status (429 with ``retry-after: 1``), ``slow`` waits
2 s, ``midstream-error`` breaks the stream after its first chunk. ``Reply`` fields:

- ``text``, ``chunks`` (explicit stream pieces; default: the text in 3 pieces), ``finish_reason``;
- usage in normalised terms — ``input_tokens`` (EXCLUDING cache), ``output_tokens``,
  ``cache_read_tokens``, ``cache_write_tokens``, ``reasoning_tokens``. The fake writes each vendor's
  own fields: OpenAI/GLM ``prompt_tokens`` = input + cache read (it INCLUDES cached tokens) with
  ``prompt_tokens_details.cached_tokens``; Anthropic ``input_tokens`` excludes both cache fields;
- ``status`` and ``headers`` (e.g. ``Reply(status=429, headers={"retry-after": "1"})``,
  ``Reply(status=529)``), ``error_message``; ``echo_key=True`` puts the caller's Authorization
  value into the error message (as some vendors do) to test redaction;
- ``delay_s`` before the response (a slow reply, for timeouts), ``chunk_delay_s`` between chunks;
- ``cut_after=N``: a stream that sends N text chunks and then drops the connection;
  ``stream_error=True`` with ``cut_after``: send the vendor's mid-stream error event instead;
- ``malformed=True``: a 200 with a body that is not JSON;
- ``repeat=N``: use this reply for the next N requests.

Attempts: ``fake.attempts`` lists every request (``vendor``, ``path``, ``body``, ``headers``,
``retry_count`` from ``x-stainless-retry-count``); ``fake.count(vendor)``; ``fake.reset()`` clears
queues and attempts. ``fake.retry_counts()`` gives the SDK retry headers seen (all "0" when no SDK
retried on its own).

Standalone (for demos, the browser tests, or scripting from another process)::

    python -m tests.fakes.vendor --port 8765

Control endpoint (JSON over HTTP, same port):
``POST /_fake/script`` ``{"vendor": "openai"|null, "replies": [{...Reply fields...}]}``;
``GET /_fake/attempts`` → ``{"attempts": [{"vendor","path","body","retry_count"}], "counts": {...}}``;
``POST /_fake/reset``. From Python: ``RemoteFake("http://127.0.0.1:8765").script(Reply(...))``.
Point the app at it with ``OPENAI_BASE_URL=http://127.0.0.1:8765/v1``,
``ANTHROPIC_BASE_URL=http://127.0.0.1:8765``, ``GLM_BASE_URL=http://127.0.0.1:8765/api/paas/v4``
and any key values.
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time
import urllib.request
from collections import deque
from dataclasses import asdict, dataclass, field, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

VENDORS = ("openai", "anthropic", "glm")
DEFAULT_TEXT = "Hello from the fake vendor"


@dataclass
class Reply:
    text: str = DEFAULT_TEXT
    chunks: list[str] | None = None
    finish_reason: str | None = None
    input_tokens: int = 12
    output_tokens: int = 5
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    error_message: str | None = None
    echo_key: bool = False
    delay_s: float = 0.0
    chunk_delay_s: float = 0.0
    cut_after: int | None = None
    stream_error: bool = False
    malformed: bool = False
    repeat: int = 1

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reply:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def pieces(self) -> list[str]:
        if self.chunks is not None:
            return list(self.chunks)
        if not self.text:
            return []
        n = max(1, len(self.text) // 3)
        return [self.text[i : i + n] for i in range(0, len(self.text), n)]


@dataclass
class Attempt:
    vendor: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    retry_count: str | None
    at: float


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.queues: dict[str | None, deque[Reply]] = {v: deque() for v in (*VENDORS, None)}
        self.attempts: list[Attempt] = []
        self.in_flight = 0
        self.max_in_flight = 0  # the most requests being answered at the same moment

    def pop(self, vendor: str, model: str = "") -> Reply:
        with self.lock:
            for key in (vendor, None):
                q = self.queues[key]
                if q:
                    reply = q[0]
                    if reply.repeat <= 1:
                        q.popleft()
                    else:
                        reply.repeat -= 1
                        reply = Reply.from_dict({**asdict(reply), "repeat": 1})
                    return reply
        return scenario_for_model(model)


def scenario_for_model(model: str) -> Reply:
    """Unscripted requests pick a scenario from the model name (handy for standalone demos):
    ``...err-429...`` (any status after ``err-``), ``...slow...`` (2 s delay), ``...midstream-error...``."""
    import re

    if m := re.search(r"err-(\d{3})", model):
        status = int(m.group(1))
        return Reply(status=status, headers={"retry-after": "1"} if status == 429 else {})
    if "midstream-error" in model:
        return Reply(cut_after=1, stream_error=True)
    if "slow" in model:
        return Reply(delay_s=2.0)
    return Reply()


def _vendor_for(path: str) -> str | None:
    if path.startswith("/api/paas/v4/chat/completions"):
        return "glm"
    if path.startswith("/v1/messages"):
        return "anthropic"
    if path.startswith("/v1/chat/completions"):
        return "openai"
    return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read their own output
        return

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to some replies, which would swamp any latency measurement.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    # ------------------------------------------------------------------ plumbing
    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            data = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            return {}
        return data if isinstance(data, dict) else {}

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None,
                   raw: bytes | None = None) -> None:
        data = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _start_sse(self, headers: dict[str, str]) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()

    def _chunk(self, text: str) -> None:
        data = text.encode()
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _end_chunks(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _cut(self) -> None:
        """Drop the connection without the terminating chunk: the client sees a broken stream."""
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # ------------------------------------------------------------------ routes
    def do_GET(self) -> None:
        if self.path.startswith("/_fake/attempts"):
            st = self.server.state
            with st.lock:
                items = [{"vendor": a.vendor, "path": a.path, "body": a.body, "retry_count": a.retry_count}
                         for a in st.attempts]
            counts = {v: sum(1 for a in items if a["vendor"] == v) for v in VENDORS}
            self._send_json(200, {"attempts": items, "counts": counts})
            return
        self._send_json(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:
        body = self._body()
        if self.path.startswith("/_fake/"):
            self._control(body)
            return
        vendor = _vendor_for(self.path)
        if vendor is None:
            self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        if self.path.startswith("/v1/messages/count_tokens"):
            n = sum(len(str(m.get("content", ""))) for m in body.get("messages") or []) // 4 + 1
            self._send_json(200, {"input_tokens": n})
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        st = self.server.state
        with st.lock:
            st.attempts.append(Attempt(vendor, self.path, body, headers, headers.get("x-stainless-retry-count"),
                                       time.time()))
            st.in_flight += 1
            st.max_in_flight = max(st.max_in_flight, st.in_flight)
        reply = st.pop(vendor, str(body.get("model") or ""))
        try:
            self._answer(vendor, body, headers, reply)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            with st.lock:
                st.in_flight -= 1

    def _control(self, body: dict[str, Any]) -> None:
        st = self.server.state
        if self.path.startswith("/_fake/script"):
            vendor = body.get("vendor")
            if vendor not in (*VENDORS, None):
                self._send_json(400, {"error": f"vendor must be one of {VENDORS} or null"})
                return
            with st.lock:
                st.queues[vendor].extend(Reply.from_dict(r) for r in body.get("replies") or [])
            self._send_json(200, {"ok": True})
        elif self.path.startswith("/_fake/reset"):
            with st.lock:
                for q in st.queues.values():
                    q.clear()
                st.attempts.clear()
                st.max_in_flight = 0
            self._send_json(200, {"ok": True})
        else:
            self._send_json(404, {"error": "unknown control path"})

    # ------------------------------------------------------------------ answers
    def _answer(self, vendor: str, body: dict[str, Any], headers: dict[str, str], reply: Reply) -> None:
        if reply.delay_s:
            time.sleep(reply.delay_s)
        if reply.status >= 400:
            self._error(vendor, reply, headers)
            return
        if reply.malformed:
            self._send_json(200, None, reply.headers, raw=b'{"id": "broken", "choices": [ {"message": ')
            return
        model = str(body.get("model") or "fake-model")
        if body.get("stream"):
            self._start_sse(reply.headers)
            {"openai": self._sse_openai, "glm": self._sse_glm, "anthropic": self._sse_anthropic}[vendor](
                model, body, reply)
            return
        payload = {"openai": _json_openai, "glm": _json_glm, "anthropic": _json_anthropic}[vendor](model, reply)
        self._send_json(200, payload, reply.headers)

    def _error(self, vendor: str, reply: Reply, headers: dict[str, str]) -> None:
        msg = reply.error_message or _STATUS_TEXT.get(reply.status, f"fake error {reply.status}")
        if reply.echo_key:
            msg += f" (credential sent: {headers.get('authorization') or headers.get('x-api-key')})"
        if vendor == "anthropic":
            kind = _ANTHROPIC_TYPES.get(reply.status, "api_error")
            payload: dict[str, Any] = {"type": "error", "error": {"type": kind, "message": msg},
                                       "request_id": "req_fake"}
        elif vendor == "glm":
            payload = {"error": {"code": _GLM_CODES.get(reply.status, "1234"), "message": msg}}
        else:
            payload = {"error": {"message": msg, "type": _OPENAI_TYPES.get(reply.status, "api_error"),
                                 "param": None, "code": None}}
        self._send_json(reply.status, payload, reply.headers)

    def _pace(self, reply: Reply) -> None:
        if reply.chunk_delay_s:
            time.sleep(reply.chunk_delay_s)

    def _sse_openai(self, model: str, body: dict[str, Any], reply: Reply, glm: bool = False) -> None:
        base: dict[str, Any] = {"id": "chatcmpl-fake", "created": int(time.time()), "model": model}
        if not glm:
            base["object"] = "chat.completion.chunk"
        for i, piece in enumerate(reply.pieces()):
            if reply.cut_after is not None and i >= reply.cut_after:
                if reply.stream_error:
                    err = {"error": {"message": "fake mid-stream failure", "type": "server_error"}}
                    self._chunk(f"data: {json.dumps(err)}\n\n")
                    self._end_chunks()
                else:
                    self._cut()
                return
            delta: dict[str, Any] = {"content": piece}
            if i == 0:
                delta["role"] = "assistant"
            self._chunk("data: " + json.dumps({**base, "choices": [{"index": 0, "delta": delta,
                                                                     "finish_reason": None}]}) + "\n\n")
            self._pace(reply)
        if reply.cut_after is not None and reply.cut_after >= len(reply.pieces()):
            self._cut()
            return
        usage = _usage_openai(reply)
        final: dict[str, Any] = {**base, "choices": [{"index": 0, "delta": {} if not glm else
                                                       {"role": "assistant", "content": ""},
                                                       "finish_reason": reply.finish_reason or "stop"}]}
        if glm:
            final["usage"] = usage
            self._chunk("data: " + json.dumps(final) + "\n\n")
        else:
            self._chunk("data: " + json.dumps({**final, "usage": None}) + "\n\n")
            if (body.get("stream_options") or {}).get("include_usage"):
                self._chunk("data: " + json.dumps({**base, "choices": [], "usage": usage}) + "\n\n")
        self._chunk("data: [DONE]\n\n")
        self._end_chunks()

    def _sse_glm(self, model: str, body: dict[str, Any], reply: Reply) -> None:
        self._sse_openai(model, body, reply, glm=True)

    def _sse_anthropic(self, model: str, body: dict[str, Any], reply: Reply) -> None:
        def event(name: str, data: dict[str, Any]) -> None:
            self._chunk(f"event: {name}\ndata: {json.dumps(data)}\n\n")

        event("message_start", {"type": "message_start", "message": {
            "id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": [],
            "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": reply.input_tokens, "output_tokens": 1,
                      "cache_creation_input_tokens": reply.cache_write_tokens,
                      "cache_read_input_tokens": reply.cache_read_tokens}}})
        event("content_block_start", {"type": "content_block_start", "index": 0,
                                      "content_block": {"type": "text", "text": ""}})
        pieces = reply.pieces()
        for i, piece in enumerate(pieces):
            if reply.cut_after is not None and i >= reply.cut_after:
                break
            event("content_block_delta", {"type": "content_block_delta", "index": 0,
                                          "delta": {"type": "text_delta", "text": piece}})
            self._pace(reply)
        if reply.cut_after is not None:
            if reply.stream_error:
                event("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
                self._end_chunks()
            else:
                self._cut()
            return
        event("content_block_stop", {"type": "content_block_stop", "index": 0})
        event("message_delta", {"type": "message_delta",
                                "delta": {"stop_reason": reply.finish_reason or "end_turn", "stop_sequence": None},
                                "usage": {"output_tokens": reply.output_tokens}})
        event("message_stop", {"type": "message_stop"})
        self._end_chunks()


def _usage_openai(reply: Reply) -> dict[str, Any]:
    prompt = reply.input_tokens + reply.cache_read_tokens  # OpenAI/GLM prompt_tokens include cached ones
    return {
        "prompt_tokens": prompt,
        "completion_tokens": reply.output_tokens,
        "total_tokens": prompt + reply.output_tokens,
        "prompt_tokens_details": {"cached_tokens": reply.cache_read_tokens},
        "completion_tokens_details": {"reasoning_tokens": reply.reasoning_tokens},
    }


def _json_openai(model: str, reply: Reply) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.text, "refusal": None},
                     "logprobs": None, "finish_reason": reply.finish_reason or "stop"}],
        "usage": _usage_openai(reply),
    }


def _json_glm(model: str, reply: Reply) -> dict[str, Any]:
    return {
        "id": "glm-fake", "request_id": "glm-fake", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "finish_reason": reply.finish_reason or "stop",
                     "message": {"role": "assistant", "content": reply.text}}],
        "usage": _usage_openai(reply),
    }


def _json_anthropic(model: str, reply: Reply) -> dict[str, Any]:
    return {
        "id": "msg_fake", "type": "message", "role": "assistant", "model": model,
        "content": [{"type": "text", "text": reply.text}],
        "stop_reason": reply.finish_reason or "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": reply.input_tokens, "output_tokens": reply.output_tokens,
                  "cache_creation_input_tokens": reply.cache_write_tokens,
                  "cache_read_input_tokens": reply.cache_read_tokens},
    }


_STATUS_TEXT = {
    400: "Invalid request", 401: "Incorrect API key provided", 403: "Permission denied", 404: "Not found",
    408: "Request timeout", 409: "Conflict", 429: "Rate limit reached", 500: "Internal server error",
    502: "Bad gateway", 503: "Service unavailable", 504: "Gateway timeout", 529: "Overloaded",
}
_OPENAI_TYPES = {400: "invalid_request_error", 401: "invalid_request_error", 429: "rate_limit_exceeded",
                 500: "server_error", 503: "server_error"}
_ANTHROPIC_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
                    404: "not_found_error", 429: "rate_limit_error", 500: "api_error", 529: "overloaded_error"}
_GLM_CODES = {401: "1001", 429: "1302", 500: "500", 400: "1210"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # A real vendor accepts a burst of connections; socketserver's backlog of 5 refused some of the
    # 120 concurrent threads of the overspend race on a loaded machine.
    request_queue_size = 512

    def __init__(self, addr: tuple[str, int]) -> None:
        super().__init__(addr, _Handler)
        self.state = _State()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up (timeouts, cut streams) are part of the scripts, not failures.
        import sys

        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError | OSError):
            super().handle_error(request, client_address)


class FakeVendor:
    """The fake server in a background thread; use as a context manager (or start()/stop())."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = _Server((host, port))
        self._thread: threading.Thread | None = None
        self.host, self.port = self._server.server_address[:2]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def anthropic_base_url(self) -> str:
        return self.url

    @property
    def glm_base_url(self) -> str:
        return f"{self.url}/api/paas/v4"

    def base_url(self, vendor: str) -> str:
        return {"openai": self.openai_base_url, "custom": self.openai_base_url,
                "anthropic": self.anthropic_base_url, "glm": self.glm_base_url}[vendor]

    def start(self) -> FakeVendor:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True, name="fake-vendor")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeVendor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ scripting
    def script(self, *replies: Reply, vendor: str | None = None) -> None:
        if vendor not in (*VENDORS, None):
            raise ValueError(f"vendor must be one of {VENDORS} or None")
        st = self._server.state
        with st.lock:
            # Copies: ``repeat`` counts down in the queue, never in the caller's objects.
            st.queues[vendor].extend(Reply.from_dict(asdict(r)) for r in replies)

    def reset(self) -> None:
        st = self._server.state
        with st.lock:
            for q in st.queues.values():
                q.clear()
            st.attempts.clear()
            st.max_in_flight = 0

    @property
    def attempts(self) -> list[Attempt]:
        st = self._server.state
        with st.lock:
            return list(st.attempts)

    def count(self, vendor: str | None = None) -> int:
        return sum(1 for a in self.attempts if vendor is None or a.vendor == vendor)

    def retry_counts(self) -> list[str | None]:
        return [a.retry_count for a in self.attempts]

    @property
    def max_in_flight(self) -> int:
        """The most requests the server was answering at once since the last reset."""
        return self._server.state.max_in_flight


class RemoteFake:
    """Script a standalone fake (``python -m tests.fakes.vendor``) from another process."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        req = urllib.request.Request(self.url + path, data=json.dumps(payload).encode(),
                                     headers={"content-type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def script(self, *replies: Reply, vendor: str | None = None) -> None:
        self._post("/_fake/script", {"vendor": vendor, "replies": [asdict(r) for r in replies]})

    def reset(self) -> None:
        self._post("/_fake/reset", {})

    def attempts(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.url + "/_fake/attempts", timeout=10) as resp:
            return json.loads(resp.read())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake OpenAI/Anthropic/GLM server on loopback.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    fake = FakeVendor(args.host, args.port)
    print(f"fake vendor on {fake.url}", flush=True)
    print(f"  OPENAI_BASE_URL={fake.openai_base_url}", flush=True)
    print(f"  ANTHROPIC_BASE_URL={fake.anthropic_base_url}", flush=True)
    print(f"  GLM_BASE_URL={fake.glm_base_url}", flush=True)
    try:
        fake._server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        fake._server.server_close()


if __name__ == "__main__":
    main()
