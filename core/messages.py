"""The chat message: what the prompt builder writes and the gateway sends, at ground level so that
neither has to import the other for it (core.llm.types re-exports it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}
