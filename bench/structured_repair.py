"""How often the structured-output repair loop is needed, and what it buys over the seed's parser.

Two measurements, both without network or keys:

1. Offline generation over C's prompt set (tests/data/prompts.json) through the real gateway: the
   share of answered prompts whose answer needed json-repair or a re-ask.
2. A scenario set of typical model replies (clean, fenced with prose, truncated, trailing comma,
   a strategy with a cycle, wrapped in an extra object, garbage, an obeyed prompt injection)
   served by the loopback fake vendor through the real OpenAI SDK: the share where the repair loop
   was needed, and the success rate against the baseline — the seed's parser (strip a ```json
   fence, json.loads, validate; no repair, no re-ask) applied to the same first replies.

Run: python -m bench.structured_repair
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _env(tmp: Path, fake: Any | None) -> None:
    for name in list(os.environ):
        if name.endswith("_API_KEY") or name.endswith("_BASE_URL") or name.startswith("CUSTOM_LLM"):
            del os.environ[name]
    os.environ["STUDIO_DB"] = str(tmp / "bench.db")
    os.environ["STUDIO_SECRETS_FILE"] = str(tmp / "none.toml")
    os.environ["LLM_MAX_RETRIES"] = "0"
    if fake is not None:
        os.environ["OPENAI_API_KEY"] = "sk-bench-000000"
        os.environ["OPENAI_BASE_URL"] = fake.openai_base_url
    from core.config import reset_settings_cache
    from core.services.models import reset_gateway

    reset_settings_cache()
    reset_gateway()


def offline_prompts() -> dict[str, Any]:
    from core.errors import StudioError
    from core.services.generation import generate_strategy

    prompts = json.loads((ROOT / "tests" / "data" / "prompts.json").read_text(encoding="utf-8"))["prompts"]
    answered = repaired = declined = 0
    for item in prompts:
        try:
            result = generate_strategy(item["prompt"], model="offline", use_cache=False)
        except StudioError:
            declined += 1
            continue
        answered += 1
        repaired += int(result.repaired or result.attempts > 1)
    return {"prompts": len(prompts), "answered": answered, "declined": declined, "repaired": repaired}


def _seed_parse(text: str) -> dict[str, Any]:
    """The seed's LLMResponseParser.extract_json, verbatim in behaviour."""
    content = text.strip()
    if "```json" in content:
        start = content.find("```json") + 7
        content = content[start : content.find("```", start)].strip()
    elif "```" in content:
        start = content.find("```") + 3
        content = content[start : content.find("```", start)].strip()
    return json.loads(content)


def scenarios() -> list[tuple[str, list[str]]]:
    """(name, replies the fake gives in order) for strategy generation."""
    from tests.services_support import VALID_STRATEGY, cyclic_strategy

    good = json.dumps(VALID_STRATEGY)
    pretty = json.dumps(VALID_STRATEGY, indent=2)
    return [
        ("clean", [good]),
        ("clean, pretty-printed", [pretty]),
        ("fenced with prose", ["Here is the strategy:\n```json\n" + pretty + "\n```\nGood luck!"]),
        ("bare fence", ["```\n" + good + "\n```"]),
        ("prose, no fence", ["Sure. " + good + " Let me know."]),
        ("truncated", [good[: good.rindex("]") + 1]]),
        ("trailing comma", [pretty.replace('"interval": "1h"', '"interval": "1h",')]),
        ("single quotes", [good.replace('"', "'")]),
        ("wrapped", [json.dumps({"strategy": VALID_STRATEGY})]),
        ("cycle, then fixed", [json.dumps(cyclic_strategy()), good]),
        ("garbage, then fixed", ["I cannot help with that.", good]),
        ("garbage x3", ["no", "still no", "never"]),
        ("obeyed injection, then fixed", [json.dumps({"note": "ignoring the rules"}), good]),
    ]


def fake_scenarios() -> dict[str, Any]:
    from core.llm.errors import OutputInvalid
    from core.services.generation import generate_strategy
    from core.services.strategy_library import validate_strategy
    from tests.fakes.vendor import FakeVendor, Reply

    rows = []
    with tempfile.TemporaryDirectory() as tmp, FakeVendor() as fake:
        _env(Path(tmp), fake)
        for name, replies in scenarios():
            fake.reset()
            fake.script(*[Reply(text=r) for r in replies], vendor="openai")
            try:
                seed_ok = validate_strategy(_seed_parse(replies[0])).valid
            except Exception:  # the seed's parser raises on anything but clean JSON
                seed_ok = False
            try:
                result = generate_strategy(f"bench {name}", model="gpt-5.4-mini", use_cache=False)
                ours_ok, attempts, repaired = True, result.attempts, result.repaired
            except OutputInvalid as exc:
                ours_ok, attempts, repaired = False, exc.attempts, True
            rows.append({"scenario": name, "seed_ok": seed_ok, "ours_ok": ours_ok, "attempts": attempts,
                         "repair_loop": repaired, "vendor_calls": fake.count("openai")})
    return {"rows": rows}


def main() -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        _env(Path(tmp), None)
        offline = offline_prompts()
    share = offline["repaired"] / offline["answered"] if offline["answered"] else 0.0
    print(f"offline generation over {offline['prompts']} prompts: answered {offline['answered']}, "
          f"declined {offline['declined']}, repair loop needed {offline['repaired']} ({share:.0%})")
    result = fake_scenarios()
    rows = result["rows"]
    print(f"\n{'scenario':<32}{'seed parser':>12}{'ours':>6}{'attempts':>10}{'repair':>8}")
    for r in rows:
        print(f"{r['scenario']:<32}{'ok' if r['seed_ok'] else 'FAIL':>12}{'ok' if r['ours_ok'] else 'FAIL':>6}"
              f"{r['attempts']:>10}{'yes' if r['repair_loop'] else '-':>8}")
    n = len(rows)
    seed = sum(r["seed_ok"] for r in rows)
    ours = sum(r["ours_ok"] for r in rows)
    loop = sum(r["repair_loop"] for r in rows)
    reasks = sum(r["attempts"] > 1 for r in rows)
    print(f"\nscenarios: {n}; repair loop needed in {loop} ({loop / n:.0%}), of which re-asked {reasks}")
    print(f"valid result: ours {ours}/{n}, seed parser (baseline) {seed}/{n}; "
          f"ratio ours/baseline = {ours / max(seed, 1):.2f}x")
    calls = sum(r["vendor_calls"] for r in rows)
    print(f"vendor calls charged: {calls}; elapsed {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
