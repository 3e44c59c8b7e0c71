"""The README's commands work as written, in order, from the repository folder.

Every code block preceded by ``<!-- readme-test -->`` is run: shell blocks line by line
(``carbon …`` through the installed ``carbon`` command, as after ``make run``), Python blocks as
a script.  They run in a temporary folder that links ``examples/`` and ``factors/`` of the
repository, so files the commands write land there and never in the repository.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"<!-- readme-test -->\n```(\w+)\n(.*?)```", README, flags=re.DOTALL)


def _carbon() -> list[str]:
    exe = Path(sys.executable).with_name("carbon")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "carbon.cli"]


def _steps() -> list[tuple[str, object]]:
    steps = []
    for lang, body in BLOCKS:
        if lang == "sh":
            for line in body.splitlines():
                argv = shlex.split(line, comments=True)
                if argv:
                    steps.append(("sh", argv))
        elif lang == "python":
            steps.append(("python", body))
    return steps


def test_readme_says_how_to_run_the_cli():
    assert "`.venv/bin/carbon …`" in README
    assert "source .venv/bin/activate" in README
    assert len(BLOCKS) >= 4
    assert all(argv[0] == "carbon" for kind, argv in _steps() if kind == "sh"), "tested shell lines are carbon commands"


@pytest.mark.slow
def test_readme_commands_in_order(tmp_path):
    for d in ("examples", "factors"):
        (tmp_path / d).symlink_to(ROOT / d, target_is_directory=True)
    steps = _steps()
    assert len(steps) >= 15
    for kind, step in steps:
        if kind == "sh":
            args = _carbon() + step[1:]
            shown = " ".join(step)
        else:
            args = [sys.executable, "-c", step]
            shown = "the Python block"
        out = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", check=False, timeout=600)
        assert out.returncode == 0, f"{shown}\n{out.stderr[-3000:]}"
        assert "Traceback" not in out.stderr, shown
        if kind == "sh" and "--json" in step:
            data = json.loads(out.stdout)
            if "moenv-inventory-workbook-sample.ods" in shown and "calc" in step:
                assert data["total_tco2e"] == pytest.approx(48925.715, abs=5e-4)  # the sample's published total
        if kind == "sh" and "-o" in step:
            assert (tmp_path / step[step.index("-o") + 1]).stat().st_size > 0, shown
    written = {step[step.index("-o") + 1] for kind, step in steps if kind == "sh" and "-o" in step}
    assert written >= {"盤查.xlsx", "清冊-carbon.xlsx", "communication.xlsx", "盤查報告書.docx"}
    assert {p.name for p in tmp_path.iterdir()} == {"examples", "factors"} | written  # nothing else is written
