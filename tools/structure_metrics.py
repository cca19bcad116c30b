"""Structure figures of the package (issue 14), measured the same way before and after.

    python tools/structure_metrics.py [--mypy]

- files over 400 lines (the code is formatted at 100 columns by ``ruff format``);
- functions (and methods) over 60 lines, decorators excluded;
- ``# type: ignore`` comments, and how many of them carry no error code;
- mypy errors (only with ``--mypy``: it takes minutes), run as
  ``mypy evaluator_app --ignore-missing-imports`` with no configuration file so the figure
  compares with the issue's, and, once pyproject.toml configures mypy, as CI runs it;
- the places an artefact kind is spelled: for each kind, the files outside the dataclass
  definitions whose string literals name the kind (``"witness_note"``) or its route
  (``"witness-notes"``): the stringly contracts a new kind must be added to; and, apart, the
  files whose code names its class (constructing or handling the body).
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "evaluator_app"

# The kinds as they stood when the figures were first taken (issue 14); the registry, once it
# exists, adds any kind it knows.
KINDS = {
    "declaration": ("declarations", "Declaration"),
    "leader_vote": ("leader-votes", "LeaderVote"),
    "gate_votes": ("gate-votes", "GateVotes"),
    "score_sheet": ("sheets", "ScoreSheet"),
    "witness_note": ("witness-notes", "WitnessNote"),
    "dissent": ("report/dissent", "ReportDissent"),
    "warning_decision": ("warning-decisions", "WarningDecision"),
    "document_manifest": ("manifest", "DocumentManifest"),
}
DEFINITIONS = {"protocol/artefacts.py"}


def sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def long_files(limit: int = 400) -> list[tuple[str, int]]:
    out = []
    for path in sources():
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > limit:
            out.append((str(path.relative_to(PACKAGE)), n))
    return sorted(out, key=lambda x: -x[1])


def long_functions(limit: int = 60) -> list[tuple[str, str, int]]:
    out = []
    for path in sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno is not None
                n = node.end_lineno - node.lineno + 1
                if n > limit:
                    out.append((str(path.relative_to(PACKAGE)), node.name, n))
    return sorted(out, key=lambda x: -x[2])


IGNORE = re.compile(r"#\s*type:\s*ignore(\[[^\]]*\])?")


def type_ignores() -> tuple[int, int]:
    total = bare = 0
    for path in sources():
        for tok in tokenize.generate_tokens(io.StringIO(path.read_text("utf-8")).readline):
            if tok.type == tokenize.COMMENT:
                for m in IGNORE.finditer(tok.string):
                    total += 1
                    bare += m.group(1) is None
    return total, bare


def registry_kinds() -> dict[str, tuple[str, str]]:
    kinds = dict(KINDS)
    sys.path.insert(0, str(ROOT))
    try:
        from evaluator_app.protocol import kinds as registry  # type: ignore[attr-defined,unused-ignore]  # absent before the registry
    except ImportError:
        return kinds
    for spec in registry.KINDS.values():
        kinds.setdefault(spec.name, (spec.route, spec.body.__name__))
    return kinds


PHASE_NAMES = {
    "preparing", "check_in", "declarations", "leader_election", "preliminary_review",
    "detailed_scoring", "summary", "report_signing", "closed",
}  # fmt: skip


def kind_places() -> dict[str, tuple[list[str], list[str]]]:
    """Per kind: the files spelling its wire name or route as a string, the files naming its class.

    A route that is also a phase's name (``declarations``) is not counted as the route.
    """
    places: dict[str, tuple[list[str], list[str]]] = {}
    files = {p: p.read_text(encoding="utf-8") for p in sources()}
    for kind, (route, cls) in registry_kinds().items():
        spelt, named = set(), set()
        for path, text in files.items():
            rel = str(path.relative_to(PACKAGE))
            if rel in DEFINITIONS:
                continue
            for tok in tokenize.generate_tokens(io.StringIO(text).readline):
                if tok.type == tokenize.STRING:
                    body = tok.string.strip("rbfuRBFU").strip("'\"")
                    routed = route not in PHASE_NAMES and (
                        body == route or body.endswith("/" + route)
                    )
                    if body == kind or routed:
                        spelt.add(rel)
                elif tok.type == tokenize.NAME and tok.string == cls:
                    named.add(rel)
        places[kind] = (sorted(spelt), sorted(named))
    return places


def mypy_errors(config: bool) -> str:
    """mypy's last line: as the issue ran it (no configuration file), or as CI runs it (the
    configuration in pyproject.toml, which also counts unused and code-less ignores)."""
    # --config-file with an empty name: read no configuration file
    args = [] if config else ["evaluator_app", "--ignore-missing-imports", "--config-file", ""]
    run = subprocess.run(
        [sys.executable, "-m", "mypy", *args], cwd=ROOT, capture_output=True, text=True
    )
    return run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mypy", action="store_true", help="also run mypy (about a minute)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list each file/function")
    args = parser.parse_args()

    files = long_files()
    print(f"files over 400 lines: {len(files)}")
    if args.verbose:
        for name, n in files:
            print(f"    {n:5d}  {name}")
    funcs = long_functions()
    print(f"functions over 60 lines: {len(funcs)}")
    if args.verbose:
        for name, fn, n in funcs:
            print(f"    {n:5d}  {name}:{fn}")
    total, bare = type_ignores()
    print(f"type: ignore comments: {total} ({bare} without an error code)")
    places = kind_places()
    worst = max(len(s) for s, _ in places.values())
    print(f"files spelling an artefact kind's name or route as a string: at most {worst} per kind")
    for kind, (spelt, _) in places.items():
        print(f"    {kind:18s} {len(spelt):2d}  {' '.join(spelt) if args.verbose else ''}")
    worst = max(len(n) for _, n in places.values())
    print(f"files naming an artefact kind's class: at most {worst} per kind")
    for kind, (_, named) in places.items():
        print(f"    {kind:18s} {len(named):2d}  {' '.join(named) if args.verbose else ''}")
    if args.mypy:
        print(f"mypy, no configuration (the issue's way): {mypy_errors(False)}")
        if (ROOT / "pyproject.toml").read_text("utf-8").count("[tool.mypy]"):
            print(f"mypy with pyproject.toml's configuration (CI): {mypy_errors(True)}")


if __name__ == "__main__":
    main()
