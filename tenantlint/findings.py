"""Records that rules produce and every output format consumes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem at one place in one file.

    `line` and `column` are 1-based. `function`, `route` and `priority` are
    None for findings that belong to the file rather than to an endpoint.
    `fix_note` says why `fix` leaves the finding alone when `fixable` is
    False and a fix was attempted; it is empty otherwise.
    """

    code: str
    path: str
    line: int
    column: int
    message: str
    function: str | None = None
    route: str | None = None
    priority: str | None = None
    severity: str = ERROR
    fixable: bool = False
    unsafe_fixable: bool = False
    end_line: int | None = None
    end_column: int | None = None
    full_route: str | None = None
    fix_note: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def enforced(self) -> bool:
        return self.severity == ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def to_json(self) -> dict[str, Any]:
        """Return the contract's JSON object for this finding."""
        data = asdict(self)
        data.pop("extra")
        # `unsafe_fixable` extends the contract, so it comes after the contract's keys.
        data["unsafe_fixable"] = data.pop("unsafe_fixable")
        return data


@dataclass(frozen=True)
class FileError:
    """A file that could not be read, written or fixed, reported in one line."""

    path: str
    message: str
