"""Relation rules on sentences written for these tests (not taken from the seeds)."""

from __future__ import annotations

import pytest


def _facts(result):
    return {(e.agent, e.relation, e.target) for e in result.events if e.is_fact}


def _all(result):
    return {(e.agent, e.relation, e.target, e.modality) for e in result.events}


POSITIVE = [
    # visited
    ("岸田文雄首相は10日、ワシントンを訪問した。", "Fumio_Kishida", "visited", "United_States"),
    ("ラブロフ外相は北京に到着した。", "Sergey_Lavrov", "visited", "China"),
    ("習近平国家主席の訪露は5年ぶりとなる。", "Xi_Jinping", "visited", "Russia"),
    ("尹錫悦大統領は訪米し、首脳会談に臨んだ。", "Yoon_Suk_Yeol", "visited", "United_States"),
    # supplied
    ("イランはロシアに無人機を供与した。", "Iran", "supplied", "Russia"),
    ("米国はウクライナに砲弾を提供した。", "United_States", "supplied", "Ukraine"),
    ("北朝鮮はロシアに兵士を派遣した。", "North_Korea", "supplied", "Russia"),
    # condemned
    ("日本政府は北朝鮮の弾道ミサイル発射を強く非難した。", "Japan", "condemned", "North_Korea"),
    (
        "韓国外交部は朝ロ条約を糾弾した。",
        "South_Korea",
        "condemned",
        "DPRK_Russia_Comprehensive_Strategic_Partnership_Treaty",
    ),
]


@pytest.mark.parametrize(("text", "agent", "relation", "target"), [p for p in POSITIVE if p[1]])
def test_positive(extract_text, text, agent, relation, target):
    assert (agent, relation, target) in _facts(extract_text(text))


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("韓国はウクライナに殺傷兵器を供与しない方針だ。", "supplied"),
        ("韓国がウクライナに殺傷兵器を供与すれば関係は悪化する。", "supplied"),
        ("岸田首相は来月、インドを訪問する予定だ。", "visited"),
        ("政府はウクライナへの砲弾提供を検討している。", "supplied"),
        ("ロシアは北朝鮮に技術を提供する可能性がある。", "supplied"),
        ("提供写真。", "supplied"),
    ],
)
def test_not_a_fact(extract_text, text, relation):
    assert not any(r == relation for _, r, _ in _facts(extract_text(text)))


def test_reported_supply_inside_a_condemnation(extract_text):
    result = extract_text("米国と韓国は、北朝鮮がロシアに武器を提供していると非難した。")
    facts = _facts(result)
    assert ("United_States", "condemned", "North_Korea") in facts
    assert ("South_Korea", "condemned", "North_Korea") in facts
    supply = [e for e in result.events if e.relation == "supplied"]
    assert supply and supply[0].agent == "North_Korea" and supply[0].target == "Russia"
    assert supply[0].modality == "reported"
    assert set(supply[0].attributed_to) == {"United_States", "South_Korea"}
    assert supply[0].item == "武器"


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
