"""The teaching notebooks (notebooks/*.ipynb) run without error and match their sources.

Each notebook is written as a jupytext ``py:percent`` file (the source of truth) and
the ``.ipynb`` is generated from it with ``jupytext --to ipynb notebooks/X.py``.
Here every ``.ipynb`` is

* compared with its ``.py`` (a jupytext round trip must give the same text, so the two
  never drift), and checked to store no outputs;
* executed with nbclient in a fresh kernel of this interpreter (a private kernelspec in
  a temporary ``JUPYTER_PATH``), with a temporary working directory; any error,
  including a failed ``assert`` on a key number inside the notebook, fails the test;
* run as a plain script (``python notebooks/X.py``) from another directory, as
  notebooks/README.md says: the notebook finds the repository through the installed carbon.
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
NOTEBOOKS = ROOT / "notebooks"
NAMES = ("01-factors", "02-inventory", "03-product", "04-cbam", "05-diagnosis")
KERNEL = "tansuan-test"
#: Seconds allowed per cell and per script run (each notebook runs in well under 30 s).
TIMEOUT = 120

#: Text each notebook must print: key results computed inside the notebook.
EXPECTED_OUTPUT = {
    "01-factors": ["= 2.606031792 kg CO2/L", "tw-grid/2025", "GasMixError", "life-cycle"],
    "02-inventory": ["48,925.715", "13,765.1339", "35,160.5814", "7.159", "sheet '排放源', row 2, column '活動數據'"],
    "03-product": [
        "1 kg 螺絲 M8 (cradle-to-gate, GWP MOENV-2024): 4.675756 kg CO2e",
        "geometric series after 60 rounds: 4.675756131; exact solve: 4.675756131",  # scrap loop
        "factory total 3,282.544 t CO2e = 熱處理 1,313.018 + 其他產品 (螺帽、華司) 1,969.527",
        "31.5 t*km × 0.131 kg CO2e/tkm",  # transport
        "PACT pCfExcludingBiogenic = 4.67575433613 kg CO2e per kilogram",  # AR6 with fossil CH4 29.8 (Table 7.15)
    ],
    "04-cbam": [
        "272.293395 t",  # CO2 of category 1.1 = installation direct emissions
        "= 2.853330 t CO2/t",  # SEE direct of the bolts
        "D.4(a)",  # electricity factor rule
        "= 盤查範疇二 inventory scope 2",
        "re-read: SEE direct 2.853329662",
        "13184.072",  # default-value cost of 100 t in 2026 at EUR 80
        "installation direct 4,948.02 t",  # Commission example
    ],
    "05-diagnosis": [
        "activity -1,769.414, factor edition -378.000, method -3.552",  # dyeing: why emissions changed vs 2022 (AR4 → MOENV-2024 GWPs)
        "= NT$1,067,274",  # carbon fee before the measures
        "remaining gap:",  # −40 % by 2030
        "overlap 20.3976 t",  # compressed air: leak repair + sequencing together vs apart
        "= 20.3976 t",  # f1 × f2 × load × factor
    ],
}

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


@pytest.mark.parametrize("name", NAMES)
def test_ipynb_matches_py(name):
    py_text = (NOTEBOOKS / f"{name}.py").read_text(encoding="utf-8")
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    # cell by cell, then the whole text (jupytext version stamps aside)
    from_py = jupytext.reads(py_text, fmt="py:percent")
    assert [(c.cell_type, c.source) for c in nb.cells] == [(c.cell_type, c.source) for c in from_py.cells], (
        f"notebooks/{name}.ipynb is out of date: run `.venv/bin/jupytext --to ipynb notebooks/{name}.py`"
    )
    assert _VERSION_LINE.sub("", jupytext.writes(nb, fmt="py:percent")) == _VERSION_LINE.sub("", py_text)
    # committed without outputs
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert nb.metadata["kernelspec"]["language"] == "python"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_executes(name, kernel, tmp_path):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    client = NotebookClient(
        nb, kernel_name=kernel, timeout=TIMEOUT, allow_errors=False, resources={"metadata": {"path": str(tmp_path)}}
    )
    t0 = time.perf_counter()
    client.execute()  # raises CellExecutionError on any error or failed assert
    elapsed = time.perf_counter() - t0
    print(f"{name}: executed in {elapsed:.1f} s")
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    text = _outputs_text(nb)
    for want in EXPECTED_OUTPUT[name]:
        assert want in text, f"{name}: expected output {want!r} not found"
    assert list(tmp_path.iterdir()) == [], "a notebook wrote into its working directory; write to a temp dir"


@pytest.mark.parametrize("name", NAMES)
def test_runs_as_script(name, tmp_path):
    env = dict(os.environ)
    env["MPLBACKEND"] = "Agg"
    env["PYTHONIOENCODING"] = "utf-8"
    proc = subprocess.run(
        [sys.executable, str(NOTEBOOKS / f"{name}.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    for want in EXPECTED_OUTPUT[name]:
        assert want in proc.stdout, f"{name}: expected output {want!r} not found"
