"""Entity mapping, titles, abbreviations and alias merging (GiNZA + gazetteer)."""

from __future__ import annotations

import pytest


def _ids(result):
    return {e.entity_id: e for e in result.entities.entities.values()}


@pytest.mark.parametrize(
    ("text", "entity_id", "kind"),
    [
        ("ロシアのウラジーミル・プーチン大統領は平壌を訪問した。", "Vladimir_Putin", "Person"),
        ("ロシアのウラジーミル・プーチン大統領は平壌を訪問した。", "Pyongyang", "Place"),
        ("ロシアのウラジーミル・プーチン大統領は平壌を訪問した。", "Russia", "State"),
        ("北朝鮮の金正恩(キム・ジョンウン)総書記が演説した。", "Kim_Jong_Un", "Person"),
        ("金正恩の妹である金与正(キム・ヨジョン)も出席した。", "Kim_Yo_Jong", "Person"),
        ("平壌の金日成広場で盛大な式典が行われた。", "Kim_Il_Sung_Square", "Place"),
        ("国連安全保障理事会が会合を開いた。", "UN_Security_Council", "Organization"),
        ("米アントニー・ブリンケン国務長官は批判した。", "Antony_Blinken", "Person"),
        # names Sudachi fuses with the title after them
        ("金与正党副部長が談話を発表した。", "Kim_Yo_Jong", "Person"),
        ("トランプ大統領が演説した。", "Donald_Trump", "Person"),
        ("金正恩氏が視察した。", "Kim_Jong_Un", "Person"),
    ],
)
def test_gazetteer_entities(extract_text, text, entity_id, kind):
    entities = _ids(extract_text(text))
    assert entity_id in entities, sorted(entities)
    assert entities[entity_id].kind == kind


def test_kim_il_sung_square_is_not_kim_il_sung(extract_text):
    entities = _ids(extract_text("平壌の金日成広場で盛大な式典が行われた。"))
    assert "Kim_Il_Sung" not in entities
    assert not any(e.kind == "Person" for e in entities.values())


def test_title_is_split_from_the_name(extract_text):
    putin = _ids(extract_text("プーチン大統領は19日、平壌に到着した。"))["Vladimir_Putin"]
    assert "大統領" in putin.titles
    assert "プーチン大統領" not in putin.aliases


@pytest.mark.parametrize(
    "text",
    [
        "プーチン大統領が到着した。プーチン氏は演説した。ウラジーミル・プーチンは笑った。プーチンは帰った。",
    ],
)
def test_putin_aliases_merge(extract_text, text):
    entities = _ids(extract_text(text))
    people = [e for e in entities.values() if e.kind == "Person"]
    assert [p.entity_id for p in people] == ["Vladimir_Putin"]


def test_kim_short_forms_resolve_in_context(extract_text):
    text = (
        "北朝鮮の金正恩総書記は会談した。金総書記は演説した。正恩氏は笑った。金委員長は帰った。"
        "金氏は空港で出迎えた。"
    )
    entities = _ids(extract_text(text))
    people = {e.entity_id for e in entities.values() if e.kind == "Person"}
    assert people == {"Kim_Jong_Un"}


def test_kim_short_form_without_antecedent_is_not_kim_jong_un(extract_text):
    entities = _ids(extract_text("金氏は空港で記者団に語った。"))
    assert "Kim_Jong_Un" not in entities


@pytest.mark.parametrize(
    ("text", "members"),
    [
        ("日米韓が共同声明を出した。", {"Japan", "United_States", "South_Korea"}),
        ("朝ロの接近が続く。", {"North_Korea", "Russia"}),
        ("米韓の懸念が高まった。", {"United_States", "South_Korea"}),
        ("韓ロ外交官が舌戦を繰り広げた。", {"South_Korea", "Russia"}),
        ("米国務長官が批判した。", {"United_States"}),
        ("中国は米欧の制裁に反発した。", {"China", "United_States"}),
    ],
)
def test_state_abbreviations_resolve_to_member_states(extract_text, text, members):
    entities = _ids(extract_text(text))
    assert members <= set(entities), sorted(entities)


@pytest.mark.parametrize(
    "text", ["19日に会談した。", "会談中に述べた。", "米を食べた。", "欧は広い。", "訪欧した。"]
)
def test_abbreviation_characters_inside_words_are_not_states(extract_text, text):
    entities = _ids(extract_text(text))
    assert not any(e.kind == "State" for e in entities.values()), sorted(entities)


def test_treaty_names_merge(extract_text):
    text = (
        "両国は包括的戦略パートナーシップ条約を締結した。包括戦略条約は相互支援を定める。"
        "朝ロ条約に韓国が反発した。「包括的な戦略的パートナー関係に関する条約」が発効した。"
    )
    agreements = [e for e in _ids(extract_text(text)).values() if e.kind == "Agreement"]
    assert [a.entity_id for a in agreements] == [
        "DPRK_Russia_Comprehensive_Strategic_Partnership_Treaty"
    ]


def test_unknown_person_gets_a_stable_minted_id(extract_text):
    first = _ids(extract_text("北朝鮮軍のキム・グムチョル総長が出発した。"))
    second = _ids(extract_text("キム・グムチョル総長は平壌に戻った。"))
    minted = [i for i in first if i.startswith("person/")]
    assert minted and set(minted) <= set(second)


def test_country_names_come_from_cldr(gazetteer):
    assert gazetteer.lookup("北朝鮮") == "North_Korea"
    assert gazetteer.entries["North_Korea"].label_en == "North Korea"
    assert gazetteer.lookup("ブータン") == "Bhutan"  # no hand-typed entry needed


def test_ginza_treaty_label_needs_an_agreement_noun(extract_text):
    entities = _ids(extract_text("北朝鮮から供与された多連装ロケット砲を使用している。"))
    assert not any(e.kind == "Agreement" for e in entities.values()), sorted(entities)
