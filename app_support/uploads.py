"""Uploads, safely: size-limited, saved under a generated name in a private temporary folder.

The client's file name is never used as a path (a name such as ``../../x.csv`` writes
nothing outside the temporary folder); it is shown to the user only, as text. A file that
cannot be read gives the user a message naming it and leaves the project as it was; the
server keeps serving everyone else.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

import yaml
from python_calamine import CalamineError

from carbon.errors import CarbonError, InputError, Problem

log = logging.getLogger("carbon.app")

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # also server.maxUploadSize (MB) in .streamlit/config.toml
INVENTORY_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".csv", ".yaml", ".yml", ".json")
CBAM_SUFFIXES = (".xlsx", ".xlsm", ".yaml", ".yml", ".json")

# What a broken file makes the readers raise besides carbon's own errors: corrupt zip
# containers, undecodable text, malformed XML/YAML/JSON, and the readers' own complaints.
READ_FAILURES: tuple[type[BaseException], ...] = (
    CarbonError,
    CalamineError,
    yaml.YAMLError,
    zipfile.BadZipFile,
    UnicodeError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    OSError,
    EOFError,
    MemoryError,
    AttributeError,
)


@dataclass(frozen=True)
class UploadOutcome:
    """What reading an upload gave: the value, or problems / a message for the user."""

    value: Any = None
    problems: tuple[Problem, ...] = ()
    message: str | None = None

    @property
    def ok(self) -> bool:
        """True when the file was read."""
        return self.message is None and not self.problems


def display_name(name: str) -> str:
    """The client's file name as display text: its last part only, printable, at most 120 characters."""
    last = PurePath(str(name).replace("\\", "/")).name
    return ("".join(ch for ch in last if ch.isprintable()).strip() or "upload")[:120]


def suffix_of(name: str) -> str:
    """The lower-case extension of the client's file name (used to choose a reader only)."""
    return PurePath(display_name(name)).suffix.lower()


def read_upload(name: str, data: bytes, reader: Callable[[Path, str], Any], suffixes: tuple[str, ...], messages: dict[str, Callable[..., str]]) -> UploadOutcome:
    """Write ``data`` to a generated file name in a new temporary folder and read it with ``reader``.

    Parameters
    ----------
    name : str
        The client's file name (display only; its extension chooses the reader).
    data : bytes
        The file's content.
    reader : callable
        Reads a path, with the upload's own name for messages (``reader(path, name)``), e.g.
        :func:`carbon.formats.project.read_project`.
    suffixes : tuple of str
        Extensions accepted.
    messages : dict
        ``too_big(size, limit)``, ``bad_type(suffix)``, ``unreadable(name, what)`` message builders.
    """
    shown = display_name(name)
    if len(data) > MAX_UPLOAD_BYTES:
        return UploadOutcome(message=messages["too_big"](size=len(data), limit=MAX_UPLOAD_BYTES))
    suffix = suffix_of(name)
    if suffix not in suffixes:
        return UploadOutcome(message=messages["bad_type"](suffix=suffix or "(none)"))
    with tempfile.TemporaryDirectory(prefix="carbon-upload-") as d:
        path = Path(d) / f"{uuid.uuid4().hex}{suffix}"  # generated: the client's name is never a path
        path.write_bytes(data)
        try:
            return UploadOutcome(value=reader(path, shown))
        except InputError as err:
            return UploadOutcome(problems=tuple(_relabel(p, path, shown) for p in err.problems))
        except READ_FAILURES as err:
            log.warning("upload %r could not be read: %s: %s", shown, type(err).__name__, err)
            what = str(err).replace(str(path), shown).replace(d, "")[:300] if isinstance(err, CarbonError) else type(err).__name__
            return UploadOutcome(message=messages["unreadable"](name=shown, what=what))


def _relabel(p: Problem, path: Path, shown: str) -> Problem:
    """The problem with the client's file name in place of the temporary path."""
    from dataclasses import replace

    msg = p.message.replace(str(path), shown).replace(str(path.parent), "")
    sheet = shown if p.sheet in (path.name, str(path)) else p.sheet  # a CSV's "sheet" is its file name
    return replace(p, file=shown if p.file else None, sheet=sheet, message=msg)
