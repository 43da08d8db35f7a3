"""`python -m core keys …` and `quota set` (DESIGN.md 5, round 2), run as the operator would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STUDIO_DB": str(db), "STUDIO_SECRETS_FILE": str(db.parent / "none.toml")}
    return subprocess.run([sys.executable, "-m", "core", *args], env=env, capture_output=True, text=True,
                          cwd=ROOT, timeout=60)


def test_create_prints_the_key_alone_and_list_never_shows_it(tmp_path: Path) -> None:
    db = tmp_path / "studio.db"
    made = _run(db, "keys", "create", "--user", "alice", "--name", "laptop")
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert made.stdout == key + "\n" and key.startswith("sk-studio-")
    assert key not in made.stderr
    listed = _run(db, "keys", "list", "--user", "alice", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["name"], r["active"], r["last_used_at"]) for r in rows] == [("laptop", True, None)]
    assert key.startswith(rows[0]["prefix"]) and key not in listed.stdout
    assert json.loads(_run(db, "keys", "list", "--user", "bob", "--json").stdout) == []


def test_revoke_by_prefix_and_unknown_prefix_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "studio.db"
    key = _run(db, "keys", "create", "--user", "alice").stdout.strip()
    prefix = json.loads(_run(db, "keys", "list", "--user", "alice", "--json").stdout)[0]["prefix"]
    out = _run(db, "keys", "revoke", prefix)
    assert out.returncode == 0 and "Revoked" in out.stderr
    rows = json.loads(_run(db, "keys", "list", "--user", "alice", "--json").stdout)
    assert rows[0]["active"] is False and rows[0]["revoked_at"]
    missing = _run(db, "keys", "revoke", "sk-studio-NOPE1234")
    assert missing.returncode == 2 and "No API key" in missing.stderr and key not in missing.stderr


def test_quota_set_changes_the_users_quota_and_rejects_bad_amounts(tmp_path: Path) -> None:
    db = tmp_path / "studio.db"
    out = _run(db, "quota", "set", "--user", "alice", "--usd", "25.50")
    assert out.returncode == 0, out.stderr
    usage = json.loads(_run(db, "usage", "--user", "alice", "--json").stdout)
    assert usage["quota_usd"] == "25.50"
    bad = _run(db, "quota", "set", "--user", "alice", "--usd", "lots")
    assert bad.returncode == 2 and "US dollars" in bad.stderr
    assert _run(db, "keys").returncode == 2
