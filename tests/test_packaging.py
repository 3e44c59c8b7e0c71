"""A wheel carries the factor library: installed outside the repository, carbon still works."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_with_its_data(tmp_path):
    wheels, prefix = tmp_path / "wheels", tmp_path / "prefix"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)], capture_output=True, text=True, check=False)
    assert build.returncode == 0, build.stderr[-3000:]
    (whl,) = wheels.glob("tansuan-*.whl")
    inst = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--prefix", str(prefix), str(whl)], capture_output=True, text=True, check=False)
    assert inst.returncode == 0, inst.stderr[-3000:]
    site = next(prefix.glob("lib/python3*/site-packages"))
    code = (
        "import carbon, carbon.cbam, carbon.formats.cbam_template, carbon.paths as p;"
        "print(p.FACTORS_DIR);"
        "print(carbon.load_registry().get('moenv-2024/diesel-stationary').gases['CO2'].value);"
        "print(carbon.cbam.legal_constants().f_co2_c);"
        "print(carbon.formats.cbam_template.BLANK_TEMPLATE.exists())"
    )
    env = {k: v for k, v in os.environ.items() if k != "CARBON_FACTORS_DIR"} | {"PYTHONPATH": str(site)}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.split()
    assert Path(lines[0]) == prefix / "share" / "tansuan" / "factors"
    assert lines[1:] == ["74100.0", "3.664", "True"]
