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
# Scored since 2026-11-29 in the real-news format (heldout.json, made from heldout.jsonl by
# to_realnews.py: entities by the names their articles use, so an agreement described
# rather than named counts): P 0.939, R 0.566, F1 0.706 before the entity layer of issue 11,
# P 0.907, R 0.602, F1 0.724 after it.
HELDOUT_FLOOR = {"overall": 0.70, "precision": 0.88}


@pytest.fixture(scope="module")
def heldout_build(runner, nlp, tmp_path_factory):
    out = tmp_path_factory.mktemp("heldout")
    result = runner.invoke(app, ["build", str(HELDOUT), "-o", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    return out


def test_heldout_scores_do_not_slip(heldout_build):
    import rdflib

    from kg.evaluate import evaluate_realnews, read_realnews_gold

    graph = rdflib.Graph().parse(heldout_build / "graph.ttl", format="turtle")
    gold = read_realnews_gold(ROOT / "tests" / "gold" / "heldout.json")
    overall = evaluate_realnews(gold, graph).scores["overall"]
    assert overall.f1 >= HELDOUT_FLOOR["overall"], overall
    assert overall.precision >= HELDOUT_FLOOR["precision"], overall


def test_heldout_json_is_made_from_heldout_jsonl(tmp_path, monkeypatch):
    """heldout.json is generated: regenerating it changes nothing."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("to_realnews", ROOT / "tests/gold/to_realnews.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    original = (ROOT / "tests/gold/heldout.json").read_text(encoding="utf-8")
    target = tmp_path / "gold"
    target.mkdir()
    (target / "heldout.jsonl").write_text(
        (ROOT / "tests/gold/heldout.jsonl").read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.setattr(module, "HERE", target)
    module.main()
    assert (target / "heldout.json").read_text(encoding="utf-8") == original


def test_heldout_negatives_never_become_facts(heldout_build):
    import rdflib

    from kg.evaluate import negative_violations

    graph = rdflib.Graph().parse(heldout_build / "graph.ttl", format="turtle")
    negatives = ROOT / "tests" / "gold" / "heldout_negatives.jsonl"
    assert negative_violations(graph, negatives) == []


# --- Real-news gold (../shared/realnews/GUIDELINES.md format). ---


def _graph_with(facts, labels, agreements=()):
    """A tiny graph: entity nodes with labels, and one asserted event per fact."""
    import rdflib
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

    from kg.vocab import KG

    g = rdflib.Graph()
    for node, label in labels.items():
        kind = KG.Agreement if node in agreements else KG.State
        g.add((URIRef(node), RDF.type, kind))
        g.add((URIRef(node), RDFS.label, Literal(label, lang="ja")))
    for n, (agent, relation, target, doc, modality) in enumerate(facts):
        event, document = URIRef(f"urn:e{n}"), URIRef(f"urn:doc:{doc}")
        g.add((event, RDF.type, KG.Event))
        g.add((event, KG.agent, URIRef(agent)))
        g.add((event, KG.target, URIRef(target)))
        g.add((event, KG.relation, KG[relation]))
        g.add((event, KG.modality, KG[modality]))
        g.add((event, KG.evidence, Literal("文。")))
        g.add((event, KG.rule, Literal("r")))
        g.add((event, PROV.wasDerivedFrom, document))
        g.add((document, DCTERMS.source, Literal(doc)))
    return g


def _gold(tmp_path, data):
    from kg.evaluate import read_realnews_gold

    path = tmp_path / "gold.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return read_realnews_gold(path)


def test_realnews_scoring_alternatives_optional_and_forbidden(tmp_path):
    from kg.evaluate import evaluate_realnews

    gold = _gold(
        tmp_path,
        {
            "documents": ["a.txt"],
            "entities": {
                "kenya": ["ケニア"],
                "ruto": ["ルト", "re:^ウィリアム・?ルト$"],
                "uganda": ["ウガンダ"],
                "pact": ["漁業協定", "re:漁業協定[」』)）]*$"],
            },
            "required": [
                [["ruto", "visited", "uganda", "a.txt"], ["kenya", "visited", "uganda", "a.txt"]],
                ["kenya", "signed", "pact", "a.txt"],
            ],
            "optional": [["uganda", "visited", "kenya", "a.txt"]],
            "forbidden": [["uganda", "signed", "pact", "a.txt"]],
        },
    )
    labels = {
        "urn:ruto": "ウィリアム・ルト",
        "urn:kenya": "ケニア",
        "urn:uganda": "ウガンダ",
        "urn:pact": "両国が結んだ新たな漁業協定",
    }
    graph = _graph_with(
        [
            ("urn:ruto", "visited", "urn:uganda", "a.txt", "asserted"),
            ("urn:kenya", "visited", "urn:uganda", "a.txt", "asserted"),  # same item again
            ("urn:uganda", "visited", "urn:kenya", "a.txt", "asserted"),  # optional
            ("urn:uganda", "signed", "urn:pact", "a.txt", "reported"),  # forbidden
            ("urn:kenya", "signed", "urn:pact", "a.txt", "planned"),  # not a fact
            ("urn:kenya", "visited", "urn:uganda", "other.txt", "asserted"),  # not gold's
        ],
        labels,
        agreements={"urn:pact"},
    )
    result = evaluate_realnews(gold, graph)
    overall = result.scores["overall"]
    assert (overall.items, overall.hits) == (2, 1)  # the signing was only planned
    assert (overall.predicted, overall.correct) == (3, 2)  # two visits right, one forbidden
    assert [f[0] for f, _, _ in result.forbidden] == ["uganda"]
    assert [item[0][1] for item in result.misses] == ["signed"]
    assert result.articles["a.txt"].hits == 1


def test_realnews_gold_names_an_undefined_entity(tmp_path):
    from kg.evaluate import read_realnews_gold

    path = tmp_path / "gold.json"
    path.write_text(
        json.dumps({"entities": {"a": ["A"]}, "required": [["a", "visited", "b", "x.txt"]]}),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="does not define"):
        read_realnews_gold(path)


def test_kg_eval_speaks_the_realnews_format(runner, heldout_build):
    result = runner.invoke(
        app, ["eval", str(ROOT / "tests/gold/heldout.json"), "-g", str(heldout_build)]
    )
    assert result.exit_code == 0, result.output
    for heading in ("graph level", "per article", "missed", "false positives", "forbidden"):
        assert heading in result.output
    assert "h05_solomon_security.txt" in result.output
