"""Structured output: ask, extract, repair, validate, and re-ask with the exact errors.

Models wrap JSON in prose and code fences, cut it off at the token limit, invent fields and draw
cycles. ``ask_structured`` turns an answer into a validated value or a clear ``OutputInvalid``:

1. the request carries the output schema (the provider uses the vendor's native JSON-schema mode
   where the model has one, JSON mode otherwise);
2. the JSON is extracted from the text (fences, surrounding prose) and, if broken, repaired with
   json-repair;
3. the caller's ``parse`` validates it (pydantic, and the graph validator for strategies);
4. on failure the model is re-asked with the exact problems, at most ``max_reasks`` times and only
   while the request's spend stays under ``cost_cap_usd``.

Every attempt is a separate gateway call, so each is charged and logged by the ledger. Only a
validated answer is stored in the response cache.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Generic, TypeVar

import json_repair

from core.llm.errors import OutputInvalid
from core.llm.types import ChatRequest, Completion, Message, StreamEnd, TextDelta, Usage
from core.prompts.builder import Language, repair_message

log = logging.getLogger("core.llm.structured")

T = TypeVar("T")
MAX_REASKS = 2
DEFAULT_COST_CAP_USD = Decimal("0.25")
# The bad answer is echoed back in the re-ask; a runaway answer is cut so the re-ask stays cheap.
ECHO_LIMIT = 6000
MAX_ERRORS_SHOWN = 12
_FENCE_RE = re.compile(r"```[ \t]*([A-Za-z0-9_-]*)[ \t]*\r?\n(.*?)(?:```|\Z)", re.DOTALL)


class OutputProblem(ValueError):
    """An answer that is not usable; ``errors`` are sentences the model (and a person) can act on."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors[:MAX_ERRORS_SHOWN] or ["the answer is not usable"]
        super().__init__("; ".join(self.errors))


@dataclass
class Extracted:
    value: Any
    repaired: bool  # json-repair had to fix broken JSON
    note: str = ""  # what was done to get at the JSON, for logs


@dataclass
class Attempt:
    number: int
    model: str
    provider: str
    cost_usd: Decimal
    cached: bool
    errors: list[str] = field(default_factory=list)


@dataclass
class StructuredResult(Generic[T]):
    value: T
    completion: Completion  # the attempt that succeeded
    attempts: list[Attempt]
    repaired: bool  # json-repair or a re-ask was needed (prose or fences alone do not count)
    usage: Usage
    cost_usd: Decimal

    @property
    def reasks(self) -> int:
        return len(self.attempts) - 1

    @property
    def tried(self) -> list[str]:
        return list(self.completion.tried)


def _candidates(text: str) -> list[tuple[str, bool]]:
    """Substrings that may hold the JSON, best first; the flag says whether something was cut away."""
    stripped = text.strip().lstrip("\ufeff")
    out: list[tuple[str, bool]] = [(stripped, False)]
    for match in _FENCE_RE.finditer(stripped):
        body = match.group(2).strip()
        if body:
            out.append((body, True))
    start = min((i for i in (stripped.find("{"), stripped.find("[")) if i >= 0), default=-1)
    if start >= 0:
        end = max(stripped.rfind("}"), stripped.rfind("]"))
        if end > start:
            out.append((stripped[start : end + 1], True))
        out.append((stripped[start:], True))
    return out


def extract_json(text: str) -> Extracted:
    """Find the JSON object in a model's answer; repair it when it is broken. Raises OutputProblem."""
    if not text or not text.strip():
        raise OutputProblem(["the answer was empty; return the JSON object"])
    candidates = _candidates(text)
    for candidate, cut in candidates:
        try:
            value = json.loads(candidate)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return Extracted(value, False, "prose or code fences removed" if cut else "")
    # Nothing parses as it stands: repair each promising piece (a fenced block, everything from the
    # first brace — what a truncated answer looks like) and keep the most complete object.
    best: dict[str, Any] | None = None
    for candidate, _ in candidates[1:] or candidates:
        if "{" not in candidate:
            continue
        try:
            value = json_repair.loads(candidate[candidate.find("{") :])
        except Exception:  # json-repair gives up on some inputs by raising; that is just "no JSON"
            continue
        if isinstance(value, dict) and value and (best is None or len(value) > len(best)):
            best = value
    if best is not None:
        return Extracted(best, True, "broken JSON repaired")
    preview = " ".join(text.split())[:120]
    raise OutputProblem([f"the answer contains no JSON object (it begins: {preview!r}); return only the JSON object"])


def _errors_of(problem: Exception) -> list[str]:
    if isinstance(problem, OutputProblem):
        return problem.errors
    errors = getattr(problem, "errors", None)
    if callable(errors):  # pydantic.ValidationError
        out = []
        for err in errors():
            where = ".".join(str(p) for p in err.get("loc", ())) or "(top level)"
            out.append(f"{where}: {err.get('msg')}")
        return out
    return [str(problem)]


def _call(gateway: Any, req: ChatRequest, on_delta: Callable[[str], None] | None) -> Completion:
    if on_delta is None:
        return gateway.complete(req)
    completion: Completion | None = None
    for event in gateway.stream(req):
        if isinstance(event, TextDelta):
            on_delta(event.text)
        elif isinstance(event, StreamEnd):
            completion = event.completion
    if completion is None:  # the gateway always ends with StreamEnd; be explicit if it did not
        raise OutputInvalid("The model's stream ended without a result.", attempts=1)
    return completion


def _accept(completion: Completion, parse: Callable[[dict[str, Any]], T]) -> tuple[T, bool] | list[str]:
    """The validated value and whether JSON repair was needed, or the problems to send back."""
    try:
        extracted = extract_json(completion.text)
        return parse(extracted.value), extracted.repaired
    except OutputProblem as problem:
        return problem.errors
    except Exception as problem:  # pydantic.ValidationError or a validator's error carrying .errors
        if not hasattr(problem, "errors"):
            raise  # a bug, not a bad answer
        return _errors_of(problem)


def _why_stop(completion: Completion, spent: Decimal, cost_cap_usd: Decimal, *, more: bool) -> str:
    """Why asking again is pointless or too dear ("" otherwise; ``more``: re-asks are left)."""
    if completion.provider == "offline":
        return "the offline engine is deterministic, so asking again would give the same answer"
    if not more:
        return ""
    # Assume the next attempt costs about what this one did; stop before crossing the cap.
    if spent + completion.cost_usd > cost_cap_usd:
        return f"another attempt would exceed this request's cost cap of ${cost_cap_usd}"
    return ""


def ask_structured(
    gateway: Any,
    req: ChatRequest,
    parse: Callable[[dict[str, Any]], T],
    *,
    language: Language = "en",
    max_reasks: int = MAX_REASKS,
    cost_cap_usd: Decimal = DEFAULT_COST_CAP_USD,
    on_delta: Callable[[str], None] | None = None,
    on_attempt: Callable[[int, list[str]], None] | None = None,
) -> StructuredResult[T]:
    """Call the gateway until ``parse`` accepts the answer, or raise OutputInvalid.

    ``parse`` receives the extracted JSON object and returns the validated value, raising
    OutputProblem (or a pydantic ValidationError) with the problems otherwise. ``on_attempt(n,
    errors)`` is told before each re-ask, so a streaming UI can clear the rejected text.
    """
    messages = list(req.messages)
    attempts: list[Attempt] = []
    usage = Usage()
    spent = Decimal(0)
    repaired = False
    errors: list[str] = []
    stop_reason = ""
    last: Completion | None = None
    for number in range(1, max_reasks + 2):
        # Re-asks go to the model that gave the rejected answer (it sees its own answer and the
        # problems), and are never served from, or stored in, the cache.
        attempt_req = replace(req, messages=messages, use_cache=req.use_cache and number == 1, request_id=None,
                              model=req.model if last is None else last.model)
        completion = last = _call(gateway, attempt_req, on_delta)
        usage = usage + completion.usage
        spent += completion.cost_usd
        attempt = Attempt(number, completion.model, completion.provider, completion.cost_usd, completion.cached)
        attempts.append(attempt)
        accepted = _accept(completion, parse)
        if not isinstance(accepted, list):
            value, was_repaired = accepted
            if not completion.cached and hasattr(gateway, "store_in_cache"):
                gateway.store_in_cache(completion)
            return StructuredResult(value, completion, attempts, repaired or was_repaired or number > 1, usage, spent)
        errors = attempt.errors = accepted
        log.info("attempt %d by %s rejected: %s", number, completion.model, "; ".join(errors))
        stop_reason = _why_stop(completion, spent, cost_cap_usd, more=number <= max_reasks)
        if stop_reason or number > max_reasks:
            break
        if on_attempt is not None:
            on_attempt(number + 1, errors)
        messages = [*messages, Message("assistant", completion.text[:ECHO_LIMIT] or "(empty)"),
                    repair_message(language, errors)]
    n = len(attempts)
    detail = "; ".join(errors)
    why = f" Stopped because {stop_reason}." if stop_reason else ""
    raise OutputInvalid(
        f"The model's answer could not be used after {n} attempt{'s' if n != 1 else ''} "
        f"(each was charged): {detail}.{why}",
        errors=errors,
        attempts=n,
        hint="Rephrase the request more concretely, or choose another model (the offline engine always "
        "returns a valid result for what it understands).",
        cost_usd=spent, code="MODEL_OUTPUT_INVALID", params={"attempts": n, "cost_usd": spent},
    )
