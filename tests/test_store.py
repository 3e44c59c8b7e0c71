"""The project store against SQLite and a real PostgreSQL server this suite starts itself."""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from carbon.errors import InputError
from carbon.store import ProjectNotFoundError, StaleVersionError, Store, StoreError, current_revision, default_url
from carbon.store.documents import document_to_project, project_to_document
from carbon.store.engine import normalise_url

ROOT = Path(__file__).resolve().parent.parent
MOENV_SAMPLE = ROOT / "factors" / "sources" / "taiwan" / "moenv-inventory-workbook-sample.ods"
EXAMPLE = ROOT / "examples" / "demo-factory.yaml"


# -- a real PostgreSQL server (Debian's postgresql package) ---------------------------
def _pg_bindir() -> Path | None:
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True):
        if Path(d, "initdb").exists() and Path(d, "pg_ctl").exists():
            return Path(d)
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server():
    """initdb into a temporary folder and start postgres on a loopback port; stopped at the end.

    PostgreSQL refuses to run as root, so under root (CI, `make test`) the server runs as
    the `postgres` system user the Debian package creates; otherwise as the current user.
    """
    bindir = _pg_bindir()
    if bindir is None:
        pytest.fail("PostgreSQL is not installed: `make sysdeps` installs Debian's postgresql package (the store's tests need a real server).")
    run_as: dict = {}
    base = Path(tempfile.mkdtemp(prefix="carbon-pg-"))
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(base, pw.pw_uid, pw.pw_gid)
        run_as = {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}
    data, port = base / "data", _free_port()
    env = {**os.environ, "LC_ALL": "C", "HOME": str(base)}
    subprocess.run([bindir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], check=True, capture_output=True, env=env, cwd=base, **run_as)
    opts = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run([bindir / "pg_ctl", "-D", data, "-o", opts, "-l", base / "server.log", "-w", "-t", "60", "start"], check=True, capture_output=True, env=env, cwd=base, **run_as)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run([bindir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"], capture_output=True, env=env, cwd=base, **run_as)
        shutil.rmtree(base, ignore_errors=True)


def _fresh_pg_database(server: str) -> str:
    name = "t_" + uuid.uuid4().hex[:12]
    eng = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    eng.dispose()
    return f"{server}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'carbon.db'}"
    return _fresh_pg_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.close()


# -- tests ---------------------------------------------------------------------------
def test_schema_is_migrated_to_head_with_every_table(store):
    assert current_revision(store.engine) == "0002"
    names = set(inspect(store.engine).get_table_names())
    assert {"projects", "project_documents", "revisions", "uploads", "results", "reports", "alembic_version"} <= names


def test_upgrade_twice_and_concurrently_is_harmless(db_url):
    errors = []

    def open_store():
        try:
            Store(db_url).close()
        except Exception as err:  # collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=open_store) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    s = Store(db_url)
    assert current_revision(s.engine) == "0002"
    s.close()


def test_create_list_open_rename_duplicate(store):
    a = store.create_project("工廠 A", {"inventory": {"sources": [{"source_id": "S1"}]}})
    b = store.create_project("Factory B", {"inventory": {"sources": []}})
    assert a.version == 1 and len(a.id) == 32
    assert {p.name for p in store.list_projects()} == {"工廠 A", "Factory B"}
    info, docs = store.documents(a.id)
    assert info.name == "工廠 A" and json.loads(docs["inventory"]) == {"sources": [{"source_id": "S1"}]}
    r = store.rename(a.id, "工廠 A2", expected_version=1)
    assert (r.name, r.version) == ("工廠 A2", 2)
    d = store.duplicate(a.id)
    assert d.name == "工廠 A2 (copy)" and d.parent_id == a.id and d.id != a.id
    assert json.loads(store.document(d.id, "inventory")[0]) == {"sources": [{"source_id": "S1"}]}
    assert store.document(b.id, "cbam") == (None, 1)


def test_stale_write_is_refused_and_changes_nothing(db_url):
    s1, s2 = Store(db_url), Store(db_url, migrate=False)  # two app processes on one database
    p = s1.create_project("P", {"inventory": {"v": 1}})
    s1.save_documents(p.id, {"inventory": {"v": "tab 1"}}, expected_version=p.version)
    with pytest.raises(StaleVersionError, match=r"was changed elsewhere \(now version 2, this edit was based on version 1\)") as exc:
        s2.save_documents(p.id, {"inventory": {"v": "tab 2"}}, expected_version=p.version)
    assert exc.value.actual == 2 and exc.value.expected == 1
    assert json.loads(s2.document(p.id, "inventory")[0]) == {"v": "tab 1"}
    with pytest.raises(StaleVersionError):
        s2.rename(p.id, "x", expected_version=1)
    assert s1.info(p.id).name == "P"
    s1.close()
    s2.close()


def test_concurrent_writers_exactly_one_wins(db_url):
    s0 = Store(db_url)
    p = s0.create_project("P", {"inventory": {"v": 0}})
    stores = [Store(db_url, migrate=False) for _ in range(4)]
    outcome: list[str] = []

    def write(i: int) -> None:
        try:
            stores[i].save_documents(p.id, {"inventory": {"v": i}}, expected_version=1)
            outcome.append("ok")
        except StaleVersionError:
            outcome.append("stale")

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcome) == ["ok", "stale", "stale", "stale"]
    assert s0.info(p.id).version == 2
    for s in [s0, *stores]:
        s.close()


def test_delete_restore_purge(store):
    p = store.create_project("P", {"inventory": {}})
    store.delete(p.id, expected_version=1)
    assert store.list_projects() == []
    assert [x.name for x in store.list_projects(include_deleted=True)] == ["P"]
    with pytest.raises(ProjectNotFoundError, match="no project with id"):
        store.info(p.id)
    r = store.restore(p.id)
    assert r.deleted_at is None and r.version == 3
    with pytest.raises(StoreError, match="not deleted"):
        store.purge(p.id)
    store.delete(p.id)
    store.purge(p.id)
    assert store.list_projects(include_deleted=True) == []


def test_undo_walks_back_through_edits_and_renames(store):
    p = store.create_project("P", {"inventory": {"v": 1}})
    v2 = store.save_documents(p.id, {"inventory": {"v": 2}}, expected_version=1)
    v3 = store.rename(p.id, "Q", expected_version=v2.version)
    v4 = store.save_documents(p.id, {"inventory": {"v": 3}, "cbam": {"x": 1}}, expected_version=v3.version)
    u = store.undo(p.id, expected_version=v4.version)
    assert (u.name, json.loads(store.document(p.id, "inventory")[0]), store.document(p.id, "cbam")[0]) == ("Q", {"v": 2}, None)
    u = store.undo(p.id, expected_version=u.version)
    assert (u.name, json.loads(store.document(p.id, "inventory")[0])) == ("P", {"v": 2})
    u = store.undo(p.id, expected_version=u.version)
    assert (u.name, json.loads(store.document(p.id, "inventory")[0])) == ("P", {"v": 1})
    with pytest.raises(StoreError, match="nothing to undo"):
        store.undo(p.id, expected_version=u.version)
    actions = [h["action"] for h in store.history(p.id)]
    assert actions == ["undo: back to version 1", "undo: back to version 2", "undo: back to version 3", "edit", "rename", "edit", "create"]


def test_export_import_round_trip_and_bad_files(store):
    p = store.create_project("出口 Export", {"inventory": {"sources": [{"source_id": "S1", "name": "=cmd|' /C calc'!A0"}]}})
    blob = store.export_project(p.id)
    q = store.import_project(blob)
    assert q.name == "出口 Export" and q.id != p.id
    assert store.document(q.id, "inventory")[0] == store.document(p.id, "inventory")[0]
    with pytest.raises(InputError, match="not JSON"):
        store.import_project(b"{oops", file="x.carbon.json")
    with pytest.raises(InputError, match="not a carbon project file"):
        store.import_project(b'{"a": 1}')
    with pytest.raises(InputError, match="not UTF-8"):
        store.import_project("名稱".encode("big5"))
    bad = json.dumps({"format": "carbon-project", "documents": {"inventory": {"content": 3}}}).encode()
    with pytest.raises(InputError, match="document 'inventory' needs text 'content'"):
        store.import_project(bad)


def test_uploads_kept_under_generated_id_never_the_client_name(store):
    p = store.create_project("P", {})
    uid = store.add_upload(p.id, "../../etc/x.csv", b"a,b\n1,2\n", "text/csv")
    ups = store.uploads(p.id)
    assert ups[0]["id"] == uid and len(uid) == 32 and uid.isalnum()
    assert ups[0]["name"] == "x.csv" and ups[0]["size"] == 8


def test_results_and_report_history(store):
    p = store.create_project("P", {})
    store.save_result(p.id, 1, "inventory", {"gwp_set": "AR6", "rounding": "moenv"}, {"total_tco2e": 1.5})
    store.save_result(p.id, 1, "inventory", {"gwp_set": "AR5", "rounding": "moenv"}, {"total_tco2e": 2.5})
    assert store.latest_result(p.id, "inventory")["summary"] == {"total_tco2e": 2.5}
    assert store.latest_result(p.id, "cbam") is None
    store.add_report(p.id, 1, "records", "csv", "zh-TW", "records.csv", b"abc")
    assert [(r["filename"], r["size"]) for r in store.reports(p.id)] == [("records.csv", 3)]


def test_moenv_sample_through_the_store_keeps_48925_715(store):
    from carbon.formats.project import read_project
    from carbon.inventory import calculate

    doc = project_to_document(read_project(MOENV_SAMPLE))
    p = store.create_project("MOENV sample", {"inventory": doc})
    text_ = store.document(p.id, "inventory")[0]
    project = document_to_project(text_, label="MOENV sample")
    assert calculate(project, rounding="moenv").total_tco2e == pytest.approx(48925.715, abs=5e-4)
    assert project.origin["file"] == "MOENV sample"


def test_document_problems_name_the_source_row_not_a_server_path():
    from carbon.formats.project import read_project

    doc = project_to_document(read_project(EXAMPLE))
    doc["sources"][2]["iso_category"] = "9.9"
    from carbon.inventory import calculate

    with pytest.raises(InputError) as exc:
        calculate(document_to_project(doc, label="Demo"))
    p = exc.value.problems[0]
    assert (p.file, p.row, p.column) == ("Demo", 3, "iso_category")
    assert "/tmp" not in str(exc.value)


def test_default_url_and_postgres_url_normalised(monkeypatch, tmp_path):
    monkeypatch.delenv("CARBON_DATABASE_URL", raising=False)
    monkeypatch.setenv("CARBON_DATA_DIR", str(tmp_path / "d"))
    assert default_url() == f"sqlite:///{tmp_path / 'd' / 'carbon.db'}"
    monkeypatch.delenv("CARBON_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "x"))
    assert default_url() == f"sqlite:///{tmp_path / 'x' / 'tansuan' / 'carbon.db'}"
    monkeypatch.setenv("CARBON_DATABASE_URL", "postgresql://u@h/db")
    assert default_url() == "postgresql://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    s = Store(f"sqlite:///{tmp_path / 'new' / 'sub' / 'c.db'}")
    assert (tmp_path / "new" / "sub" / "c.db").exists()
    s.close()
