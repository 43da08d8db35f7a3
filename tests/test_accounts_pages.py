"""Settings → API keys and the local identity, through AppTest (real SQLite): a key is shown once,
listed by prefix with its last use, and revoked; the local user is the admin on Usage."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.accounts import KeyInvalid
from core.config import reset_settings_cache
from core.services import accounts

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def studio_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("STUDIO_DB", str(tmp_path / "studio.db"))
    monkeypatch.setenv("STUDIO_SECRETS_FILE", str(tmp_path / "none.toml"))
    reset_settings_cache()
    yield tmp_path / "studio.db"
    reset_settings_cache()


def _page(path: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / path), default_timeout=30)
    at.session_state["lang"] = "en"
    return at.run()


def test_a_key_is_shown_once_listed_by_prefix_and_revoked() -> None:
    at = _page("pages/settings.py")
    assert not at.exception
    at.text_input(key="api_key_name").set_value("ci runner")
    at.button(key="api_key_create").click().run()
    secrets = [c.value for c in at.code if c.value.startswith("sk-studio-")]
    assert len(secrets) == 1
    secret = secrets[0]
    assert accounts.authenticate(secret).user_id == "local"
    table = at.table[-1].value
    assert list(table.iloc[:, 1]) == ["ci runner"] and secret.startswith(table.iloc[0, 0].rstrip("…"))

    at.run()  # any later run: the secret is gone from the page
    assert not [c for c in at.code if c.value.startswith("sk-studio-")]

    at.button(key="api_key_revoke").click().run()
    assert "revoked" in at.table[-1].value.iloc[0, 4]
    assert any("revoked" in s.value for s in at.success)
    with pytest.raises(KeyInvalid):
        accounts.authenticate(secret)


def test_the_local_user_is_the_admin_on_usage() -> None:
    at = _page("pages/usage.py")
    assert not at.exception
    assert [t.label for t in at.toggle] == ["All users"]
    assert any(e.label == "Quota and cache" for e in at.expander)
