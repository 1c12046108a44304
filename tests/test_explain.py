"""kg explain: the rule engine's own trace, sentence by sentence."""

from __future__ import annotations

import json

import pytest

from kg.cli import app

TEXT = (
    "ケニアのルト大統領は12日、ウガンダを訪問し、ムセベニ大統領と会談した。"
    "両首脳は漁業協定に署名する予定だ。"
)


def test_the_trace_records_slots_modality_and_events(nlp):
    from kg.explain import article_of_text, explain

    traces = explain(article_of_text(TEXT))
    assert [t.index for t in traces] == [0, 1]
    visit = next(r for r in traces[0].rules if r.relation == "visited")
    filled = [(s.role, s.slot, s.ids) for s in visit.slots if s.outcome == "filled"]
    assert ("target", "object", ("Uganda",)) in filled
    assert any(role == "agent" and "person/ルト" in ids for role, _, ids in filled), filled
    assert visit.modality == "asserted" and visit.events
    sign = next(r for r in traces[1].rules if r.relation == "signed")
    assert sign.modality == "planned" and "予定" in sign.modality_reason
    assert all(not e.is_fact for e in sign.events)
    kinds = {m.text: m.kind for m in traces[0].mentions}
    assert kinds["ケニア"] == "State" and kinds["ウガンダ"] == "State"
    assert traces[0].bunsetu and traces[0].tokens


def test_the_trace_says_why_a_slot_stays_empty(nlp):
    from kg.explain import article_of_text, explain

    [trace] = explain(article_of_text("記者団はナイロビに到着した。"))
    visit = next(r for r in trace.rules if r.relation == "visited")
    assert visit.outcome in ("no agent", "no target") or not visit.events
    assert any(s.outcome in ("no entity", "no phrase in this slot") for s in visit.slots)


def test_tracing_changes_nothing_the_build_finds(nlp, gazetteer):
    from kg.explain import article_of_text, explain
    from kg.nlp import parse, units
    from kg.pipeline import extract_article

    article = article_of_text(TEXT)
    parsed = list(parse(list(units(article.doc_id, article.text))))
    plain = [e for u in extract_article(article, parsed, gazetteer).units for e in u.events]
    traced = [e for t in explain(article) for e in t.events]
    assert plain == traced


def test_kg_explain_prints_a_sentence(runner):
    result = runner.invoke(app, ["explain", TEXT, "--sentence", "1"])
    assert result.exit_code == 0, result.output
    assert "sentence 1" in result.output and "sentence 0" not in result.output
    assert "signed.predicate" in result.output and "planned" in result.output


def test_kg_explain_json_for_tools(runner, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("ケニア大統領が訪問\n\n" + TEXT, encoding="utf-8")
    result = runner.invoke(app, ["explain", str(source), "--format", "json"])
    assert result.exit_code == 0, result.output
    [document] = json.loads(result.output)
    events = [e for s in document["sentences"] for r in s["rules"] for e in r["events"]]
    assert any(e["relation"] == "visited" and e["target"] == "Uganda" for e in events)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain", TEXT, "--sentence", "9"], "no sentence 9"),
        (["explain", TEXT, "--format", "xml"], "--format"),
        (["explain", TEXT, "--date", "2024-13-01"], "not a date"),
    ],
)
def test_kg_explain_errors_are_one_line(runner, args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
