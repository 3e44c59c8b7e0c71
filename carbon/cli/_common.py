"""What every command group shares: JSON output of results."""

from __future__ import annotations

import datetime as dt
import json
import math

__all__ = ["print_json", "to_jsonable"]


def to_jsonable(o):
    """Convert ``o`` to plain JSON types in one pass.

    Numpy scalars and arrays become numbers and lists, dates ISO text, NaN/inf null, objects
    with ``to_dict`` their dict, anything else text.
    """
    if o is None or isinstance(o, (bool, int, str)):
        return o
    if isinstance(o, float):
        return o if math.isfinite(o) else None
    if isinstance(o, dict):
        return {str(k): to_jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in o]
    if hasattr(o, "tolist"):  # numpy scalars and arrays, pandas arrays
        return to_jsonable(o.tolist())
    if isinstance(o, (dt.date, dt.datetime)) or hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "to_dict"):
        return to_jsonable(o.to_dict())
    return str(o)


def print_json(data) -> None:
    """Print ``data`` as indented UTF-8 JSON (the one encoder of every ``--json`` output)."""
    print(json.dumps(to_jsonable(data), ensure_ascii=False, indent=2))
