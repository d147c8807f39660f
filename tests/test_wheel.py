"""A wheel that works: built from this checkout, installed into a fresh virtualenv outside the repository,
it checks the shipped standards, loads the demo and writes the notice with nothing but its own files.

The fresh environment gets the project's dependencies from the running interpreter's site-packages
through a plain path line (no network, no download), and none of this checkout: the command runs from a
temporary folder, with the wheel's `scoring` first on the path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import docx

from scoring.demo.campaign import CAMPAIGN_NAMES

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done


def test_the_wheel_runs_the_standards_check_the_demo_and_the_notice(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CASEREVIEW_DB_URL", "CASEREVIEW_RUBRICS")}
    source = tmp_path / "source"  # a clean copy: no build/ left over from an earlier build
    shutil.copytree(ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", "*.db", "test-artifacts"))
    _run([sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-q", str(source), "-w",
          str(wheels)], tmp_path, env)
    [wheel] = wheels.glob("casereview-*.whl")

    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    py = target / "bin" / "python"
    site = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path, env)
                .stdout.strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")  # dependencies only: a plain path
    _run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", "--no-index", str(wheel)],
         tmp_path, env)

    work = tmp_path / "elsewhere"
    work.mkdir()
    where = _run([str(py), "-c", "import scoring, scoring.shipped as s; print(scoring.__file__); print(s.rubrics_dir())"],
                 work, env).stdout.splitlines()
    assert all(str(site) in line for line in where) and str(ROOT) not in "".join(where)

    casereview = [str(target / "bin" / "casereview")]
    env["CASEREVIEW_DB_URL"] = f"sqlite:///{work / 'demo.db'}"
    checked = _run([*casereview, "rubric", "check"], work, env)
    assert "penalty-general" in checked.stdout or "ok" in checked.stdout.lower()
    _run([*casereview, "demo"], work, env)
    out = work / "通报.docx"
    _run([*casereview, "report", "notice", "--campaign", CAMPAIGN_NAMES[-1], "-o", str(out)], work, env)
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "评查" in text and "通报" in text

