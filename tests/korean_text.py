"""Does a text a Korean reader gets contain English? Shared by the Korean walk in Chromium and the
CLI/API language tests, so all three hold the same line.

English is a run of three or more words, a pair of words where one is a common English word ("is
not", "for gpt", "Try again"), one of the words failure messages are made of ("failed", "error"),
or a lone joining word ("GLM_API_KEY (or ZAI_API_KEY)").
Model names, symbols, indicator names and user content are the caller's to strip first."""

from __future__ import annotations

import re

_WORD = r"[A-Za-z][a-z'’]+"
_RUN = re.compile(rf"\b{_WORD}(?:[ ,]+{_WORD}){{2,}}\b")
_PAIR = re.compile(rf"\b(?=({_WORD})[ ,]+({_WORD})\b)")
_COMMON = {
    "a", "an", "the", "is", "are", "was", "be", "not", "no", "for", "to", "of", "in", "on", "at", "and", "or",
    "with", "by", "from", "could", "cannot", "can", "did", "does", "do", "has", "have", "had", "this", "that",
    "your", "you", "it", "its", "try", "again", "check", "set", "use", "every", "after", "before", "than",
    "per", "free",  # the model picker's price words ("out per Mtok", "rule-based, free")
}
_FAILURE_WORDS = re.compile(r"\b(?:failed|fails|error|errors|unavailable|refused|rejected|exceeded|reached|"
                            r"unknown|invalid|timeout)\b", re.IGNORECASE)
# A lone lowercase joining word between names ("GLM_API_KEY (or ZAI_API_KEY)") is English too.
# Not inside a path or a name ("/tmp/pytest-of-root", "time_to_live").
_JOINERS = re.compile(r"(?<![\w\-/.])(?:or|and|the|of|is|not|for|with|to)(?![\w\-/.])")


def english_runs(text: str) -> list[str]:
    """The English phrases in ``text`` (sorted, once each); [] when it reads as Korean."""
    found = {m.group(0) for m in _RUN.finditer(text)}
    for m in _PAIR.finditer(text):
        first, second = m.group(1), m.group(2)
        if first.lower() in _COMMON or second.lower() in _COMMON:
            found.add(f"{first} {second}")
    found |= {m.group(0) for m in _FAILURE_WORDS.finditer(text)}
    found |= {m.group(0) for m in _JOINERS.finditer(text)}
    return sorted(found)


def has_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)
