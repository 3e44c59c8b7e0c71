"""Exceptions and warnings raised by carbon.

Every message says *what* is wrong, *where* (file, sheet, row, column when known)
and *how to fix it*.  Errors inherit the matching builtin as well, so
``except ValueError`` keeps working for callers who do not know carbon.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field


class CarbonError(Exception):
    """Base class for errors raised by carbon."""


class UnitError(CarbonError, ValueError):
    """A unit string cannot be parsed."""


class UnitMismatchError(CarbonError, ValueError):
    """A quantity's dimension does not fit where it is used."""


class GasMixError(UnitMismatchError):
    """Masses of different gases were combined without a named GWP set."""


class GWPError(CarbonError, LookupError):
    """A GWP set or a gas within it is unknown."""

    def __str__(self) -> str:  # LookupError would add quotes
        return str(self.args[0]) if self.args else ""


class FactorNotFoundError(CarbonError, LookupError):
    """No factor matches the requested id in the loaded factor library."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class FactorTableError(CarbonError, ValueError):
    """A ``factors/`` file breaks ``factors/schema.csv``."""


class HeatValueError(UnitMismatchError):
    """A per-energy factor was used with a physical quantity and no heat value."""


class DateError(CarbonError, ValueError):
    """A date or a (ROC) year cannot be read."""


class CalculationError(CarbonError, ValueError):
    """Inputs are individually valid but cannot be combined."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    Attributes name the place (file, sheet, row, column) as the user sees it:
    rows are 1-based spreadsheet rows, including the header row.
    """

    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    hint: str | None = None

    def where(self) -> str:
        """Return the location as text, e.g. ``inv.xlsx, sheet 'sources', row 4, column 'unit'``."""
        parts = []
        if self.file:
            parts.append(str(self.file))
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" {self.hint}"
        return text


@dataclass
class InputError(CarbonError, ValueError):
    """One or more problems in a user's input, all reported together."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.problems = merge_problems(self.problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the input:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])

    def __reduce__(self):  # keep picklable across processes
        return (self.__class__, (self.problems,))


_PINT_DIMS = (
    ("[length] ** 3", "volume"),
    ("[length] ** 2", "area"),
    ("[mass] * [length] ** 2 / [time] ** 2", "energy"),
    ("[length] ** 2 * [mass] / [time] ** 2", "energy"),
    ("[mass] * [length] ** 2 / [time] ** 3", "power"),
    ("[length] ** 2 * [mass] / [time] ** 3", "power"),
    ("[mass]", "mass"),
    ("[length]", "length"),
    ("[time]", "time"),
    ("dimensionless", "a plain number"),
)


def plain_words(message: str) -> str:
    """Replace pint's dimension notation (``[length] ** 3``) by words (volume) in a message."""
    for jargon, word in sorted(_PINT_DIMS, key=lambda x: -len(x[0])):  # longest first
        message = message.replace(f"({jargon})", f"({word})").replace(jargon, word)
    return message


def merge_problems(problems: Iterable[Problem]) -> list[Problem]:
    """One problem per (place but row, message): the same message on many rows becomes one line.

    Messages are also put in plain words (:func:`plain_words`).  For any code that collects
    problems (the calculation too), so a file with one mistake repeated on 500 rows gets one line.
    """
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        msg = plain_words(p.message)
        groups.setdefault((p.file, p.sheet, p.column, msg, p.hint), []).append(p)
    out = []
    for (file, sheet, column, msg, hint), ps in groups.items():
        rows = sorted({p.row for p in ps if p.row is not None})
        if len(rows) > 1:
            more = f" (also row{'s' if len(rows) > 2 else ''} {', '.join(map(str, rows[1:11]))}{f' and {len(rows) - 11} more' if len(rows) > 11 else ''})"
            msg = msg.rstrip(".") + more + "."
        out.append(Problem(msg, file=file, sheet=sheet, row=rows[0] if rows else None, column=column, hint=hint))
    return out


class DataQualityWarning(UserWarning):
    """Input accepted but doubtful (estimated data, a default heat value, ...)."""


def suggest(word: str, candidates: Iterable[str], n: int = 5) -> list[str]:
    """Return up to ``n`` candidates closest to ``word`` (for 'did you mean' hints)."""
    pool = list(candidates)
    found = difflib.get_close_matches(word, pool, n=n, cutoff=0.5)
    if len(found) < n:
        low = word.lower()
        for c in pool:
            if low and low in c.lower() and c not in found:
                found.append(c)
            if len(found) >= n:
                break
    return found


def did_you_mean(word: str, candidates: Iterable[str], n: int = 5) -> str:
    """Format a 'Did you mean ...?' sentence, or an empty string."""
    close = suggest(word, candidates, n)
    if not close:
        return ""
    return "Did you mean " + ", ".join(f"'{c}'" for c in close) + "?"
