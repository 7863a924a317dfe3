"""The layers hold: data flows one way, and the domain is importable without a web app or database.

ARCHITECTURE.md draws the layers; this test is their guard. Every ``careassure`` import in every
module is read from the source (imports inside functions too, since a lazy import is still a
dependency), so a module that reaches into a layer above it fails here, not in review.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "careassure"

# Lower numbers are lower layers: a module may import its own package and any package of a lower
# layer, never one of the same layer (siblings stay independent) or of a higher one.
LAYERS: dict[str, int] = {
    "__init__": 0,  # the package itself: its version
    "config": 0,  # settings read from the environment
    "words": 0,  # numbers and lists written in words
    "appdb": 1,  # the application database: engine, migrations, audit trail
    "evidence_files": 1,  # evidence documents on disk: checked by content, stored by SHA-256
    "cliargs": 2,  # the sub-commands' shared arguments and one-line errors
    "records": 3,  # case-level record schema, readers, validation, pseudonymisation, store
    "measures": 4,  # the measure catalogue and engine
    "synth": 4,  # the synthetic county (writes records; measures never read it)
    "reported": 5,  # reported measures' values: entered, corrected, imported, audited
    "plan": 6,  # improvement plan
    "forecast": 6,  # waiting-list formulas, simulation, capacity planning
    "framework": 6,  # CQC framework, scoring, assessment cycle, evidence
    "compare": 6,  # published national figures, comparator groups, ranks
    "budget": 7,  # the MTFS ledger and demand from the records (names the plan items it funds)
    "attention": 7,  # what needs attention across plan, evidence and reported values; its digest
    "reports": 8,  # committee, DHSC, self-assessment and preparation documents
    "web": 9,  # the FastAPI app
    "demo": 10,  # the demo: builds everything and serves the web app
    "cli": 11,  # the `careassure` command
}

# Packages whose code is analytics or file handling only: no database, no web.
PURE = ("records", "measures", "forecast", "synth")
WEB_LIBRARIES = ("fastapi", "starlette", "uvicorn", "multipart", "itsdangerous")
DATABASE_LIBRARIES = ("sqlalchemy", "alembic", "psycopg")


def package_of(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every absolute module name imported by ``path``, with its line, at any depth."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "careassure":
                found += [(node.lineno, f"careassure.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


MODULES = sorted(SRC.rglob("*.py"))


def test_every_package_has_a_layer() -> None:
    """A new package must be placed in a layer (and in ARCHITECTURE.md) before it can land."""
    packages = {package_of(path) for path in MODULES}
    assert sorted(packages - set(LAYERS)) == []
    architecture = (SRC.parents[1] / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = [name for name in packages - {"__init__"} if f"`{name}" not in architecture]
    assert missing == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_imports_a_layer_above_or_beside_it(path: Path) -> None:
    own = package_of(path)
    wrong = []
    for line, name in imports_of(path):
        parts = name.split(".")
        if parts[0] != "careassure" or len(parts) < 2:
            continue
        # ``from careassure import __version__`` names the package itself, not a module
        target = parts[1] if (SRC / parts[1]).is_dir() or (SRC / f"{parts[1]}.py").is_file() \
            else "__init__"
        if target != own and LAYERS[target] >= LAYERS[own]:
            wrong.append(f"line {line}: {own} (layer {LAYERS[own]}) imports {name} "
                         f"(layer {LAYERS[target]})")
    assert wrong == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_only_the_web_app_and_its_callers_use_web_libraries(path: Path) -> None:
    if LAYERS[package_of(path)] >= LAYERS["web"]:
        return
    used = [f"line {line}: {name}" for line, name in imports_of(path)
            if name.split(".")[0] in WEB_LIBRARIES]
    assert used == []


@pytest.mark.parametrize("path", [p for p in MODULES if package_of(p) in PURE],
                         ids=lambda p: str(p.relative_to(SRC)))
def test_pure_packages_use_no_database(path: Path) -> None:
    used = [f"line {line}: {name}" for line, name in imports_of(path)
            if name.split(".")[0] in DATABASE_LIBRARIES or name.startswith("careassure.appdb")]
    assert used == []


DOMAIN = ["careassure.records", "careassure.measures", "careassure.synth",
          "careassure.forecast", "careassure.framework", "careassure.plan", "careassure.compare",
          "careassure.budget", "careassure.attention", "careassure.reports"]


def test_domain_packages_import_without_a_web_app_or_database() -> None:
    """Importing a domain package (what a notebook or a Spark job does) loads no web framework and
    no database driver: those come only with the functions that need them."""
    probe = (
        "import importlib, sys\n"
        f"for name in {DOMAIN!r}: importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{WEB_LIBRARIES + DATABASE_LIBRARIES!r} or m in ('careassure.web', 'careassure.demo'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""


def test_the_reader_finds_lazy_imports(tmp_path: Path) -> None:
    """Imports inside functions count: that is how a cycle usually creeps in."""
    sample = tmp_path / "sample.py"
    sample.write_text("import os\n\ndef f():\n    from careassure.web import create_app\n"
                      "    from careassure import demo\n    from . import sibling\n")
    assert imports_of(sample) == [(1, "os"), (4, "careassure.web"), (5, "careassure.demo")]
