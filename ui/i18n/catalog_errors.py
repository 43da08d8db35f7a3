"""Error texts by code (``errors.<CODE>``, ``errors.<CODE>.hint``, ``errors.kind.<kind>``).

They live in ``core.services.wording`` because the CLI and the REST API word errors with the same
catalog; merged here so that ``t()`` and the catalog checks see them like every other key."""

from __future__ import annotations

from core.services.wording import MESSAGES as _ERRORS

MESSAGES: dict[str, dict[str, str]] = {
    **_ERRORS,
    "common.error.original": {"en": "Original message: {text}", "ko": "원문: {text}"},
}
