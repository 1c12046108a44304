"""Mechanisms of the rule engine: place, date, pairs, carried-over subjects, metonymy.

Sentences are written for these tests (none from the seeds); the broad table of
held-out sentences per relation is tests/test_heldout.py.
"""

from __future__ import annotations


def _facts(result):
    return {(e.agent, e.relation, e.target) for e in result.events if e.is_fact}


def test_visit_to_a_capital_is_a_visit_to_its_state(extract_text):
    result = extract_text("プーチン大統領は19日、平壌を訪問した。")
    assert ("Vladimir_Putin", "visited", "North_Korea") in _facts(result)
    event = next(e for e in result.events if e.relation == "visited")
    assert event.date == "2024-06-19"
    assert event.place == "Pyongyang"


def test_event_place_from_a_de_phrase(extract_text):
    result = extract_text("プーチン大統領は19日、モスクワで包括戦略条約に署名した。")
    event = next(e for e in result.events if e.relation == "signed")
    assert event.place == "Moscow"


def test_both_leaders_sign(extract_text):
    text = (
        "プーチン大統領は金正恩総書記と会談した。両首脳は包括的戦略パートナーシップ条約に署名した。"
    )
    facts = _facts(extract_text(text))
    treaty = "DPRK_Russia_Comprehensive_Strategic_Partnership_Treaty"
    assert {("Vladimir_Putin", "signed", treaty), ("Kim_Jong_Un", "signed", treaty)} <= facts


def test_subject_carried_over_from_the_first_clause(extract_text):
    text = "プーチン大統領は平壌を訪問し、金正恩総書記と会談して、条約に署名した。"
    assert ("Vladimir_Putin", "visited", "North_Korea") in _facts(extract_text(text))


def test_capital_as_agent_is_its_state(extract_text):
    result = extract_text("北京は日本の決定を強く批判した。")
    assert ("China", "condemned", "Japan") in _facts(result)
