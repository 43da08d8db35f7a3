"""Offline token counting.

tiktoken ships no BPE files and downloads them on first use. We commit o200k_base and cl100k_base
(taken from the MIT-licensed PyPI wheel ``bpe-openai==0.1.4``; gunzipped they are byte-identical to
OpenAI's files, sha256 checked) and seed tiktoken's cache directory with them, so counting never
touches the network. OpenAI counts are exact for the text; other vendors' tokenizers are not public,
so their counts are o200k counts with a safety margin, labelled ``estimated``.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.llm.types import Message

DATA_DIR = Path(__file__).resolve().parent / "data"
_BLOB = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"
_SHA256 = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}
# Chat framing per message and for the reply priming (OpenAI's published counting recipe).
_PER_MESSAGE = 3
_PRIMING = 3
# Anthropic/GLM/custom tokenizers differ from o200k; over-counting is the safe side for both the
# context-window check and the quota reservation.
_ESTIMATE_MARGIN = 1.15
# Framing allowance of the byte bound: more than any vendor's published per-message overhead.
_BOUND_PER_MESSAGE = 16
_BOUND_PRIMING = 16


def _cache_dir() -> Path:
    configured = os.environ.get("TIKTOKEN_CACHE_DIR") or os.environ.get("DATA_GYM_CACHE_DIR")
    if configured:
        return Path(configured)
    path = Path(tempfile.gettempdir()) / "strategy-studio-tiktoken"
    os.environ["TIKTOKEN_CACHE_DIR"] = str(path)
    return path


def seed_cache() -> Path:
    """Write the committed BPE files where tiktoken looks for its download cache (idempotent)."""
    cache = _cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    for name, digest in _SHA256.items():
        target = cache / hashlib.sha1(_BLOB.format(name).encode()).hexdigest()
        if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == digest:
            continue
        data = gzip.decompress((DATA_DIR / f"{name}.tiktoken.gz").read_bytes())
        if hashlib.sha256(data).hexdigest() != digest:
            raise RuntimeError(f"{name}.tiktoken.gz is corrupted (sha256 mismatch); restore it from git.")
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return cache


seed_cache()

_lock = threading.Lock()
_encodings: dict[str, object] = {}


def encoding(name: str = "o200k_base"):  # -> tiktoken.Encoding
    """Load an encoding once per process (loading o200k takes ~0.3 s; the hot path must not)."""
    enc = _encodings.get(name)
    if enc is None:
        with _lock:
            enc = _encodings.get(name)
            if enc is None:
                import tiktoken

                enc = tiktoken.get_encoding(name)
                _encodings[name] = enc
    return enc


@functools.lru_cache(maxsize=256)
def encoding_name_for(model: str) -> str:
    import tiktoken

    try:
        return tiktoken.encoding_name_for_model(model)
    except KeyError:
        # Newer OpenAI names (gpt-5.x, ...) are not in tiktoken's table yet: all use o200k.
        return "o200k_base"


@dataclass(frozen=True)
class TokenCount:
    """``tokens``: our best count (exact for OpenAI). ``upper``: a bound the vendor's count cannot
    beat, for reservations: the exact count, or for other vendors' unpublished tokenizers the UTF-8
    bytes of every message plus framing (a byte-level BPE never emits more tokens than bytes)."""

    tokens: int
    estimated: bool
    encoding: str
    upper: int = 0


def count_text(text: str, encoding_name: str = "o200k_base") -> int:
    return len(encoding(encoding_name).encode(text, disallowed_special=()))


# Texts up to this many characters keep their count: a system prompt, a re-ask's history or a
# fallback candidate's messages repeat from call to call, and counting is a large part of a call's
# own overhead. Longer texts (market data, news batches) are counted each time, never kept.
_KEEP_COUNT_CHARS = 8000


@functools.lru_cache(maxsize=512)
def _kept_count(text: str, encoding_name: str) -> int:
    return count_text(text, encoding_name)


def _count(text: str, encoding_name: str) -> int:
    return _kept_count(text, encoding_name) if len(text) <= _KEEP_COUNT_CHARS else count_text(text, encoding_name)


def count_messages(provider: str, model: str, messages: Sequence[Message]) -> TokenCount:
    enc_name = encoding_name_for(model) if provider == "openai" else "o200k_base"
    total = _PRIMING
    for m in messages:
        total += _PER_MESSAGE + _count(m.content, enc_name) + 1
    if provider == "openai":
        return TokenCount(total, False, enc_name, total)
    return TokenCount(int(total * _ESTIMATE_MARGIN) + 1, True, enc_name, byte_bound(messages))


def byte_bound(messages: Sequence[Message]) -> int:
    """A true upper bound on any byte-level BPE's count of a chat request: its UTF-8 bytes, plus a
    generous framing allowance per message and for the reply priming (roles, separators)."""
    return _BOUND_PRIMING + sum(len(m.content.encode("utf-8")) + _BOUND_PER_MESSAGE for m in messages)
