"""What `pip install .` gives a new user: the dependencies declared in pyproject.toml.

The fresh-install check itself (a new venv with the interpreter's own pip, `pip install .`,
a build of .txt, .html, .jsonl and .csv files) is `.ci/fresh-install`, run by `.ci/run`;
``KG_FRESH_INSTALL=1 pytest tests/test_packaging.py`` runs it here too (slow: it installs
spaCy and GiNZA).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from importlib.metadata import packages_distributions

import pytest

from .conftest import ROOT

tomllib = pytest.importorskip("tomllib")

# Imported only inside a try that does without it (kg.bench's memory sampling).
OPTIONAL_IMPORTS = {"psutil"}


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        _normalized(re.split(r"[\s\[<>=!~;]", spec, maxsplit=1)[0])
        for spec in project["dependencies"]
    }


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_modules() -> set[str]:
    found = set()
    for path in (ROOT / "kg").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"kg"}


def test_every_package_kg_imports_is_declared():
    distributions = packages_distributions()
    declared = _declared()
    missing = {
        module: distributions.get(module)
        for module in _imported_modules() - OPTIONAL_IMPORTS
        if not {_normalized(d) for d in distributions.get(module, [module])} & declared
    }
    assert not missing, f"imported but not in [project] dependencies: {missing}"


def test_every_subpackage_of_kg_ships():
    """A package left out of [tool.setuptools] packages imports in an editable install and
    is missing from a wheel (`pip install .`): every folder of kg/ with Python in it is
    listed."""
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
            "packages"
        ]
    )
    folders = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "kg").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert folders - listed == set()


def test_the_html_readers_cleaner_is_declared_by_its_own_name():
    """jusText (under trafilatura) asks for lxml[html_clean]; the pip inside a new venv
    does not match that extra to lxml's html-clean and installs nothing, so kg names the
    package itself."""
    assert "lxml-html-clean" in _declared()


@pytest.mark.skipif(not os.environ.get("KG_FRESH_INSTALL"), reason="set KG_FRESH_INSTALL=1")
def test_a_fresh_venv_with_its_own_pip_installs_and_builds(tmp_path):
    script = ROOT / ".ci" / "fresh-install"
    result = subprocess.run(
        ["bash", str(script), str(tmp_path)], capture_output=True, text=True, timeout=1800
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
