"""$0 overspend under concurrency with an honest vendor, where our token count is only an estimate.

6 processes x 20 threads call claude-haiku-4-5 (Anthropic's SDK against the loopback fake vendor) with
long Korean prompts until the user's small quota refuses them. The vendor is honest in the sense of
issue 12: it reports as many input tokens as the prompt has UTF-8 bytes (a byte-level BPE never
emits more) and the full ``max_tokens`` of output. The ledger must then equal the vendor's usage x
prices, no row may be an overrun, and the month's spend may not pass the quota by one micro-dollar.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from core.storage import get_db
from tests.fakes.studio_env import KEYS
from tests.fakes.vendor import FakeVendor, Reply

ROOT = Path(__file__).resolve().parent.parent
QUOTA = Decimal("0.30")
PROCESSES, THREADS = 6, 20
MAX_TOKENS = 300
PROMPT = "비트코인 4시간봉에서 RSI(14)가 30 아래로 떨어지고 MACD 히스토그램이 양수로 바뀌면 200 USDT 매수. " * 6
# claude-haiku-4-5: $1 in, $5 out per Mtok (core/llm/data/models.toml).
IN_RATE, OUT_RATE = Decimal(1), Decimal(5)


def honest_input_tokens() -> int:
    return len(PROMPT.encode("utf-8"))


def child(db: str, base_url: str, proc: str) -> None:
    """One studio process: THREADS threads calling until the quota refuses them; prints what happened."""
    import threading

    from core.config import load_settings
    from core.errors import QuotaExceeded
    from core.llm.factory import build_gateway
    from core.llm.retry import RetryPolicy
    from core.llm.types import ChatRequest, Message

    settings = load_settings(anthropic_api_key=KEYS["anthropic"], anthropic_base_url=base_url, studio_db=Path(db),
                             llm_monthly_quota_usd=QUOTA, llm_request_timeout=60.0, llm_cache_ttl=0,
                             studio_models_file=Path(db).parent / "models.toml")
    gw = build_gateway(settings, with_cache=False)
    gw.retry = RetryPolicy(max_retries=0)
    counts: dict[str, int] = {"answered": 0, "refused": 0}
    others: list[str] = []
    guard = threading.Lock()

    def run() -> None:
        while True:
            req = ChatRequest("news_sentiment", [Message("user", PROMPT)], model="claude-haiku-4-5",
                              user="trader", max_tokens=MAX_TOKENS)
            try:
                gw.complete(req)
                outcome = "answered"
            except QuotaExceeded:
                outcome = "refused"
            except Exception as exc:  # reported to the test, which names it in its failure
                with guard:
                    others.append(f"{type(exc).__name__}: {exc}")
                return
            with guard:
                counts[outcome] += 1
            if outcome == "refused":
                return

    pool = [threading.Thread(target=run) for _ in range(THREADS)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    print(json.dumps({"proc": int(proc), **counts, "others": others}))


def test_six_processes_of_twenty_threads_never_overspend_with_korean_prompts(tmp_path: Path) -> None:
    db = tmp_path / "studio.db"
    get_db(db)
    # The race is about the quota: 120 threads must not wait on the local per-minute limit (a wait past
    # the deadline would end a thread on a rate-limit error instead of the quota).
    (tmp_path / "models.toml").write_text("[providers.anthropic]\nrpm = 0\ntpm = 0\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ANTHROPIC_", "GLM_", "LLM_"))}
    env["STUDIO_SECRETS_FILE"] = str(tmp_path / "none.toml")
    code = "import sys; from tests.test_ledger_overspend_race import child; child(*sys.argv[1:])"
    with FakeVendor() as fake:
        fake.script(Reply(input_tokens=honest_input_tokens(), output_tokens=MAX_TOKENS, repeat=100_000),
                    vendor="anthropic")
        procs = [subprocess.Popen([sys.executable, "-c", code, str(db), fake.anthropic_base_url, str(p)], cwd=ROOT,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for p in range(PROCESSES)]
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, err[-2000:]
            results.append(json.loads(out.strip().splitlines()[-1]))
        vendor_calls = fake.count("anthropic")

    conn = get_db(db)
    rows = conn.execute("SELECT status, input_tokens, output_tokens, cost_micro_usd, overrun FROM llm_usage").fetchall()
    answered = sum(r["answered"] for r in results)
    assert answered == vendor_calls == len(rows) > 0
    others = [o for r in results for o in r["others"]]
    assert not others, others
    assert sum(r["refused"] for r in results) == PROCESSES * THREADS  # every thread ended on the quota
    per_call = (IN_RATE * honest_input_tokens() + OUT_RATE * MAX_TOKENS) / 1_000_000
    from core.usage.money import to_micro

    assert {(s, i, o, c, f) for s, i, o, c, f in rows} == {
        ("ok", honest_input_tokens(), MAX_TOKENS, to_micro(per_call), 0)}  # the vendor's bill, no overrun
    spent = Decimal(sum(r[3] for r in rows)) / 1_000_000
    overspend = max(Decimal(0), spent - QUOTA)
    assert overspend == 0, f"spent {spent} of a {QUOTA} quota"
    assert conn.execute("SELECT count(*) FROM quota_reservations").fetchone()[0] == 0
