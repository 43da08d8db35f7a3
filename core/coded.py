"""Messages for people that carry a stable code and parameters beside their English text.

``Coded`` is a ``str`` (the English sentence the CLI prints and the JSON carries, unchanged), with
``.code`` and ``.params`` so an interface can word it in the reader's language from its own
catalog. Producers stay backward compatible: anything that treated the message as text still does.
"""

from __future__ import annotations

from typing import Any


class Coded(str):
    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, text: str, **params: Any) -> Coded:
        obj = super().__new__(cls, text)
        obj.code = code
        obj.params = params
        return obj

    def __reduce__(self) -> tuple[Any, ...]:  # copy and pickle keep the code
        return (_rebuild, (self.code, str(self), self.params))


def _rebuild(code: str, text: str, params: dict[str, Any]) -> Coded:
    return Coded(code, text, **params)
