"""Cross-checks: the values a workbook stores in its formula cells against those its inputs give.

carbon never takes a number from a computed cell.  After reading, every formula cell it
recomputed (:class:`~carbon.formats.moenv.formulas.Check`) is compared with the value the
file stores: a disagreement is reported as a note naming sheet and cell (the workbook was
not recalculated after its inputs changed, or a formula was edited); cells with no stored
value (a file written by a program that does not calculate) are counted in one note.

References
----------
.. [1] 環境部, 溫室氣體排放量清冊表單(範例), 表三 C/F/I, 表五 R–AX formulas.
"""

from __future__ import annotations

import math

from carbon.formats.moenv.formulas import Check

__all__ = ["disagreements", "reconcile_notes"]

_REL = 1e-9


def _blank(v) -> bool:
    return (
        v is None or v == "" or (isinstance(v, str) and v.startswith("#")) or (isinstance(v, float) and math.isnan(v))
    )


def _equal(a, b) -> bool:
    if _blank(a) and _blank(b):
        return True
    if _blank(a) or _blank(b):
        return (_blank(a) and b == 0) or (_blank(b) and a == 0)  # an empty look-up shows as 0
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) <= _REL * max(abs(float(a)), abs(float(b)), 1e-300)
    return str(a).strip() == str(b).strip()


def disagreements(checks: list[Check]) -> list[Check]:
    """Return the checks whose stored value differs from the value computed from the inputs.

    Parameters
    ----------
    checks : list of Check
        Computed cells with the values the file stores.

    Returns
    -------
    list of Check
        Those that disagree (a missing stored value is not a disagreement).
    """
    return [c for c in checks if c.stored is not None and not _equal(c.computed, c.stored)]


def _fmt(v) -> str:
    if _blank(v):
        return "(empty)" if not (isinstance(v, str) and v.startswith("#")) else v
    if isinstance(v, float):
        return f"{v:.10g}"
    return repr(v) if isinstance(v, str) else str(v)


def reconcile_notes(checks: list[Check]) -> list[str]:
    """Notes for the result: one per disagreeing cell, one for cells without a stored value.

    Parameters
    ----------
    checks : list of Check
        Computed cells with the values the file stores.

    Returns
    -------
    list of str
        E.g. ``"表五 T8: the file shows 2.207715131 but its inputs give 2.3 (…); carbon uses
        the value from the inputs (the workbook was not recalculated after its inputs changed,
        or the formula was edited)."``
    """
    notes = [
        f"{c.sheet} {c.cell}: the file shows {_fmt(c.stored)} but its inputs give {_fmt(c.computed)} ({c.how}); "
        "carbon uses the value from the inputs (the workbook was not recalculated after its inputs changed, "
        "or the formula was edited)."
        for c in disagreements(checks)
    ]
    empty = [c for c in checks if c.stored is None and not _blank(c.computed)]
    if empty:
        cells = ", ".join(f"{c.sheet} {c.cell}" for c in empty[:6]) + (" …" if len(empty) > 6 else "")
        notes.append(
            f"{len(empty)} formula cells hold no stored value ({cells}): the file was saved by a program that "
            "does not calculate; carbon computed them from the input cells."
        )
    return notes
