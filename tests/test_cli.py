"""The command line, driven through Typer's test runner."""

from __future__ import annotations

import json

import pytest

from kg.cli import app

from .conftest import SEEDS


def test_build_writes_the_three_outputs(seeds_build):
    result, out = seeds_build
    for name in ("graph.ttl", "graph.html", "report.md"):
        assert (out / name).stat().st_size > 0
    assert not list(out.glob(".*.tmp")), "temporary files left behind"
    assert "documents" in result.output and "relations: visited" in result.output


def test_build_summary_counts_the_seeds(seeds_build):
    result, _ = seeds_build
    row = next(line for line in result.output.splitlines() if "documents" in line)
    assert row.split("│")[2].strip() == str(len(list(SEEDS.glob("*.txt"))))


@pytest.mark.parametrize(
    ("make_args", "message"),
    [
        (lambda tmp: ["build", str(tmp / "missing"), "-o", str(tmp / "o")], "no such file"),
        (lambda tmp: ["build", str(tmp), "-o", str(tmp / "o")], "no article files"),
    ],
    ids=["nonexistent-path", "empty-folder"],
)
def test_build_bad_input_is_one_clear_line(runner, tmp_path, make_args, message):
    result = runner.invoke(app, make_args(tmp_path))
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o" / "graph.ttl").exists()


def test_failed_build_keeps_the_previous_graph(runner, tmp_path, seeds_build):
    _, good = seeds_build
    out = tmp_path / "out"
    out.mkdir()
    previous = (good / "graph.ttl").read_bytes()
    (out / "graph.ttl").write_bytes(previous)
    result = runner.invoke(app, ["build", str(tmp_path / "nothing-here"), "-o", str(out)])
    assert result.exit_code != 0
    assert (out / "graph.ttl").read_bytes() == previous


def test_query_saved_query_as_json(runner, seeds_build):
    _, out = seeds_build
    result = runner.invoke(app, ["query", "visited", "-g", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert "visitor" in data["head"]["vars"]
    visits = {
        (b["visitor"]["value"], b["destination"]["value"]) for b in data["results"]["bindings"]
    }
    assert ("ウラジーミル・プーチン", "北朝鮮") in visits


def test_query_list_names_every_saved_query(runner):
    result = runner.invoke(app, ["query", "--list"])
    assert result.exit_code == 0
    for name in ("signed", "visited", "supplied", "condemned"):
        assert name in result.output


def test_query_csv_and_ask(runner, seeds_build):
    _, out = seeds_build
    sparql = "SELECT ?a WHERE { ?a kg:signed ?t } ORDER BY ?a"
    result = runner.invoke(app, ["query", sparql, "-g", str(out / "graph.ttl"), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "a"
    ask = runner.invoke(app, ["query", "ASK { ?a kg:visited ?b }", "-g", str(out)])
    assert ask.exit_code == 0 and "true" in ask.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "SELECT ?x WHERE { ?x"], "malformed query"),
        (["query", "visited", "-g", "/nonexistent/dir"], "no graph found"),
        (["query", "nope.rq"], "no such query file"),
        (["query", "visited", "--format", "xml"], "unknown format"),
    ],
)
def test_query_errors_are_one_clear_line(runner, seeds_build, args, message):
    _, out = seeds_build
    if "-g" not in args:
        args = [*args, "-g", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


COMMANDS = ("build", "eval", "analyze", "query", "serve", "push", "validate", "export")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_examples_kept_as_typed(runner, command):
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "2000"})
    assert result.exit_code == 0
    text = result.output
    assert "Examples" in text
    # an example line keeps its indentation under the "Examples:" heading
    examples = text.split("Examples:")[1].split("╭")[0]
    lines = [line for line in examples.splitlines() if line.strip()]
    assert lines and all(line.startswith("   kg ") or line.startswith("   ") for line in lines)
    assert any(f"kg {command}" in line for line in lines)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_prose_is_not_broken_mid_sentence(runner, command):
    """Docstring line breaks must not survive into --help: the terminal wraps prose."""
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "2000"})
    prose = result.output.split("Examples:")[0].split("Usage:")[1].splitlines()[1:]
    for line in (line.strip() for line in prose):
        # a paragraph of the help ends with a full stop (or a colon before a list)
        assert not line or line[-1] in ".:)", line


def test_build_summary_counts_distinct_relations(seeds_build, seeds_graph):
    from kg.vocab import KG

    result, _ = seeds_build
    row = next(line for line in result.output.splitlines() if "relations: signed" in line)
    assert int(row.split("│")[2]) == len(list(seeds_graph.subject_objects(KG.signed)))


def test_hostile_file_names_cannot_forge_lines_or_reach_the_terminal(runner, tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "good.txt").write_text("岸田首相は21日、ワシントンを訪問した。\n", encoding="utf-8")
    (corpus / "a\nerror: forged.txt").write_bytes(b"")
    (corpus / "\x1b]0;owned\x07\x1b[31mred.txt").write_bytes(b"")
    out = tmp_path / "out\x1b[2J"
    result = runner.invoke(app, ["build", str(corpus), "-o", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    lines = result.output.splitlines()
    assert not any(line.startswith("error:") for line in lines), "a forged line"
    skipped = [line for line in lines if line.startswith("skipped:")]
    assert skipped == [
        f"skipped: {corpus}/\\x1b]0;owned\\x07\\x1b[31mred.txt: empty file",
        f"skipped: {corpus}/a\\nerror: forged.txt: empty file",
    ]
    assert f"wrote {tmp_path}/out\\x1b[2J/graph.ttl" in result.output.replace("\n", "")
