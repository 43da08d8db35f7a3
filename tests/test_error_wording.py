"""Every error code the core raises is worded in Korean and English, with the same parameters."""

from __future__ import annotations

import re
import string
from decimal import Decimal
from pathlib import Path

from core.errors import QuotaExceeded
from core.llm.providers.errmap import map_error
from core.services.wording import MESSAGES, word_error
from tests.korean_text import english_runs, has_hangul

ROOT = Path(__file__).resolve().parent.parent
RAISED = re.compile(r'code="([A-Z][A-Z0-9_]+)"(?: if .* else "([A-Z][A-Z0-9_]+)")?')


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_code_raised_in_core_has_both_languages() -> None:
    codes = {c for path in (ROOT / "core").rglob("*.py")
             for pair in RAISED.findall(path.read_text(encoding="utf-8")) for c in pair if c}
    assert {"QUOTA_EXCEEDED", "PROVIDER_HTTP_ERROR", "ALL_MODELS_FAILED", "SCHEMA_TOO_NEW"} <= codes
    missing = sorted(c for c in codes if not c.startswith("CSV_") and f"errors.{c}" not in MESSAGES)
    assert not missing
    for key, texts in MESSAGES.items():
        assert texts.get("en") and texts.get("ko"), key
        assert _fields(texts["ko"]) <= _fields(texts["en"]) | {"attempts"}, key


class _Http503(Exception):
    status_code = 503
    message = "upstream overloaded"


def test_a_vendor_failure_and_a_quota_refusal_read_in_korean() -> None:
    vendor = map_error(_Http503(), provider="openai", model="gpt-5.4-mini", vendor="OpenAI")
    message, hint = word_error(vendor, "ko")
    assert "OpenAI" in message and "gpt-5.4-mini" in message and "503" in message and hint
    assert not english_runs((message + hint).replace("gpt-5.4-mini", "")) and has_hangul(message)
    quota = QuotaExceeded("Monthly LLM quota reached", spend_usd=Decimal("0.5"), quota_usd=Decimal("0.5"),
                          held_usd=Decimal(0), worst_case_usd=Decimal("0.000123"), reset_date="2027-01-01",
                          user_id="local", month="2026-12", code="QUOTA_EXCEEDED")
    message, hint = word_error(quota, "ko")
    assert "$0.000123" in message and "2027-01-01" in message and "LLM_MONTHLY_QUOTA_USD" in (hint or "")
    assert word_error(quota, "en")[0] == "Monthly LLM quota reached"
