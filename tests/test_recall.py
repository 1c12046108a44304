"""python -m kg.bench recall: candidate sentences, the draw, judged facts and their score."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.bench import recall

GOLD = Path(__file__).parent / "gold"

# A tiny corpus in the Wikinews record format, written for these tests.
CORPUS = [
    {
        "id": "t1",
        "title": "ペルー大統領、チリを訪問",
        "text": "ペルーのロペス大統領は3日、チリを訪問した。\n天気は晴れだった。\n"
        "山田一郎『ペルー大統領がチリを訪問』。",
    },
    {"id": "t2", "title": "台風が上陸", "text": "台風5号が沖縄に上陸した。\n被害はなかった。"},
]


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in CORPUS), "utf-8")
    return path


def test_candidates_are_sentences_with_a_candidate_word(corpus):
    found = recall.candidates(corpus)
    assert [(c.doc, c.line) for c in found] == [("t1", 0), ("t1", 1), ("t2", 0), ("t2", 1)]
    assert found[1].context == ("ペルー大統領、チリを訪問",)  # the headline before it
    assert "訪問" in found[1].words
    # a citation line (著者『題名』) is never drawn; an excluded document neither
    assert all("『" not in c.sentence for c in found)
    assert {c.doc for c in recall.candidates(corpus, exclude={"t2"})} == {"t1"}


def test_a_larger_draw_extends_a_smaller_one(corpus):
    pool = recall.candidates(corpus)
    assert set(recall.draw(pool, 2, seed=5)) <= set(recall.draw(pool, 3, seed=5))
    assert recall.draw(pool, 3, seed=5) == recall.draw(pool, 3, seed=5)


def test_write_keeps_judgments_and_refuses_to_overwrite(corpus, tmp_path, capsys):
    first = tmp_path / "s.jsonl"
    assert recall.main(["--corpus", str(corpus), "--sample", "4", "--write", str(first)]) == 0
    rows = [json.loads(line) for line in first.read_text("utf-8").splitlines()]
    assert len(rows) == 4 and not any(r["judged"] for r in rows)
    rows[0].update(judged=True, facts=[])
    first.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    assert recall.main(["--corpus", str(corpus), "--sample", "4", "--write", str(first)]) == 1
    assert "exists" in capsys.readouterr().err
    again = tmp_path / "again.jsonl"
    args = ["--corpus", str(corpus), "--sample", "4", "--keep", str(first), "--write", str(again)]
    assert recall.main(args) == 0
    assert sum(json.loads(line)["judged"] for line in again.read_text("utf-8").splitlines()) == 1
    # a fresh sample beside the first draws nothing it drew
    fresh = tmp_path / "fresh.jsonl"
    args = ["--corpus", str(corpus), "--not-in", str(first), "--write", str(fresh)]
    assert recall.main(args) == 0 and fresh.read_text("utf-8") == ""


@pytest.mark.parametrize(
    ("fact", "message"),
    [
        ({"relation": "met", "agent": ["A"], "target": ["B"]}, "unknown relation"),
        ({"relation": "visited", "agent": [], "target": ["B"]}, "agent must be"),
        ({"relation": "visited", "agent": ["A"], "target": ["B"], "kind": "maybe"}, "kind"),
    ],
)
def test_a_malformed_judgment_is_one_line(tmp_path, fact, message):
    path = tmp_path / "j.jsonl"
    row = {"doc": "d", "line": 1, "sentence": "s", "judged": True, "facts": [fact]}
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", "utf-8")
    with pytest.raises(ValueError, match=message) as problem:
        recall.read_judged(path)
    assert str(problem.value).startswith(f"{path}:1:") and "\n" not in str(problem.value)


def test_judged_facts_are_found_or_missed_with_a_cause(seeds_build, tmp_path, capsys):
    """A fact kg states in a seed sentence is found under any name of its arguments; one
    with another target is missed, and the cause says what the graph has instead."""
    from kg.store import open_store

    _, out = seeds_build
    view = recall.BuildView.of(open_store(out))
    doc, event = next(
        (doc, e)
        for doc, events in sorted(view.events.items())
        for e in events
        if e.relation == "visited" and e.modality == "asserted"
    )
    agent = sorted(view.names(doc, event.agent))
    target = sorted(view.names(doc, event.target))
    facts = [
        {"relation": "visited", "agent": agent, "target": target},
        {"relation": "visited", "agent": agent, "target": ["どこにもない国"]},
        {"relation": "visited", "agent": agent, "target": ["どこにもない国"], "kind": "optional"},
    ]
    row = {"doc": doc, "line": 1, "sentence": event.evidence, "judged": True, "facts": facts}
    judged = tmp_path / "judged.jsonl"
    judged.write_text(json.dumps(row, ensure_ascii=False) + "\n", "utf-8")
    _, read = recall.read_judged(judged)
    assert [recall.outcome(view, f)[0] for f in read[:2]] == [True, False]
    assert recall.outcome(view, read[1])[1].startswith("other target")
    capsys.readouterr()
    assert recall.main(["-g", str(out), "--judged", str(judged), "--misses"]) == 0
    printed = capsys.readouterr().out
    assert "visited         2      1   0.500" in printed
    assert "1 optional" in printed


def test_the_committed_recall_samples_are_judged_throughout():
    """Hand-judged (tests/gold/README.md): every drawn sentence has a verdict, and the
    facts are well formed; a sample holds at least 200 sentences."""
    for path in sorted(GOLD.glob("recall_wikinews_s*.jsonl")):
        rows, facts = recall.read_judged(path)
        assert len(rows) >= 200, path
        assert all(r["judged"] for r in rows), path
        assert len({(r["doc"], r["line"]) for r in rows}) == len(rows), path
        assert any(f.kind == "required" for f in facts), path
