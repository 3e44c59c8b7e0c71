"""The project store: create, list, open, save, duplicate, rename, delete/undo, export/import.

Every write names the version it was based on (``expected_version``). If another writer
(another tab, another app process on the same PostgreSQL) saved in between, the write
raises :class:`StaleVersionError` and changes nothing: edits are never silently overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.orm import Session, sessionmaker

from carbon.errors import CarbonError, InputError, Problem
from carbon.store.engine import make_engine, upgrade
from carbon.store.models import Document, Project, Report, Result, Revision, Upload, utcnow

__all__ = [
    "PROJECT_FILE_FORMAT",
    "ProjectInfo",
    "ProjectNotFoundError",
    "StaleVersionError",
    "Store",
    "StoreError",
]

PROJECT_FILE_FORMAT = "carbon-project"
PROJECT_FILE_VERSION = 1
KEEP_REVISIONS = 200  # per project; older ones are pruned on write


class StoreError(CarbonError):
    """A store operation cannot be done."""


class ProjectNotFoundError(StoreError, LookupError):
    """No (undeleted) project has this id."""

    def __str__(self) -> str:  # LookupError would add quotes
        return str(self.args[0])


class StaleVersionError(StoreError):
    """The project changed since it was read; the write was refused."""

    def __init__(self, project_id: str, name: str, expected: int, actual: int):
        self.project_id, self.name, self.expected, self.actual = project_id, name, expected, actual
        msg = (
            f"project '{name}' was changed elsewhere (now version {actual}, this edit was based on version {expected}); "
            "nothing was overwritten. Reload the project and make the edit again."
        )
        super().__init__(msg)

    def __reduce__(self):
        return (self.__class__, (self.project_id, self.name, self.expected, self.actual))


@dataclass(frozen=True)
class ProjectInfo:
    """A project's header: id, name, kind, version and times."""

    id: str
    name: str
    kind: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = None
    owner: str | None = None
    parent_id: str | None = None

    @classmethod
    def of(cls, p: Project) -> ProjectInfo:
        """From a row."""
        return cls(p.id, p.name, p.kind, p.version, p.created_at, p.updated_at, p.deleted_at, p.owner, p.parent_id)


def _sha(text: str | bytes) -> str:
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


def _as_text(data: object) -> str:
    """A document's stored text: JSON for mappings and lists, the text itself for strings."""
    if isinstance(data, str):
        return data
    return json.dumps(data, ensure_ascii=False, sort_keys=False, default=str)


def _new_id() -> str:
    return uuid.uuid4().hex


class Store:
    """Projects kept in a database (SQLite by default, PostgreSQL by URL).

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; default ``$CARBON_DATABASE_URL`` or the SQLite file of
        :func:`carbon.store.engine.default_url`.
    migrate : bool
        Upgrade the schema to the newest revision first (Alembic; safe when several
        processes start at once).
    """

    def __init__(self, url: str | None = None, *, migrate: bool = True, engine: Engine | None = None):
        self.engine = engine or make_engine(url)
        if migrate:
            upgrade(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    # -- internals ---------------------------------------------------------------
    def _project(self, s: Session, project_id: str, *, deleted: bool = False) -> Project:
        p = s.get(Project, project_id)
        if p is None or (p.deleted_at is not None and not deleted):
            msg = f"no project with id '{project_id}' (it may have been deleted)."
            raise ProjectNotFoundError(msg)
        return p

    def _bump(self, s: Session, project_id: str, expected_version: int | None, **values) -> Project:
        """Move the project to the next version if it is still at ``expected_version``."""
        stmt = update(Project).where(Project.id == project_id)
        if expected_version is not None:
            stmt = stmt.where(Project.version == expected_version)
        # an UPDATE gives a CursorResult (with rowcount); SQLAlchemy's annotation says Result
        res = cast(CursorResult, s.execute(stmt.values(version=Project.version + 1, updated_at=utcnow(), **values).execution_options(synchronize_session=False)))
        p = s.get(Project, project_id, populate_existing=True)
        if p is None:
            msg = f"no project with id '{project_id}'."
            raise ProjectNotFoundError(msg)
        if res.rowcount != 1:
            raise StaleVersionError(project_id, p.name, int(expected_version or 0), p.version)
        return p

    def _snapshot(self, s: Session, project_id: str) -> dict:
        docs = s.scalars(select(Document).where(Document.project_id == project_id).order_by(Document.name))
        return {d.name: {"media_type": d.media_type, "content": d.content} for d in docs}

    def _put_documents(self, s: Session, project_id: str, documents: Mapping[str, object], media_type: str | None = None) -> None:
        now = utcnow()
        for name, data in documents.items():
            if isinstance(data, Mapping) and set(data) == {"media_type", "content"}:
                mt, content = str(data["media_type"]), _as_text(data["content"])
            else:
                mt, content = media_type or ("text/plain" if isinstance(data, str) else "application/json"), _as_text(data)
            d = s.scalar(select(Document).where(Document.project_id == project_id, Document.name == name))
            if d is None:
                s.add(Document(project_id=project_id, name=name, media_type=mt, content=content, sha256=_sha(content), updated_at=now))
            else:
                d.media_type, d.content, d.sha256, d.updated_at = mt, content, _sha(content), now

    def _revise(self, s: Session, p: Project, action: str, parent_version: int | None) -> None:
        s.flush()
        s.add(Revision(project_id=p.id, version=p.version, parent_version=parent_version, action=action, name=p.name, documents=self._snapshot(s, p.id)))
        s.flush()
        n = s.scalar(select(func.count()).select_from(Revision).where(Revision.project_id == p.id)) or 0
        if n > KEEP_REVISIONS:
            cut = s.scalar(select(Revision.version).where(Revision.project_id == p.id).order_by(Revision.version.desc()).offset(KEEP_REVISIONS).limit(1))
            s.execute(delete(Revision).where(Revision.project_id == p.id, Revision.version <= cut))

    # -- projects ----------------------------------------------------------------
    def create_project(self, name: str, documents: Mapping[str, object] | None = None, *, kind: str = "inventory", owner: str | None = None, parent_id: str | None = None) -> ProjectInfo:
        """Create a project with its documents (e.g. ``{"inventory": {...}}``)."""
        name = _clean_name(name)
        with self._sessions.begin() as s:
            p = Project(id=_new_id(), name=name, kind=kind, owner=owner, parent_id=parent_id, version=1, created_at=utcnow(), updated_at=utcnow())
            s.add(p)
            s.flush()
            self._put_documents(s, p.id, documents or {})
            self._revise(s, p, "create", None)
            return ProjectInfo.of(p)

    def list_projects(self, *, include_deleted: bool = False, owner: str | None = None) -> list[ProjectInfo]:
        """Projects, most recently changed first."""
        with self._sessions() as s:
            q = select(Project).order_by(Project.updated_at.desc(), Project.name)
            if not include_deleted:
                q = q.where(Project.deleted_at.is_(None))
            if owner is not None:
                q = q.where(Project.owner == owner)
            return [ProjectInfo.of(p) for p in s.scalars(q)]

    def info(self, project_id: str) -> ProjectInfo:
        """A project's header (raises :class:`ProjectNotFoundError` if absent or deleted)."""
        with self._sessions() as s:
            return ProjectInfo.of(self._project(s, project_id))

    def documents(self, project_id: str) -> tuple[ProjectInfo, dict[str, str]]:
        """The project's header and its documents' text by name, read in one transaction."""
        with self._sessions() as s:
            p = self._project(s, project_id)
            docs = {d.name: d.content for d in s.scalars(select(Document).where(Document.project_id == project_id))}
            return ProjectInfo.of(p), docs

    def document(self, project_id: str, name: str) -> tuple[str | None, int]:
        """One document's text (None if the project has none of that name) and the project version."""
        with self._sessions() as s:
            p = self._project(s, project_id)
            d = s.scalar(select(Document).where(Document.project_id == project_id, Document.name == name))
            return (None if d is None else d.content), p.version

    def save_documents(self, project_id: str, documents: Mapping[str, object], *, expected_version: int, action: str = "edit") -> ProjectInfo:
        """Replace documents of a project; the new version is returned.

        Raises
        ------
        StaleVersionError
            If the project is no longer at ``expected_version``; nothing is written.
        """
        with self._sessions.begin() as s:
            self._project(s, project_id)
            p = self._bump(s, project_id, expected_version)
            self._put_documents(s, project_id, documents)
            self._revise(s, p, action, expected_version)
            return ProjectInfo.of(p)

    def rename(self, project_id: str, name: str, *, expected_version: int) -> ProjectInfo:
        """Rename a project (recorded as a revision, so it can be undone)."""
        name = _clean_name(name)
        with self._sessions.begin() as s:
            self._project(s, project_id)
            p = self._bump(s, project_id, expected_version, name=name)
            self._revise(s, p, "rename", expected_version)
            return ProjectInfo.of(p)

    def duplicate(self, project_id: str, name: str | None = None) -> ProjectInfo:
        """Copy a project's current documents into a new project."""
        with self._sessions() as s:
            src = self._project(s, project_id)
            snap = self._snapshot(s, project_id)
            new_name = name or f"{src.name} (copy)"
            kind, owner = src.kind, src.owner
        return self.create_project(new_name, snap, kind=kind, owner=owner, parent_id=project_id)

    def delete(self, project_id: str, *, expected_version: int | None = None) -> ProjectInfo:
        """Move a project to the bin (undo with :meth:`restore`; :meth:`purge` removes it)."""
        with self._sessions.begin() as s:
            self._project(s, project_id)
            p = self._bump(s, project_id, expected_version, deleted_at=utcnow())
            return ProjectInfo.of(p)

    def restore(self, project_id: str) -> ProjectInfo:
        """Undo a delete."""
        with self._sessions.begin() as s:
            p = self._project(s, project_id, deleted=True)
            if p.deleted_at is None:
                return ProjectInfo.of(p)
            p = self._bump(s, project_id, p.version, deleted_at=None)
            return ProjectInfo.of(p)

    def purge(self, project_id: str) -> None:
        """Remove a deleted project for good (documents, revisions, results, uploads)."""
        with self._sessions.begin() as s:
            p = self._project(s, project_id, deleted=True)
            if p.deleted_at is None:
                msg = f"project '{p.name}' is not deleted; delete it first."
                raise StoreError(msg)
            for model in (Document, Revision, Result, Report, Upload):
                s.execute(delete(model).where(model.project_id == project_id))
            s.execute(update(Project).where(Project.parent_id == project_id).values(parent_id=None))
            s.delete(p)

    # -- history -----------------------------------------------------------------
    def history(self, project_id: str) -> list[dict]:
        """Revisions, newest first: version, action, name, time."""
        with self._sessions() as s:
            self._project(s, project_id)
            q = select(Revision).where(Revision.project_id == project_id).order_by(Revision.version.desc())
            return [{"version": r.version, "parent_version": r.parent_version, "action": r.action, "name": r.name, "created_at": r.created_at} for r in s.scalars(q)]

    def undo(self, project_id: str, *, expected_version: int) -> ProjectInfo:
        """Go back one step: the state the current version was made from becomes current.

        Repeated undos walk further back (an undo's own parent is the parent of the state
        it restored). Raises :class:`StoreError` when there is nothing left to undo.
        """
        with self._sessions.begin() as s:
            p = self._project(s, project_id)
            cur = s.scalar(select(Revision).where(Revision.project_id == project_id, Revision.version == p.version))
            target = None
            if cur is not None and cur.parent_version is not None:
                target = s.scalar(select(Revision).where(Revision.project_id == project_id, Revision.version == cur.parent_version))
            if target is None:
                msg = f"nothing to undo in project '{p.name}'."
                raise StoreError(msg)
            p = self._bump(s, project_id, expected_version, name=target.name)
            s.execute(delete(Document).where(Document.project_id == project_id, Document.name.not_in(list(target.documents))))
            self._put_documents(s, project_id, target.documents)
            self._revise(s, p, f"undo: back to version {target.version}", target.parent_version)
            return ProjectInfo.of(p)

    # -- uploads, results, reports ---------------------------------------------
    def add_upload(self, project_id: str, original_name: str, content: bytes, media_type: str = "application/octet-stream", document_name: str | None = None) -> str:
        """Keep an uploaded file under a generated id (returned); the client's name is display text only."""
        with self._sessions.begin() as s:
            self._project(s, project_id)
            uid = _new_id()
            shown = _clean_name(original_name.replace("\\", "/").rsplit("/", 1)[-1] or "upload", limit=255)
            s.add(Upload(id=uid, project_id=project_id, original_name=shown, media_type=media_type[:120], size=len(content), sha256=_sha(content), content=content, document_name=document_name))
            return uid

    def uploads(self, project_id: str) -> list[dict]:
        """Uploads of a project, newest first (without their bytes)."""
        with self._sessions() as s:
            q = select(Upload).where(Upload.project_id == project_id).order_by(Upload.created_at.desc())
            return [{"id": u.id, "name": u.original_name, "size": u.size, "sha256": u.sha256, "document": u.document_name, "created_at": u.created_at} for u in s.scalars(q)]

    def save_result(self, project_id: str, project_version: int, kind: str, settings: dict, summary: dict) -> int:
        """Record a result of a project version; its id is returned."""
        with self._sessions.begin() as s:
            r = Result(project_id=project_id, project_version=project_version, kind=kind, settings=json.loads(_as_text(settings)), summary=json.loads(_as_text(summary)))
            s.add(r)
            s.flush()
            return r.id

    def latest_result(self, project_id: str, kind: str) -> dict | None:
        """The newest result of a kind: ``{"project_version", "settings", "summary", "created_at"}``."""
        with self._sessions() as s:
            r = s.scalar(select(Result).where(Result.project_id == project_id, Result.kind == kind).order_by(Result.id.desc()).limit(1))
            if r is None:
                return None
            return {"project_version": r.project_version, "settings": r.settings, "summary": r.summary, "created_at": r.created_at}

    def add_report(self, project_id: str, project_version: int, kind: str, fmt: str, lang: str, filename: str, content: bytes, *, keep_bytes: bool = True) -> int:
        """Record a report or export made from a project version (report history)."""
        with self._sessions.begin() as s:
            r = Report(project_id=project_id, project_version=project_version, kind=kind, format=fmt, lang=lang, filename=_clean_name(filename, limit=255), size=len(content), sha256=_sha(content), content=content if keep_bytes else None)
            s.add(r)
            s.flush()
            return r.id

    def reports(self, project_id: str) -> list[dict]:
        """Report history of a project, newest first (without the bytes)."""
        with self._sessions() as s:
            q = select(Report).where(Report.project_id == project_id).order_by(Report.id.desc())
            return [{"id": r.id, "version": r.project_version, "kind": r.kind, "format": r.format, "lang": r.lang, "filename": r.filename, "size": r.size, "created_at": r.created_at} for r in s.scalars(q)]

    # -- project files -----------------------------------------------------------
    def export_project(self, project_id: str) -> bytes:
        """The project as a portable file (JSON, UTF-8): name, kind and documents."""
        from carbon import __version__

        with self._sessions() as s:
            p = self._project(s, project_id)
            data = {
                "format": PROJECT_FILE_FORMAT,
                "format_version": PROJECT_FILE_VERSION,
                "carbon_version": __version__,
                "exported_at": utcnow().isoformat(timespec="seconds"),
                "name": p.name,
                "kind": p.kind,
                "version": p.version,
                "documents": self._snapshot(s, project_id),
            }
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")

    def import_project(self, content: bytes, *, name: str | None = None, file: str = "project file") -> ProjectInfo:
        """Create a project from a file written by :meth:`export_project`.

        Raises
        ------
        InputError
            If the file is not a carbon project file (each problem named).
        """
        data = read_project_file(content, file=file)
        return self.create_project(name or data["name"], data["documents"], kind=data["kind"])


def _clean_name(name: str, limit: int = 200) -> str:
    """A display name: control characters removed, trimmed, never empty."""
    text = "".join(ch for ch in str(name) if ch.isprintable()).strip()
    return (text or "untitled")[:limit]


def read_project_file(content: bytes, file: str = "project file") -> dict:
    """Check and read a project file (see :meth:`Store.export_project`)."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError([Problem("the file is not UTF-8 text.", file=file, hint="Choose a .carbon.json file exported by carbon.")]) from None
    except json.JSONDecodeError as err:
        raise InputError([Problem(f"not JSON: {err.msg} at line {err.lineno}, column {err.colno}.", file=file, hint="Choose a .carbon.json file exported by carbon.")]) from None
    problems = []
    if not isinstance(data, dict) or data.get("format") != PROJECT_FILE_FORMAT:
        raise InputError([Problem(f"not a carbon project file (no \"format\": \"{PROJECT_FILE_FORMAT}\").", file=file, hint="Choose a .carbon.json file exported by carbon.")])
    if int(data.get("format_version", 0) or 0) > PROJECT_FILE_VERSION:
        problems.append(Problem(f"written by a newer carbon (format version {data.get('format_version')}).", file=file, hint="Update carbon to open it."))
    docs = data.get("documents")
    if not isinstance(docs, dict):
        problems.append(Problem("'documents' must be a mapping of name to {media_type, content}.", file=file, column="documents"))
    else:
        for k, v in docs.items():
            if not (isinstance(v, dict) and isinstance(v.get("content"), str) and isinstance(v.get("media_type"), str)):
                problems.append(Problem(f"document '{k}' needs text 'content' and 'media_type'.", file=file, column=f"documents.{k}"))
    if problems:
        raise InputError(problems)
    return {"name": str(data.get("name") or "imported"), "kind": str(data.get("kind") or "inventory"), "documents": docs}
