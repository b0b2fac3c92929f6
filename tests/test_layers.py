"""The layers contract (pyproject.toml [tool.importlinter], run by `make lint`) holds and bites.

psm sits below volunteers, below cases, below reports: an upward import must fail the lint.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_upward_import_fails_the_layers_contract(tmp_path: Path):
    for package in ("psm", "cases", "volunteers", "reports"):
        shutil.copytree(
            REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    kept = _lint(tmp_path)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    # psm reaching up into cases (as psm.views once imported cases.selectors.home).
    (tmp_path / "psm" / "upward_probe.py").write_text(
        "from cases.selectors import home  # noqa: F401\n"
    )
    broken = _lint(tmp_path)
    assert broken.returncode != 0
    assert "psm.upward_probe -> cases.selectors.home" in broken.stdout


def test_cases_reaching_up_into_reports_fails_the_layers_contract(tmp_path: Path):
    for package in ("psm", "cases", "volunteers", "reports"):
        shutil.copytree(
            REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    (tmp_path / "cases" / "upward_probe.py").write_text(
        "from reports import dashboard  # noqa: F401\n"
    )
    broken = _lint(tmp_path)
    assert broken.returncode != 0
    assert "cases.upward_probe -> reports.dashboard" in broken.stdout
