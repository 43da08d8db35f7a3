"""A streamed call whose process dies mid-stream (``kill -9``) is charged for the input it carried and
the output already received: the gateway hands the running output count to the ledger while text
streams in, the lease heartbeat stores it, and the abandoned row bills it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.llm.factory import build_gateway
from core.llm.retry import RetryPolicy
from core.storage import get_db
from core.usage.ledger import SqliteLedger
from tests.fakes.studio_env import clean_env
from tests.fakes.vendor import FakeVendor, Reply
from tests.test_ledger_leases import QUOTA, ROOT, _request, _wait_for


def child(db: str, base_url: str) -> None:
    """A separate studio process reading one paid stream (run with ``python -c``)."""
    from core.config import load_settings
    from tests.fakes.studio_env import KEYS

    settings = load_settings(openai_api_key=KEYS["openai"], openai_base_url=base_url, studio_db=Path(db),
                             llm_monthly_quota_usd=QUOTA, llm_request_timeout=120.0,
                             llm_reservation_lease_s=2.0)
    gw = build_gateway(settings, with_cache=False)
    gw.retry = RetryPolicy(max_retries=0)
    for _ in gw.stream(_request()):
        pass


@pytest.fixture
def fake() -> Iterator[FakeVendor]:
    with FakeVendor() as server:
        yield server


def _output_seen(db: Path) -> int:
    row = get_db(db).execute("SELECT output_seen FROM quota_reservations").fetchone()
    return int(row[0]) if row else 0


def test_kill_9_mid_stream_charges_the_output_already_received(fake: FakeVendor, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "studio.db"
    clean_env(monkeypatch, tmp_path)
    get_db(db)
    # A long answer, one short piece every 0.2 s: the process is killed while it is still arriving.
    fake.script(Reply(chunks=[f"word{i} " for i in range(400)], chunk_delay_s=0.2), vendor="openai")
    code = "import sys; from tests.test_gateway_stream_lease import child; child(*sys.argv[1:])"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ANTHROPIC_", "GLM_", "LLM_"))}
    env["STUDIO_SECRETS_FILE"] = str(tmp_path / "no-secrets.toml")
    proc = subprocess.Popen([sys.executable, "-c", code, str(db), fake.openai_base_url], cwd=ROOT, env=env)
    try:
        # The lease carries the output seen so far (renewed every ~0.7 s while text streams in).
        seen = _wait_for("the streamed output to reach the lease", lambda: _output_seen(db) >= 5)
        rid = get_db(db).execute("SELECT id FROM quota_reservations").fetchone()[0]
    finally:
        proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL

    ledger = SqliteLedger(get_db(db), QUOTA)

    def released() -> bool:
        ledger.sweep()
        return ledger.live_reservations("trader") == 0
    _wait_for("the dead call's hold to be released", released, deadline_s=60)

    [(status, estimated, input_tokens, output_tokens, cost)] = get_db(db).execute(
        "SELECT status, estimated, input_tokens, output_tokens, cost_micro_usd FROM llm_usage "
        "WHERE reservation_id = ?", (rid,)).fetchall()
    assert (status, estimated) == ("abandoned", 1)
    assert output_tokens >= seen > 0  # what had been received when the process died, not 0
    assert input_tokens > 500
    assert cost > round(input_tokens * 0.75)  # input and the output already received, not input alone
