"""The layers contract (pyproject.toml [tool.importlinter], run by `make lint`) holds and bites.

psm sits below volunteers, below cases, below reports: an upward import must fail the lint.
"""

from __future__ import annotations

import ast
import os
import re
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


# --- No HTML drawn in Python outside psm/ui ---------------------------------------------------

# Calls that draw markup; an HTML tag in a string literal (docstrings and comments aside).
MARKUP_CALLS = {"format_html", "format_html_join", "mark_safe"}
# HTML's elements by name: a URL pattern's <uidb64> or <int:pk> is not one.
HTML_TAG = re.compile(
    r"</?(?:a|b|br|button|code|datalist|div|em|fieldset|form|h[1-6]|i|img|input|label|legend"
    r"|li|ol|option|p|script|select|small|span|strong|style|table|tbody|td|textarea|th|thead"
    r"|tr|ul)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
APPS = ("psm", "cases", "volunteers", "reports")
# Modules allowed to draw markup, each with why. Empty today: the admin draws none and
# json_script (field_tags) is Django's own. Add "path": "why" only when psm.ui cannot hold it.
ALLOWED: dict[str, str] = {}


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            if isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                ids.add(id(body[0].value))
    return ids


def markup_drawn_in(source: str) -> list[str]:
    """What in a module's code draws HTML: markup calls and tags in string literals."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in MARKUP_CALLS:
                found.append(f"line {node.lineno}: {name}()")
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
        ):
            if HTML_TAG.search(node.value):
                found.append(f"line {node.lineno}: {node.value[:60]!r}")
    return found


def test_no_markup_is_drawn_in_python_outside_psm_ui():
    offenders = {}
    for app in APPS:
        for path in sorted((REPO / app).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if rel.startswith("psm/ui/") or "/migrations/" in rel or rel in ALLOWED:
                continue
            found = markup_drawn_in(path.read_text())
            if found:
                offenders[rel] = found
    assert not offenders, f"HTML drawn in Python outside psm/ui: {offenders}"


def test_the_markup_check_sees_a_drawn_tag_and_not_a_docstring():
    assert markup_drawn_in('"""A <tr> in a docstring."""\nX = 1\n') == []
    assert markup_drawn_in('path = "reset/<uidb64>/<int:pk>/"\n') == []
    assert markup_drawn_in("from x import format_html\nformat_html('{}', 1)\n")
    assert markup_drawn_in("CELL = '<td class=\"c\">'\n")
