"""The CBAM teaching notebook (notebooks/04-cbam) runs without error and matches its source.

Same checks as ``tests/test_notebooks.py`` (whose helpers are fixtures and private functions
of a test module, so the minimal logic is repeated here rather than imported):

* the ``.ipynb`` equals a jupytext round trip of the ``.py`` and stores no outputs;
* it executes with nbclient in a fresh kernel of this interpreter (private kernelspec in a
  temporary ``JUPYTER_PATH``, temporary working directory, ``CARBON_ROOT`` set); any error,
  including a failed ``assert`` on a key number inside the notebook, fails the test;
* it runs as a plain script without ``CARBON_ROOT``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NAME = "04-cbam"
PY = ROOT / "notebooks" / f"{NAME}.py"
IPYNB = ROOT / "notebooks" / f"{NAME}.ipynb"
KERNEL = "tansuan-test-cbam"
TIMEOUT = 120  # per cell / per script run; the notebook runs in about 5 s

#: Key results the notebook must print (computed inside it).
EXPECTED_OUTPUT = [
    "272.293395 t",  # CO2 of category 1.1 = installation direct emissions
    "= 2.853330 t CO2/t",  # SEE direct of the bolts
    "D.4(a)",  # electricity factor rule
    "= 盤查範疇二 inventory scope 2",
    "re-read: SEE direct 2.853329662",
    "13184.072",  # default-value cost of 100 t in 2026 at EUR 80
    "installation direct 4,948.02 t",  # Commission example
]

_VERSION_LINE = re.compile(r"^#\s+(format_version|jupytext_version):.*\n", re.MULTILINE)


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """A kernelspec for this interpreter in a private JUPYTER_PATH; runtime files stay in tmp."""
    base = tmp_path_factory.mktemp("jupyter")
    spec = base / "share" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "tansuan (tests)", "language": "python"}), encoding="utf-8"
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(
            "JUPYTER_PATH", os.pathsep.join(p for p in (str(base / "share"), os.environ.get("JUPYTER_PATH")) if p)
        )
        mp.setenv("JUPYTER_RUNTIME_DIR", str(base / "runtime"))
        mp.setenv("IPYTHONDIR", str(base / "ipython"))
        mp.setenv("CARBON_ROOT", str(ROOT))
        mp.setenv("MPLBACKEND", "Agg")
        yield KERNEL


def _outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append(out.get("text", ""))
            elif "data" in out:
                parts.append(str(out["data"].get("text/plain", "")))
    return "".join(parts)


def test_ipynb_matches_py():
    py_text = PY.read_text(encoding="utf-8")
    nb = nbformat.read(IPYNB, as_version=4)
    nbformat.validate(nb)
    from_py = jupytext.reads(py_text, fmt="py:percent")
    assert [(c.cell_type, c.source) for c in nb.cells] == [(c.cell_type, c.source) for c in from_py.cells], (
        f"notebooks/{NAME}.ipynb is out of date: run `.venv/bin/jupytext --to ipynb notebooks/{NAME}.py`"
    )
    assert _VERSION_LINE.sub("", jupytext.writes(nb, fmt="py:percent")) == _VERSION_LINE.sub("", py_text)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(not c.outputs and c.execution_count is None for c in code), "store the notebook without outputs"
    assert nb.metadata["kernelspec"]["language"] == "python"


def test_notebook_executes(kernel, tmp_path):
    nb = nbformat.read(IPYNB, as_version=4)
    client = NotebookClient(
        nb, kernel_name=kernel, timeout=TIMEOUT, allow_errors=False, resources={"metadata": {"path": str(tmp_path)}}
    )
    t0 = time.perf_counter()
    client.execute()  # raises CellExecutionError on any error or failed assert
    elapsed = time.perf_counter() - t0
    print(f"{NAME}: executed in {elapsed:.1f} s")
    assert elapsed < 40
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    text = _outputs_text(nb)
    for want in EXPECTED_OUTPUT:
        assert want in text, f"{NAME}: expected output {want!r} not found"
    assert list(tmp_path.iterdir()) == [], "the notebook wrote into its working directory; write to a temp dir"


def test_runs_as_script(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CARBON_ROOT"}
    env["MPLBACKEND"] = "Agg"
    env["PYTHONIOENCODING"] = "utf-8"
    proc = subprocess.run(
        [sys.executable, str(PY)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    for want in EXPECTED_OUTPUT:
        assert want in proc.stdout, f"{NAME}: expected output {want!r} not found"
    assert list(tmp_path.iterdir()) == []
