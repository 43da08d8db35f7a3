"""Every failure becomes JSON ``{"error_code", "message", ...}`` with the right status; never a traceback.

Errors are mapped by their ``kind`` (a stable attribute of every ``StudioError``), so this module does
not import the classes of every layer. Money in details is a decimal string.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.errors import StudioError, redact
from core.services.wording import api_text, error_sentence, language_of, worded_issues

log = logging.getLogger("studio.api")

# kind -> (HTTP status, error_code)
STATUS: dict[str, tuple[int, str]] = {
    "unauthorized": (401, "UNAUTHORIZED"),
    "forbidden": (403, "FORBIDDEN"),
    "quota_exceeded": (403, "QUOTA_EXCEEDED"),
    "not_found": (404, "NOT_FOUND"),
    "bad_input": (422, "INVALID_INPUT"),
    "bad_usage_input": (422, "INVALID_INPUT"),
    "data": (422, "INVALID_DATA"),
    "strategy_invalid": (422, "STRATEGY_INVALID"),
    "unknown_model": (422, "UNKNOWN_MODEL"),
    "price_unknown": (422, "PRICE_UNKNOWN"),
    "cannot_answer": (422, "CANNOT_ANSWER"),
    "context_too_long": (413, "CONTEXT_TOO_LONG"),
    "bad_request": (502, "PROVIDER_REJECTED"),
    "request_rate_limited": (429, "RATE_LIMITED"),
    "rate_limited": (429, "PROVIDER_RATE_LIMITED"),
    "not_configured": (503, "PROVIDER_NOT_CONFIGURED"),
    "unavailable": (503, "PROVIDER_UNAVAILABLE"),
    "auth_failed": (502, "PROVIDER_AUTH_FAILED"),
    "all_failed": (502, "PROVIDER_FAILED"),
    "cut": (502, "PROVIDER_STREAM_CUT"),
    "output_invalid": (502, "MODEL_OUTPUT_INVALID"),
    "storage": (503, "STORAGE_UNAVAILABLE"),
    "settings_invalid": (503, "SETTINGS_INVALID"),
}
MAX_BODY_BYTES = 5 * 1024 * 1024  # a CSV of some 50,000 bars; JSON bodies are far smaller


def _text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def request_language(request: Request | None) -> str:
    """The language of ``message``: the Accept-Language header (ko or en), else en. The
    machine-readable ``error_code`` is the same in every language."""
    header = request.headers.get("accept-language") if request is not None else None
    return language_of(header, "en")


def error_body(exc: StudioError, lang: str = "en") -> tuple[int, dict[str, Any], dict[str, str]]:
    """(status, body, headers) for a StudioError, its message worded in ``lang``."""
    status, code = STATUS.get(exc.kind, (500, "INTERNAL_ERROR"))
    attempts = getattr(exc, "attempts", None) if exc.kind == "all_failed" else None
    # Every model refused for its rate limit: the caller should wait, not give up.
    if attempts and all("rate" in str(msg).lower() for _, msg in attempts):
        status, code = 429, "PROVIDER_RATE_LIMITED"
    body: dict[str, Any] = {"error_code": code, "message": str(exc) if lang == "en" else error_sentence(exc, lang)}
    headers: dict[str, str] = {}
    if exc.kind == "quota_exceeded":
        d = exc.details
        body.update({k: _text(d.get(k, Decimal(0))) for k in ("spend_usd", "quota_usd", "held_usd", "worst_case_usd")})
        body["resets_at"] = str(d.get("reset_date", ""))
    elif exc.kind == "strategy_invalid" and getattr(exc, "report", None) is not None:
        body["issues"] = worded_issues([i.to_dict() for i in exc.report.issues], lang)
        body["codes"] = exc.report.codes()
    elif getattr(exc, "failed_cost_usd", None) is not None:
        # A provider failure: what its failed attempts cost (they reached a vendor, so they were billed).
        body["failed_attempts_cost"] = format(exc.failed_cost_usd, "f")  # type: ignore[attr-defined]
    elif exc.kind == "unauthorized":
        headers["WWW-Authenticate"] = 'Bearer realm="studio"'
    if status == 429:
        wait = getattr(exc, "retry_after", None) or 1
        headers["Retry-After"] = str(max(1, round(float(wait))))
        body["retry_after_s"] = int(headers["Retry-After"])
    if status >= 500 and exc.kind not in STATUS:
        log.error("unexpected error kind %s: %s", exc.kind, redact(str(exc)))
    return status, body, headers


def install(app: FastAPI) -> None:
    @app.exception_handler(StudioError)
    async def studio_error(request: Request, exc: StudioError) -> JSONResponse:
        status, body, headers = error_body(exc, request_language(request))
        return JSONResponse(body, status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang = request_language(request)
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "message": str(e.get("msg", "")),
                   "type": str(e.get("type", ""))} for e in exc.errors()]
        # A field over its length limit is oversized input (413), not a malformed one.
        if any(e["type"] in ("string_too_long", "too_long") for e in errors):
            return JSONResponse({"error_code": "TOO_LARGE", "message": api_text("too_large", lang),
                                 "errors": errors}, status_code=413)
        return JSONResponse({"error_code": "INVALID_REQUEST", "message": api_text("invalid_request", lang),
                             "errors": errors}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI's "error parsing the body" (e.g. not UTF-8): invalid request
            return JSONResponse({"error_code": "INVALID_REQUEST", "message": api_text(
                "unreadable_body", request_language(request)), "errors": []}, status_code=422)
        codes = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "TOO_LARGE", 401: "UNAUTHORIZED"}
        return JSONResponse({"error_code": codes.get(exc.status_code, "HTTP_ERROR"), "message": str(exc.detail)},
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Logged (redacted) for the operator; the caller gets no traceback and no internals.
        log.error("unhandled API error: %s", redact(f"{type(exc).__name__}: {exc}"), exc_info=False)
        return JSONResponse({"error_code": "INTERNAL_ERROR",
                             "message": api_text("internal", request_language(request))}, status_code=500)
