"""kg eval: scoring, and the seeds' scores kept from slipping."""

from __future__ import annotations

import json

import pytest

from kg.cli import app
from kg.evaluate import Score, evaluate, read_gold

from .conftest import ROOT

GOLD = ROOT / "tests" / "gold" / "seeds.jsonl"

# What the rules reach on the seeds' stated (not implied) gold facts; a change that
# lowers these must be deliberate.  Measured 2026-11-23: overall F1 0.914.
FLOOR = {"overall": 0.90, "signed": 0.90, "visited": 0.90, "supplied": 0.95, "condemned": 0.80}


def test_scores():
    score = Score("x", gold=4, predicted=5, correct=3)
    assert (score.precision, score.recall) == (0.6, 0.75)
    assert score.f1 == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    assert Score("x", 0, 0, 0).f1 == 0.0


def test_evaluate_lists_misses_and_false_positives():
    gold = {("a.txt", "A", "signed", "T"): "s1", ("a.txt", "B", "signed", "T"): "s2"}
    predicted = {
        ("a.txt", "A", "signed", "T"): "s1",
        ("a.txt", "C", "visited", "X"): "s3",
        ("other.txt", "D", "visited", "X"): "not a gold document",
    }
    result = evaluate(gold, predicted)
    assert result.of("signed").correct == 1 and result.of("visited").predicted == 1
    assert result.misses == [("a.txt", "B", "signed", "T")]
    assert result.false_positives == [("a.txt", "C", "visited", "X")]


def test_read_gold_skips_implied_unless_asked(tmp_path):
    rows = [
        {"doc": "a", "agent": "A", "relation": "signed", "target": "T", "implied": False},
        {"doc": "a", "agent": "B", "relation": "signed", "target": "T", "implied": True},
        {"doc": "a", "agent": "person/キム", "relation": "visited", "target": "X"},
    ]
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert len(read_gold(path)) == 2
    assert len(read_gold(path, include_implied=True)) == 3
    assert ("a", "キム", "visited", "X") in read_gold(path)


def test_read_gold_names_the_bad_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"doc": "a"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="gold.jsonl:1"):
        read_gold(path)


def test_seed_scores_do_not_slip(runner, seeds_build):
    _, out = seeds_build
    result = runner.invoke(app, ["eval", str(GOLD), "-g", str(out), "--no-show"])
    assert result.exit_code == 0, result.output
    rows = {
        line.split("│")[1].strip(): float(line.split("│")[7])
        for line in result.output.splitlines()
        if line.count("│") == 8
    }
    for relation, floor in FLOOR.items():
        assert rows[relation] >= floor, (relation, rows[relation])


def test_seed_negatives_never_become_facts(seeds_graph):
    from kg.evaluate import negative_violations

    assert negative_violations(seeds_graph, ROOT / "tests" / "gold" / "negatives.jsonl") == []


def test_eval_on_a_broken_graph_is_one_clear_line(runner, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix x: <a> .\nthis is not turtle\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(GOLD), "-g", str(broken)])
    assert result.exit_code == 1
    assert "not a readable Turtle graph" in result.output and "Traceback" not in result.output


HELDOUT = ROOT / "tests" / "gold" / "heldout"
# The held-out articles' first score, before anyone looked at what kg made of them, was
# P 0.875, R 0.422, F1 0.569 over 83 stated facts (2026-11-23).  Six general fixes for
# what the misses showed (X入り, 同国, short name + state-bound title, quoted agreement
# names holding state names, XをYと非難, quoted performatives) brought it to P 0.939,
# R 0.554, F1 0.697; the set has been looked at since, so it is no longer unseen.
HELDOUT_FLOOR = {"overall": 0.65, "precision": 0.90}


@pytest.fixture(scope="module")
def heldout_build(runner, nlp, tmp_path_factory):
    out = tmp_path_factory.mktemp("heldout")
    result = runner.invoke(app, ["build", str(HELDOUT), "-o", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    return out


def test_heldout_scores_do_not_slip(heldout_build):
    import rdflib

    from kg.evaluate import predicted_facts

    graph = rdflib.Graph().parse(heldout_build / "graph.ttl", format="turtle")
    result = evaluate(read_gold(ROOT / "tests" / "gold" / "heldout.jsonl"), predicted_facts(graph))
    overall = result.overall()
    assert overall.f1 >= HELDOUT_FLOOR["overall"], overall
    assert overall.precision >= HELDOUT_FLOOR["precision"], overall


def test_heldout_negatives_never_become_facts(heldout_build):
    import rdflib

    from kg.evaluate import negative_violations

    graph = rdflib.Graph().parse(heldout_build / "graph.ttl", format="turtle")
    negatives = ROOT / "tests" / "gold" / "heldout_negatives.jsonl"
    assert negative_violations(graph, negatives) == []
