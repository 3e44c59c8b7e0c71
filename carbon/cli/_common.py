"""What every command group shares: JSON output of results."""

from __future__ import annotations

import sys

__all__ = ["print_json"]


def _default(o):
    """What orjson cannot encode itself: objects with ``to_dict``, sets, anything else as text."""
    if hasattr(o, "to_dict"):
        return o.to_dict()
    if isinstance(o, (set, frozenset)):
        return sorted(o, key=str)
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "tolist"):
        return o.tolist()
    return str(o)


def print_json(data) -> None:
    """Print ``data`` as indented UTF-8 JSON: the one encoder of every ``--json`` output.

    One pass in orjson's C encoder: numpy scalars and arrays as numbers and lists, dates as ISO
    text, NaN and infinities as ``null`` (JSON has no NaN), non-text keys as text.
    """
    import orjson

    opts = orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE
    out = orjson.dumps(data, default=_default, option=opts)
    sys.stdout.flush()
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.flush()
