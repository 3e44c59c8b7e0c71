"""What every command group shares: JSON output of results."""

from __future__ import annotations

import json
import math

__all__ = ["print_json", "to_jsonable"]


def _json_default(o):
    if hasattr(o, "item"):
        return o.item()
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "to_dict"):
        return o.to_dict()
    return str(o)


def _clean(o):
    if isinstance(o, float) and (math.isnan(o) or math.isinf(o)):
        return None
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    return o


def to_jsonable(data):
    """``data`` as plain JSON types: numpy scalars as numbers, dates as ISO text, NaN/inf as null."""
    return _clean(json.loads(json.dumps(data, default=_json_default)))


def print_json(data) -> None:
    """Print ``data`` as indented UTF-8 JSON (the one encoder of every ``--json`` output)."""
    print(json.dumps(to_jsonable(data), ensure_ascii=False, indent=2))
