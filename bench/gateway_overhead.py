"""Gateway overhead: the same N requests to the loopback fake vendor, straight through the openai SDK
and through the gateway as the app runs it (SQLite usage ledger on, in a temporary database;
response cache off, so every request reaches the vendor), non-streaming and streaming.

    python bench/gateway_overhead.py [-n 300] [--ledger on|off]

``--ledger off`` measures the gateway alone (no reservation, no ledger row), as the benchmark of the
builds before the ledger moved into core/usage ran it, so the two can be compared run for run.

Prints per-request medians, the gateway's added time per request, and the ratio gateway/raw at the
median (target <= 1.10 non-streaming). Raw and gateway requests alternate so that drift in the
machine's speed hits both sides equally. With the ledger on, a second gateway without it runs in the
same loop, and the ledger's own cost (the paired median of "ledger on" minus "ledger off") is printed
apart: the non-streamed reply is read from the HTTP body instead of the SDK's typed model (see
core/llm/providers/openai_chat.py), which saves about what the ledger costs, and the two figures show
both sides of that trade.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

for _name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "STUDIO_MODELS_FILE"):
    os.environ.pop(_name, None)
os.environ.setdefault("STUDIO_SECRETS_FILE", "/nonexistent/secrets.toml")

import openai  # noqa: E402

from core.config import load_settings  # noqa: E402
from core.llm.types import ChatRequest, Message, StreamEnd  # noqa: E402
from core.services.composition import build_gateway  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

MODEL = "gpt-5.4-mini"
MESSAGES = [Message("system", "You are a trading assistant. Answer in one sentence."),
            Message("user", "Is BTC above its 50-day moving average today?")]


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_fake(port: int) -> subprocess.Popen[bytes]:
    """The fake vendor in its own process, so that it does not compete with the client for the GIL."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.fakes.vendor", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_fake/attempts", timeout=1).read()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the fake vendor did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=300, help="requests per side and mode")
    parser.add_argument("--ledger", choices=("on", "off"), default="on",
                        help="reserve and record every call in the SQLite ledger, as the app does (default on)")
    args = parser.parse_args()
    port = free_port()
    fake = start_fake(port)
    base_url = f"http://127.0.0.1:{port}/v1"
    tmp = tempfile.mkdtemp(prefix="gateway-bench-")
    try:
        # The bench sends far more than the default 500 requests a minute: it measures overhead, so
        # the local rate limit is lifted (as a higher-tier key would in STUDIO_MODELS_FILE).
        models = Path(tmp) / "models.toml"
        models.write_text("[providers.openai]\nrpm = 0\ntpm = 0\n", encoding="utf-8")
        settings = load_settings(openai_api_key="sk-bench-0123456789", openai_base_url=base_url,
                                 llm_request_timeout=30, studio_db=Path(tmp) / "studio.db",
                                 llm_monthly_quota_usd=1_000_000, studio_models_file=models)
        with_ledger = args.ledger == "on"
        gateway = build_gateway(settings, with_ledger=with_ledger, with_cache=False)
        assert (gateway.ledger is not None) == with_ledger
        bare = build_gateway(settings, with_ledger=False, with_cache=False) if with_ledger else None
        raw = openai.OpenAI(api_key="sk-bench-0123456789", base_url=base_url, max_retries=0, timeout=30)
        wire = [m.as_dict() for m in MESSAGES]
        req = ChatRequest("market_analysis", list(MESSAGES), model=MODEL, max_tokens=256, use_cache=False)

        def raw_complete() -> None:
            r = raw.chat.completions.create(model=MODEL, messages=wire, max_completion_tokens=256)  # type: ignore[arg-type]
            assert r.choices[0].message.content

        def gw_complete() -> None:
            assert gateway.complete(req).text

        def bare_complete() -> None:
            assert bare is not None and bare.complete(req).text

        def raw_stream() -> None:
            s = raw.chat.completions.create(model=MODEL, messages=wire, max_completion_tokens=256,  # type: ignore[arg-type]
                                            stream=True, stream_options={"include_usage": True})
            parts = [c.choices[0].delta.content for c in s if c.choices and c.choices[0].delta.content]
            assert parts

        def gw_stream() -> None:
            events = list(gateway.stream(req))
            assert isinstance(events[-1], StreamEnd)

        def bare_stream() -> None:
            assert bare is not None
            events = list(bare.stream(req))
            assert isinstance(events[-1], StreamEnd)

        print(f"gateway overhead, {args.n} requests per side, fake vendor on loopback (own process), model {MODEL}, "
              f"SQLite ledger {args.ledger}, cache off")
        for mode, raw_fn, gw_fn, bare_fn, target in (
                ("non-streaming", raw_complete, gw_complete, bare_complete, 1.10),
                ("streaming", raw_stream, gw_stream, bare_stream, None)):
            sides = [raw_fn, gw_fn] + ([bare_fn] if bare is not None else [])
            for _ in range(20):  # warm-up: connections, tiktoken, imports
                for fn in sides:
                    fn()
            times: list[list[float]] = [[] for _ in sides]
            for i in range(args.n):
                # The order rotates each round (warm server thread, cache lines), so no side is favoured.
                for k in range(len(sides)):
                    j = (i + k) % len(sides)
                    times[j].append(timed(sides[j]))
            raw_t, gw_t = times[0], times[1]
            paired = statistics.median(g - r for g, r in zip(gw_t, raw_t, strict=True))
            r_med, g_med = statistics.median(raw_t), statistics.median(gw_t)
            r_p90 = statistics.quantiles(raw_t, n=10)[-1]
            g_p90 = statistics.quantiles(gw_t, n=10)[-1]
            ratio = g_med / r_med
            verdict = "" if target is None else f"  (target <= {target:.2f}: {'OK' if ratio <= target else 'MISSED'})"
            print(f"  {mode:<14} raw median {r_med * 1000:7.3f} ms (p90 {r_p90 * 1000:.3f})  "
                  f"gateway median {g_med * 1000:7.3f} ms (p90 {g_p90 * 1000:.3f})  "
                  f"overhead {(g_med - r_med) * 1e6:7.1f} us/request (median of paired differences "
                  f"{paired * 1e6:.1f} us)  ratio gateway/raw {ratio:.3f}{verdict}")
            if bare is not None:
                bare_t = times[2]
                ledger = statistics.median(g - b for g, b in zip(gw_t, bare_t, strict=True))
                print(f"  {'':<14} of which the ledger: {ledger * 1e6:.1f} us/request (paired median, ledger on "
                      f"minus off); the gateway without it: ratio {statistics.median(bare_t) / r_med:.3f}")
    finally:
        fake.terminate()
        fake.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
