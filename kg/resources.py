"""Where the package's data lives: ontology, rules, queries, templates.

Installed (``pip install .``) the ontology folder ships as the ``kg.ontology`` package;
in a source checkout it is the repository's top-level ``ontology/``.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def ontology_dir() -> Path:
    """The folder holding kg.ttl, shapes, the gazetteer and the rules."""
    try:
        installed = Path(str(resources.files("kg.ontology")))
        if (installed / "kg.ttl").is_file():
            return installed
    except (ModuleNotFoundError, TypeError):
        pass
    return PACKAGE_DIR.parent / "ontology"


def ontology_file(name: str) -> Path:
    return ontology_dir() / name


def queries_dir() -> Path:
    return PACKAGE_DIR / "queries"


def templates_dir() -> Path:
    return PACKAGE_DIR / "templates"


# The data files that shape extraction; the ontology and the SHACL shapes do not.
EXTRACTION_DATA = (
    "gazetteer.yaml", "titles.yaml", "anaphora.yaml", "ne_labels.yaml", "names.yaml", "rules.yaml",
)  # fmt: skip


@cache
def rules_version() -> str:
    """A digest of every data file that shapes extraction (for caches and provenance)."""
    digest = hashlib.sha256()
    for name in EXTRACTION_DATA:
        digest.update(name.encode())
        digest.update(ontology_file(name).read_bytes())
    return digest.hexdigest()[:12]


class DataFileError(ValueError):
    """A data file under ontology/ that cannot be read; the message is one line."""


def read_yaml(path: Path) -> object:
    """A YAML data file, read with libyaml's safe loader when PyYAML was built with it.

    The pure-Python loader takes ~0.3 s over the gazetteer: a cost every build and every
    worker process pays before its first article.  A file that is not valid YAML raises
    :class:`DataFileError` naming the file, the line and what is wrong.
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=loader)  # a safe loader, C or Python
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        what = getattr(problem, "problem", None) or type(problem).__name__
        raise DataFileError(f"{path}{where}: not valid YAML ({what})") from None
