"""The type of a strategy that passed validation.

``validate`` is the only producer (through ``ValidationReport.valid_strategy``). Services and pages
take and return a ``ValidStrategy`` so that nothing downstream checks the same graph again: a
function that receives one knows every rule of the format holds. It reads like the strategy dict
(a read-only mapping of the normalised contract shape); ``to_dict`` gives an editable copy.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from typing import Any, Protocol


class PassedReport(Protocol):
    """What a ValidStrategy needs of the validation report that made it (``ValidationReport``)."""

    valid: bool
    strategy: dict[str, Any] | None


class ValidStrategy(Mapping[str, Any]):
    __slots__ = ("_data", "report")

    def __init__(self, report: PassedReport) -> None:
        if not report.valid or report.strategy is None:
            raise ValueError("only a valid report makes a ValidStrategy")
        self.report = report
        self._data: dict[str, Any] = report.strategy

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"ValidStrategy({self._data.get('name', '')!r}, {len(self._data.get('nodes', []))} nodes)"

    @property
    def name(self) -> str:
        return str(self._data.get("name", ""))

    def to_dict(self) -> dict[str, Any]:
        """A deep copy in the contract shape, free to edit (editing it does not touch this strategy)."""
        return copy.deepcopy(self._data)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self._data, ensure_ascii=False, indent=indent)
