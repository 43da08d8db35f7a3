"""schemathesis fuzzes /api/openapi.json against a live server: no 500, no response outside its schema
(status codes, content types, headers and bodies all as documented). The case count is printed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.api_support import live_api, make_key

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_headers_conformance,response_schema_conformance")


def test_schemathesis_finds_no_server_error_and_no_schema_violation(tmp_path: Path) -> None:
    # The zero-setup configuration (no vendor keys: the offline engine answers), so any 5xx is our bug;
    # a high request limit, so the fuzzer exercises the endpoints rather than the 429 path.
    with live_api(tmp_path, vendor=False, STUDIO_RATE_LIMIT_PER_MINUTE="100000") as api:
        key = make_key(api.db, "fuzz-sub")
        report = tmp_path / "report.json"
        out = subprocess.run(
            [sys.executable, "-m", "schemathesis.cli", "run", f"{api.base}/openapi.json", "--url", api.base,
             "-H", f"Authorization: Bearer {key}", "--checks", CHECKS, "--max-examples", "12", "--seed", "7",
             "--workers", "1", "--phases", "examples,coverage,fuzzing", "--request-timeout", "60",
             "--generation-database", "none", "--no-color", "--report", "json", "--report-json-path", str(report),
             "--output-sanitize", "true"],
            cwd=tmp_path, capture_output=True, text=True, timeout=900,  # its cache stays out of the repo
        )
    text = out.stdout + out.stderr
    print(text[-3000:])
    assert out.returncode == 0, text[-6000:]
    assert key not in text
    cases = _case_count(report, text)
    print(f"schemathesis ran {cases} test cases")
    assert cases >= 100


def _case_count(report: Path, text: str) -> int:
    """Generated test cases, from the JSON report (or the summary line when there is none)."""
    if report.is_file():
        return int(json.loads(report.read_text())["test_cases"]["generated"])
    found = re.search(r"(\d+) generated", text)
    return int(found.group(1)) if found else 0
