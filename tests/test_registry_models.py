"""The model registry: data file, aliases, overrides, custom models, routing, and the `models` command."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from core.__main__ import main
from core.llm.errors import UnknownModel
from core.llm.registry import DATA_FILE, OFFLINE, RegistryError, load_registry
from tests.fakes.studio_env import clean_env


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    clean_env(monkeypatch, tmp_path)
    return tmp_path


def test_data_file_states_its_price_date() -> None:
    reg = load_registry()
    assert reg.price_date == "2026-07"
    assert 'price_date = "2026-07"' in DATA_FILE.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [
    "gpt-5.4", "gpt-5.4-mini", "gpt-5.4-nano", "gpt-5-mini", "gpt-5-nano", "gpt-4.1", "gpt-4.1-mini",
    "gpt-4.1-nano", "gpt-4o", "gpt-4o-mini", "claude-opus-4-7", "claude-sonnet-4-6", "claude-haiku-4-5",
    "glm-4.6", "glm-4.7", "glm-5", "glm-5.1", "glm-4.7-flash", OFFLINE,
])
def test_current_models_are_covered(name: str) -> None:
    info = load_registry().get(name)
    assert info.structured_output in ("json_schema", "json_object", "none")
    if name != OFFLINE:
        assert info.context_window and info.max_output


def test_prices_are_exact_decimals_from_the_file() -> None:
    reg = load_registry()
    p = reg.get("claude-sonnet-4-6").price
    assert (p.input, p.output, p.cache_read, p.cache_write) == (Decimal("3.0"), Decimal("15.0"), Decimal("0.3"),
                                                                Decimal("3.75"))


def test_free_is_a_known_zero_and_unknown_is_not_free() -> None:
    reg = load_registry()
    flash = reg.get("glm-4.7-flash").price
    assert flash.known and flash.input == 0 and flash.output == 0
    unknown = reg.get("glm-5.2").price
    assert not unknown.known and unknown.input is None


@pytest.mark.parametrize(("alias", "target"), [
    ("gpt-4-turbo", "gpt-4.1"), ("gpt-3.5-turbo", "gpt-4o-mini"), ("claude-3-opus", "claude-opus-4-7"),
    ("claude-3-sonnet", "claude-sonnet-4-6"), ("glm-4", "glm-4.7"),
])
def test_seed_names_resolve_as_reported_aliases(alias: str, target: str) -> None:
    resolved = load_registry().resolve(alias)
    assert (resolved.info.name, resolved.alias) == (target, alias)
    assert load_registry().resolve(target).alias is None


def test_unknown_model_lists_close_matches() -> None:
    with pytest.raises(UnknownModel) as info:
        load_registry().get("gpt-5.4-mimi")
    assert "gpt-5.4-mimi" in str(info.value) and "gpt-5.4-mini" in str(info.value)


def test_models_file_overrides_and_adds(tmp_path: Path) -> None:
    f = tmp_path / "models.toml"
    f.write_text(
        '[models."gpt-4o"]\ninput = 2.0\n'
        '[models."my-finetune"]\nprovider = "openai"\ninput = 3\noutput = 12\ncontext_window = 64000\n'
        '[aliases]\n"house" = "my-finetune"\n', encoding="utf-8")
    reg = load_registry(f)
    gpt4o = reg.get("gpt-4o")
    assert gpt4o.price.input == Decimal("2.0") and gpt4o.price.output == Decimal("10.0")  # only input changed
    assert gpt4o.context_window == 128000
    assert reg.get("my-finetune").price.output == Decimal("12")
    assert reg.resolve("house").info.name == "my-finetune"


@pytest.mark.parametrize(("content", "needle"), [
    ('[models."x"]\nprovider = "acme"\n', "provider must be one of"),
    ('[models."gpt-4o"]\ninput = "cheap"\n', "gpt-4o"),
    ('[models."gpt-4o"]\ncontext_window = -5\n', "context_window"),
    ("[models\n", "not valid TOML"),
    ('[aliases]\n"x" = "nope"\n', "unknown model 'nope'"),
])
def test_malformed_models_file_says_where(tmp_path: Path, content: str, needle: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(RegistryError, match=needle.replace("(", r"\(")):
        load_registry(f)


def test_custom_models_have_unknown_price_until_the_file_sets_one(tmp_path: Path) -> None:
    reg = load_registry(None, ["llama3.3", "qwen3"])
    assert reg.get("llama3.3").provider == "custom" and not reg.get("llama3.3").price.known
    f = tmp_path / "m.toml"
    f.write_text('[models."qwen3"]\ninput = 0\noutput = 0\n', encoding="utf-8")
    reg = load_registry(f, ["llama3.3", "qwen3"])
    assert reg.get("qwen3").price.known and not reg.get("llama3.3").price.known


def test_routing_chain_explicit_first_unconfigured_skipped_offline_last() -> None:
    reg = load_registry(None, ["local-a"])
    chain = [m.name for m in reg.chain("strategy_generation", ["anthropic", "custom"], explicit="claude-3-opus")]
    assert chain[0] == "claude-opus-4-7"
    assert chain[-1] == OFFLINE
    assert not any(reg.get(n).provider in ("openai", "glm") for n in chain)
    assert "claude-sonnet-4-6" in chain and "local-a" in chain
    assert [m.name for m in reg.chain("news_sentiment", [])] == [OFFLINE]
    # Explicit offline means exactly the rule engine.
    assert [m.name for m in reg.chain("news_sentiment", ["openai"], explicit="offline")] == [OFFLINE]


def test_models_command_json(env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789")
    from core.config import reset_settings_cache

    reset_settings_cache()
    try:
        assert main(["models", "--json"]) == 0
    finally:
        reset_settings_cache()
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    mini = rows["gpt-5.4-mini"]
    assert set(mini) == {"name", "provider", "alias_of", "input_per_mtok", "output_per_mtok", "cache_read_per_mtok",
                         "cache_write_per_mtok", "context_window", "max_output", "structured_output", "use_cases",
                         "configured"}
    assert mini["input_per_mtok"] == "0.75" and mini["configured"] is True
    assert rows["claude-haiku-4-5"]["configured"] is False
    assert rows["gpt-4-turbo"]["alias_of"] == "gpt-4.1"
    assert rows["glm-5.2"]["input_per_mtok"] is None  # unknown, never "0"
    assert rows["glm-4.7-flash"]["input_per_mtok"] == "0"


def test_models_command_human_says_what_aliases_point_to(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from core.config import reset_settings_cache

    reset_settings_cache()
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert "claude-3-opus is an alias of claude-opus-4-7" in out
    assert "glm-5.2" in out and "unknown" in out
    assert "news_sentiment: offline" in out


def test_example_models_file_loads_and_does_what_it_says() -> None:
    example = DATA_FILE.parent / "models.example.toml"
    reg = load_registry(example, ["llama3.3:70b"])
    assert reg.get("glm-5.2").price.known
    local = reg.get("llama3.3:70b")
    assert local.provider == "custom" and local.price.known and local.price.input == 0
    assert reg.resolve("house-model").info.name == "gpt-5.4-mini"
    assert reg.routing["news_sentiment"][0] == "llama3.3:70b"
    assert reg.limits["openai"].rpm == 500


def test_retry_strategy_is_selectable_in_the_models_file(env: Path) -> None:
    from core.config import load_settings
    from core.llm.gateway import Gateway

    tmp_path = env
    assert load_registry().retry["strategy"] == "exponential"
    example = load_registry(DATA_FILE.parent / "models.example.toml")
    assert example.retry == {"strategy": "linear", "base_s": 1.0, "cap_s": 8.0, "retry_after_cap_s": 30.0}
    gw = Gateway(load_settings(llm_max_retries=2), example)
    assert (gw.retry.strategy, gw.retry.max_retries, gw.retry.backoff(3)) == ("linear", 2, 3.0)
    bad = tmp_path / "bad.toml"
    bad.write_text('[retry]\nstrategy = "random"\n', encoding="utf-8")
    with pytest.raises(RegistryError, match="exponential, linear, fixed"):
        load_registry(bad)
