"""Size caps, checked before any normalisation or graph work so hostile input stays cheap."""

from __future__ import annotations

MAX_TEXT_BYTES = 2_000_000  # JSON text handed to validate()
MAX_NODES = 5_000
MAX_EDGES = 10_000
MAX_ID_LENGTH = 64
MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 4_000
MAX_STRING_LENGTH = 1_000  # any other string inside a config (message, query, symbol, ...)
MAX_CONFIG_KEYS = 32
MAX_ISSUES = 500  # the report lists at most this many; a TOO_MANY_ISSUES entry says so
