"""Shared fixtures: GiNZA is loaded once per test session, the seeds are built once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def nlp():
    from kg.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def gazetteer():
    from kg.gazetteer import load_gazetteer

    return load_gazetteer()


@pytest.fixture(scope="session")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory, nlp, runner):
    """`kg build seeds/ -o DIR` run once through the CLI; returns (result, DIR)."""
    from kg.cli import app

    out = tmp_path_factory.mktemp("build")
    result = runner.invoke(app, ["build", str(SEEDS), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return result, out


@pytest.fixture(scope="session")
def seeds_graph(seeds_build):
    import rdflib

    _, out = seeds_build
    return rdflib.Graph().parse(out / "graph.ttl", format="turtle")


@pytest.fixture(scope="session")
def extract_text(nlp, gazetteer):
    """Run entities → relations on a text as if it were an article published 2024-06-20."""
    from kg.model import Article, Section
    from kg.pipeline import extract

    def run(text: str, published: dt.date = dt.date(2024, 6, 20)):
        article = Article(
            "test",
            "test.txt",
            text,
            None,
            published,
            sections=(Section(0, len(text), None, published),),
        )
        return extract([article], gazetteer=gazetteer)

    return run
