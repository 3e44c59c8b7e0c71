"""A wheel carries the factor library: installed outside the repository, carbon still works.

The wheel is built without build isolation and installed without an index into a separate,
temporary virtual environment, so the test needs no network and leaves the developer's
``.venv`` (and its editable install) untouched.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(args, **kw):
    out = subprocess.run(args, capture_output=True, text=True, check=False, **kw)
    assert out.returncode == 0, (out.stdout + out.stderr)[-3000:]
    return out


@pytest.mark.slow
def test_wheel_installs_with_its_data(tmp_path):
    import carbon

    editable_before = Path(carbon.__file__).resolve()
    wheels, venv, src = tmp_path / "wheels", tmp_path / "venv", tmp_path / "src"
    # build from a copy: setuptools writes build/ and *.egg-info next to the sources
    skip = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "artifacts", "__pycache__", ".*_cache", "node_modules")
    shutil.copytree(ROOT, src, ignore=skip)
    offline = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")} | {"PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(wheels), str(src)], env=offline, cwd=tmp_path)
    (whl,) = wheels.glob("tansuan-*.whl")
    _run([sys.executable, "-m", "venv", str(venv)])
    vpy = venv / "bin" / "python"
    _run([str(vpy), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(whl)], env=offline)
    # the dependencies (numpy, pandas …) come from this environment's site-packages, read-only
    deps = sysconfig.get_paths()["purelib"]
    code = (
        "import carbon, carbon.cbam, carbon.formats.cbam_template, carbon.paths as p;"
        "print(carbon.__file__);"
        "print(p.FACTORS_DIR);"
        "print(carbon.load_registry().get('moenv-2024/diesel-stationary').gases['CO2'].value);"
        "print(carbon.cbam.legal_constants().f_co2_c);"
        "print(carbon.formats.cbam_template.BLANK_TEMPLATE.exists())"
    )
    env = {k: v for k, v in os.environ.items() if k != "CARBON_FACTORS_DIR"} | {"PYTHONPATH": deps}
    out = _run([str(vpy), "-c", code], cwd=tmp_path, env=env)
    lines = out.stdout.split()
    assert Path(lines[0]).resolve().is_relative_to(venv.resolve())
    assert Path(lines[1]) == venv / "share" / "tansuan" / "factors"
    assert lines[2:] == ["74100.0", "3.664", "True"]
    # the developer's editable install is still the one this environment imports
    check = _run([sys.executable, "-c", "import carbon; print(carbon.__file__)"], cwd=tmp_path)
    assert Path(check.stdout.strip()).resolve() == editable_before
    assert editable_before.is_relative_to(ROOT)
