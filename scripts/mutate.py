"""`make mutate`: mutation testing of the rule modules (not part of CI).

Each rule module is mutated one small change at a time (a comparison flipped, a number
changed, a condition negated, ... : cosmic-ray's operators) and the FAST tests that cover it
run against each mutant; a mutant the tests do not notice "survives". Only the named rule
functions are mutated (see RULES).

cosmic-ray itself would start a new pytest (and Django) for every mutant: 10-25 s each on
this machine. This runner uses cosmic-ray to find and make the mutants, and applies each one
in a forked copy of one warm process (Django set up once): the mutated function's code object
replaces the original's (so every `from x import f` sees it), a mutated module-level table is
updated in place; then pytest runs the rule's tests in that child. Nothing is written to the
source files.

    make mutate                         # every rule module
    make mutate MUTATE_ARGS="nik sla"   # some of them
    make mutate MUTATE_ARGS="--list"    # count the mutants, run nothing

Prints the score per module and writes the survivors with their diff to
.data/mutate/<module>.survivors.txt. Survivors known to be equivalent are listed with the
reason in docs/mutation-testing.md.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import importlib
import inspect
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".data" / "mutate"
# Module-level code (the transition table, the province codes) has no enclosing function.
MODULE_LEVEL = "<module>"


@dataclass(frozen=True)
class Target:
    module: str  # dotted module name (found without importing it)
    names: frozenset[str] | None  # functions/classes to mutate; None: all of the module


@dataclass(frozen=True)
class Rule:
    name: str
    targets: tuple[Target, ...]
    tests: tuple[str, ...]  # pytest arguments: files, node ids, -k expressions


def _t(module: str, *names: str) -> Target:
    return Target(module, frozenset(names) if names else None)


RULES: tuple[Rule, ...] = (
    Rule("nik", (_t("psm.nik"),), ("tests/test_nik.py",)),
    Rule(
        "workflow_table",
        (_t("cases.models.workflow"),),
        ("tests/test_workflow_table.py", "-k", "not case_transition and not finished_case"),
    ),
    Rule(
        "case_transition",
        (
            _t(
                "cases.services.workflow",
                "case_transition",
                "_mark_first_response",
                "_refuse_unknown",
                "_lock",
            ),
        ),
        (
            "tests/test_workflow_table.py",
            "tests/test_cases_workflow.py",
            # All of it: what each move writes (dates, texts, the timeline row).
            "tests/test_case_transition_effects.py",
            "-k",
            # -k also matches the module's name: every test of the effects file is chosen.
            "case_transition or finished_case or reason or closing or reopening "
            "or first_response or assignment_needs",
        ),
    ),
    Rule(
        "case_scoping",
        (
            _t(
                "cases.selectors.scoping",
                "_volunteer_kelurahan_id",
                "cases_visible_to",
                "case_get_for_user",
                "beneficiaries_visible_to",
            ),
        ),
        ("tests/test_scoping_rules.py",),
    ),
    Rule(
        "volunteer_scoping",
        (
            _t(
                "volunteers.selectors",
                "_require_officer",
                "volunteer_roster",
                "volunteer_get",
                "volunteer_for_user",
                "training_list",
                "training_get",
                "training_participant_get",
                "activity_report_list",
                "activity_report_get",
                "volunteers_not_reported",
            ),
        ),
        ("tests/test_scoping_rules.py",),
    ),
    Rule(
        "role_gates",
        (
            _t("psm.accounts.access"),
            _t("volunteers.views.common", "require_admin"),
            _t(
                "psm.accounts.models",
                "is_volunteer",
                "is_officer",
                "is_supervisor_or_admin",
                "is_admin_role",
            ),
        ),
        ("tests/test_role_gates.py",),
    ),
    Rule("sla", (_t("cases.sla"),), ("tests/test_cases_sla.py",)),
)


def module_path(module: str) -> Path:
    """psm.nik -> psm/nik.py (or a package's __init__.py), found without importing it."""
    base = Path(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if (ROOT / candidate).is_file():
            return candidate
    raise SystemExit(f"mutate: no module {module}")


def _annotation_spans(tree: ast.AST) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the type annotations are: with `from __future__ import annotations` they are
    never evaluated, so a mutant there is equivalent by construction."""
    spans = []
    for node in ast.walk(tree):
        found: list[ast.expr | None] = []
        if isinstance(node, ast.arg):
            found.append(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            found.append(node.annotation)
        for a in found:
            if a is not None and a.end_lineno is not None and a.end_col_offset is not None:
                spans.append(((a.lineno, a.col_offset), (a.end_lineno, a.end_col_offset)))
    return spans


@dataclass(frozen=True)
class Mutant:
    path: Path
    module: str
    operator: str
    args: tuple[tuple[str, object], ...]
    occurrence: int
    line: int
    col: int
    definition: str

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line} {self.definition} {self.operator}"


def mutants(rule: Rule) -> tuple[list[Mutant], dict[str, int]]:
    """The rule's mutants, and how many were left out and why."""
    from cosmic_ray.commands.init import _all_work_items

    kept: list[Mutant] = []
    left_out: dict[str, int] = {}
    for target in rule.targets:
        path = module_path(target.module)
        source = (ROOT / path).read_text(encoding="utf-8")
        tree = ast.parse(source)
        lines = source.splitlines()
        future = "from __future__ import annotations" in source
        spans = _annotation_spans(tree) if future else []
        for item in _all_work_items([ROOT / path], {}):
            for m in item.mutations:
                line, col = m.start_pos
                definition = m.definition_name or MODULE_LEVEL
                why = ""
                if target.names is not None and definition not in target.names:
                    why = "outside the rule functions"
                elif any(a <= (line, col) < b for a, b in spans):
                    why = "type annotation (never evaluated)"
                elif lines[line - 1][col:].startswith("*") and lines[line - 1][
                    col + 1 :
                ].lstrip().startswith((",", ")")):
                    why = "keyword-only marker"
                elif m.operator_name == "core/RemoveDecorator":
                    why = "decorator removal (not applied in process)"
                if why:
                    left_out[why] = left_out.get(why, 0) + 1
                    continue
                kept.append(
                    Mutant(
                        path=path,
                        module=target.module,
                        operator=m.operator_name,
                        args=tuple(sorted(m.operator_args.items())),
                        occurrence=m.occurrence,
                        line=line,
                        col=col,
                        definition=definition,
                    )
                )
    return kept, left_out


def mutated_source(mutant: Mutant) -> str:
    from cosmic_ray.mutating import mutate_code
    from cosmic_ray.plugins import get_operator

    operator = get_operator(mutant.operator)(**dict(mutant.args))
    source = (ROOT / mutant.path).read_text(encoding="utf-8")
    code = mutate_code(source, operator, mutant.occurrence)
    if code is None:
        raise RuntimeError(f"no mutation at {mutant.where}")
    return code


def _swap(old: Any, new: Any) -> None:
    old, new = inspect.unwrap(old), inspect.unwrap(new)
    for kind in (property,):
        if isinstance(old, kind):
            _swap(old.fget, new.fget)
            return
    if isinstance(old, (staticmethod, classmethod)):
        _swap(old.__func__, new.__func__)
        return
    old.__code__ = new.__code__
    old.__defaults__ = new.__defaults__
    old.__kwdefaults__ = new.__kwdefaults__


def _statement(body: list[ast.stmt], line: int) -> tuple[int, ast.stmt]:
    for i, stmt in enumerate(body):
        first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", []))])
        if first <= line <= (stmt.end_lineno or stmt.lineno):
            return i, stmt
    raise LookupError(line)


def apply(mutant: Mutant) -> str:
    """Put the mutant in place in this process; returns its diff."""
    module = importlib.import_module(mutant.module)
    original = (ROOT / mutant.path).read_text(encoding="utf-8")
    changed = mutated_source(mutant)
    old_tree, new_tree = ast.parse(original), ast.parse(changed)
    index, old_stmt = _statement(old_tree.body, mutant.line)
    new_stmt = new_tree.body[index]
    namespace = dict(module.__dict__)
    filename = str(ROOT / mutant.path)
    if isinstance(old_stmt, ast.ClassDef):
        _i, old_def = _statement(old_stmt.body, mutant.line)
        new_def = cast(ast.ClassDef, new_stmt).body[_i]
        code = compile(ast.Module(body=[new_def], type_ignores=[]), filename, "exec")
        exec(code, namespace)  # noqa: S102 - the mutant, compiled from our own source
        name = cast(ast.FunctionDef, old_def).name
        _swap(getattr(module, old_stmt.name).__dict__[name], namespace[name])
    else:
        code = compile(ast.Module(body=[new_stmt], type_ignores=[]), filename, "exec")
        exec(code, namespace)  # noqa: S102 - the mutant, compiled from our own source
        if isinstance(old_stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _swap(module.__dict__[old_stmt.name], namespace[old_stmt.name])
        else:
            for node in ast.walk(old_stmt):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    old, new = module.__dict__.get(node.id), namespace[node.id]
                    if isinstance(old, dict):
                        old.clear()
                        old.update(new)
                    else:
                        setattr(module, node.id, new)
    diff = difflib.unified_diff(
        original.splitlines(keepends=True),
        changed.splitlines(keepends=True),
        str(mutant.path),
        str(mutant.path),
        n=1,
    )
    return "".join(diff)


# --- the runner: one pytest per rule; a forked child per mutant ---------------------------
# `pytest -p mutate` (this file, on PYTHONPATH) with MUTATE_RULE set: collection, Django and
# the test database are set up once; the tests run once unmutated in the parent (session
# fixtures stay up), then each mutant runs them in a fork, stopping at the first failure.


def _run_items(session: Any, items: list[Any]) -> int | None:
    """Run `items` in this order, stopping at the first failure; its index, or None."""
    failed = session.testsfailed
    for i, item in enumerate(items):
        # nextitem is never None: session fixtures (the test database) stay set up.
        nextitem = items[i + 1] if i + 1 < len(items) else items[0]
        item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
        if session.testsfailed > failed:
            return i
    return None


def _in_child(
    session: Any, items: list[Any], mutant: Mutant, log: Path, timeout: float
) -> tuple[str, str, int | None]:
    from django.db import connections

    connections.close_all()  # the child opens its own
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        code = 99
        try:
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            try:
                diff = apply(mutant)
            except Exception:  # noqa: BLE001 - a mutant that does not even load is killed
                import traceback

                traceback.print_exc()
                os.write(write, b"(did not load)")
                code = 98
            else:
                print(f"=== {mutant.where}", flush=True)
                killer = _run_items(session, items)
                os.write(write, f"{-1 if killer is None else killer}\n".encode())
                os.write(write, diff.encode("utf-8"))
                code = 0 if killer is None else 1
        finally:
            os.close(write)
            os._exit(code)
    os.close(write)
    deadline = time.monotonic() + timeout
    status: int | None = None
    while status is None:
        done, raw = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(raw)
        elif time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            status = -1
        else:
            time.sleep(0.02)
    with os.fdopen(read, "rb") as pipe:
        text = pipe.read().decode("utf-8", errors="replace")
    first, _, diff = text.partition("\n")
    killer = int(first) if first.lstrip("-").isdigit() and int(first) >= 0 else None
    outcome = {0: "survived", 1: "killed", 98: "killed", -1: "timeout"}.get(status, "error")
    return outcome, diff or text, killer


def pytest_runtestloop(session: Any) -> bool:
    import json

    from django.db import connections

    rule = {r.name: r for r in RULES}[os.environ["MUTATE_RULE"]]
    out = Path(os.environ["MUTATE_OUT"])
    log = WORK / f"{rule.name}.log"
    found, left_out = mutants(rule)
    started = time.monotonic()
    items = list(session.items)
    if _run_items(session, items) is not None:
        out.write_text(json.dumps({"baseline_failed": True}), encoding="utf-8")
        return True
    baseline = time.monotonic() - started
    connections.close_all()
    results: list[dict[str, str]] = []
    counts: dict[str, int] = {}
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    for n, mutant in enumerate(found, start=1):
        outcome, diff, killer = _in_child(
            session, items, mutant, log, timeout=max(60.0, 5 * baseline)
        )
        if killer is not None:  # the test that killed this mutant runs first for the next
            items.insert(0, items.pop(killer))
        counts[outcome] = counts.get(outcome, 0) + 1
        results.append({"where": mutant.where, "outcome": outcome, "diff": diff})
        if n % 20 == 0 and reporter is not None:
            reporter.write_line(f"mutate {rule.name}: {n}/{len(found)} {counts}")
    out.write_text(
        json.dumps({"results": results, "left_out": left_out, "baseline": baseline}),
        encoding="utf-8",
    )
    return True


def run(rules: list[Rule], *, list_only: bool) -> int:
    import json
    import subprocess

    WORK.mkdir(parents=True, exist_ok=True)
    summary = []
    started_all = time.monotonic()
    for rule in rules:
        found, left_out = mutants(rule)
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(left_out.items()))
        if list_only:
            print(f"{rule.name:<18} {len(found):>4} mutants (left out: {skipped or 'none'})")
            continue
        out = WORK / f"{rule.name}.json"
        out.unlink(missing_ok=True)
        (WORK / f"{rule.name}.log").write_text("", encoding="utf-8")
        base = os.environ.get("PSM_TEST_DB_NAME", "test_psm")
        env = {
            **os.environ,
            "MUTATE_RULE": rule.name,
            "MUTATE_OUT": str(out),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "scripts"), str(ROOT)]),
            "PSM_TEST_DB_NAME": base if base.endswith("_mutate") else f"{base}_mutate",
        }
        started = time.monotonic()
        subprocess.run(  # noqa: S603 - our own interpreter and tests
            [
                sys.executable,
                "-m",
                "pytest",
                "-p",
                "mutate",
                "-q",
                "-p",
                "no:cacheprovider",
                "--reuse-db",
                "-o",
                "addopts=",
                "--timeout=600",
                *rule.tests,
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
        seconds = time.monotonic() - started
        if not out.exists() or json.loads(out.read_text()).get("baseline_failed"):
            print(f"mutate: {rule.name}: the tests fail without any mutant (see above)")
            return 1
        data = json.loads(out.read_text())
        survivors = [r for r in data["results"] if r["outcome"] == "survived"]
        errors = [r for r in data["results"] if r["outcome"] == "error"]
        report = WORK / f"{rule.name}.survivors.txt"
        report.write_text(
            "".join(f"=== {r['where']}\n{r['diff']}\n" for r in survivors)
            + "".join(f"=== ERROR {r['where']}\n{r['diff']}\n" for r in errors),
            encoding="utf-8",
        )
        total = len(data["results"]) - len(errors)
        killed = total - len(survivors)
        score = 100.0 * killed / total if total else 100.0
        summary.append((rule.name, killed, total, score, seconds))
        print(
            f"mutate: {rule.name}: {killed}/{total} killed ({score:.1f} %) in {seconds:.0f} s"
            f" (left out: {skipped or 'none'}; errors: {len(errors)});"
            f" survivors in {report.relative_to(ROOT)}",
            flush=True,
        )
    if list_only:
        return 0
    killed = sum(s[1] for s in summary)
    total = sum(s[2] for s in summary)
    print("\nmodule               killed  mutants   score     time")
    for name, k, t, score, seconds in summary:
        print(f"{name:<20} {k:>6} {t:>8} {score:>6.1f} % {seconds:>6.0f} s")
    overall = 100.0 * killed / total if total else 100.0
    elapsed = time.monotonic() - started_all
    print(f"{'overall':<20} {killed:>6} {total:>8} {overall:>6.1f} % {elapsed:>6.0f} s")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("rules", nargs="*", help=f"some of: {' '.join(r.name for r in RULES)}")
    parser.add_argument("--list", action="store_true", help="count the mutants, run nothing")
    args = parser.parse_args()
    known = {r.name: r for r in RULES}
    unknown = [n for n in args.rules if n not in known]
    if unknown:
        parser.error(f"unknown rule modules {unknown}; choose from {sorted(known)}")
    chosen = [known[n] for n in args.rules] if args.rules else list(RULES)
    return run(chosen, list_only=args.list)


if __name__ == "__main__":
    sys.exit(main())
