"""Held-out sentences for the relation rules, written by hand for these tests.

None of them comes from the seeds: they are in the style of Japanese wire copy about
other states and other years, so that the rules are checked on text they were not
tuned on.  Each positive names a fact that must come out; each negative names a
relation that must NOT come out as a fact (negated, planned, hypothetical, requested,
promised, speculative, or an unrelated use of the trigger word).
"""

from __future__ import annotations

import pytest

TREATY_RU_IR = "Russia_Iran_Comprehensive_Strategic_Partnership_Treaty"

POSITIVES = [
    # ---- signed
    (
        "米国とフィリピンは1951年に米比相互防衛条約を締結した。",
        "United_States",
        "signed",
        "US_Philippines_Mutual_Defense_Treaty",
    ),
    (
        "米国とフィリピンは1951年に米比相互防衛条約を締結した。",
        "Philippines",
        "signed",
        "US_Philippines_Mutual_Defense_Treaty",
    ),
    (
        "プーチン大統領とイランのペゼシュキアン大統領は17日、モスクワでロシア・イラン包括的戦略"
        "パートナーシップ条約に署名した。",
        "Vladimir_Putin",
        "signed",
        TREATY_RU_IR,
    ),
    ("イランは2015年、米英仏独中ロの6カ国とイラン核合意を結んだ。", "Iran", "signed", "JCPOA"),
    (
        "韓国と北朝鮮は2018年9月、9.19南北軍事合意に署名した。",
        "North_Korea",
        "signed",
        "Inter_Korean_Comprehensive_Military_Agreement",
    ),
    (
        "中国と北朝鮮は1961年に中朝友好協力相互援助条約を結んだ。",
        "China",
        "signed",
        "China_DPRK_Treaty_of_Friendship",
    ),
    (
        "岸田首相と尹錫悦大統領、バイデン大統領はキャンプ・デービッド原則に署名した。",
        "Joe_Biden",
        "signed",
        "Camp_David_Principles_2023",
    ),
    (
        "ウクライナ政府は米国と米ウクライナ鉱物資源協定を締結したと発表した。",
        "Ukraine",
        "signed",
        "US_Ukraine_Minerals_Agreement",
    ),
    (
        "日本と中国は1978年、北京で日中平和友好条約に調印した。",
        "Japan",
        "signed",
        "Japan_China_Treaty_of_Peace_and_Friendship",
    ),
    ("米国と旧ソ連は1987年にINF全廃条約に署名した。", "United_States", "signed", "INF_Treaty"),
    (
        "小泉純一郎首相と金正日総書記は2002年、日朝平壌宣言に署名した。",
        "Kim_Jong_Il",
        "signed",
        "Japan_DPRK_Pyongyang_Declaration",
    ),
    # ---- visited
    (
        "岸田文雄首相は2023年3月、ウクライナの首都キーウを訪問した。",
        "Fumio_Kishida",
        "visited",
        "Ukraine",
    ),
    ("中国の習近平国家主席は20日、モスクワに到着した。", "Xi_Jinping", "visited", "Russia"),
    (
        "ブリンケン国務長官は5日から北京を訪れ、王毅外相と会談した。",
        "Antony_Blinken",
        "visited",
        "China",
    ),
    (
        "ゼレンスキー大統領は訪米し、バイデン大統領と会談した。",
        "Volodymyr_Zelensky",
        "visited",
        "United_States",
    ),
    ("韓国の尹錫悦大統領は訪日中の16日、岸田首相と会談した。", "Yoon_Suk_Yeol", "visited", "Japan"),
    ("プーチン大統領の訪中は今年2度目となる。", "Vladimir_Putin", "visited", "China"),
    (
        "ラブロフ外相が平壌に到着し、崔善姫外相の出迎えを受けた。",
        "Sergey_Lavrov",
        "visited",
        "North_Korea",
    ),
    (
        "訪朝したショイグ安全保障会議書記は金正恩総書記と会談した。",
        "Sergei_Shoigu",
        "visited",
        "North_Korea",
    ),
    ("モディ首相は2024年7月8日、モスクワを公式訪問した。", "Narendra_Modi", "visited", "Russia"),
    ("ラブロフ外相は北京に到着した。", "Sergey_Lavrov", "visited", "China"),
    ("習近平国家主席の訪露は5年ぶりとなる。", "Xi_Jinping", "visited", "Russia"),
    ("尹錫悦大統領は訪米し、首脳会談に臨んだ。", "Yoon_Suk_Yeol", "visited", "United_States"),
    ("プーチン大統領はラブロフ外相を北朝鮮に派遣した。", "Sergey_Lavrov", "visited", "North_Korea"),
    # ---- supplied
    ("イランはロシアに自爆ドローンを供与した。", "Iran", "supplied", "Russia"),
    ("米国はウクライナに砲弾を提供した。", "United_States", "supplied", "Ukraine"),
    (
        "米国はウクライナに高機動ロケット砲システムを供与している。",
        "United_States",
        "supplied",
        "Ukraine",
    ),
    ("北朝鮮はロシアに砲弾数百万発を送ったとされる。", "North_Korea", "supplied", "Russia"),
    ("北朝鮮は約1万1000人の兵士をロシアに派遣した。", "North_Korea", "supplied", "Russia"),
    ("中国がロシアに軍民両用品を輸出していると米国が非難した。", "China", "supplied", "Russia"),
    ("ドイツは2023年1月、ウクライナに主力戦車を供与した。", "Germany", "supplied", "Ukraine"),
    ("報道によると、イランはロシアに弾道ミサイルを輸送した。", "Iran", "supplied", "Russia"),
    (
        "北朝鮮がウクライナに対抗するためロシアに武器を供給した。",
        "North_Korea",
        "supplied",
        "Russia",
    ),
    # ---- condemned
    ("日本政府は北朝鮮の弾道ミサイル発射を強く非難した。", "Japan", "condemned", "North_Korea"),
    (
        "国連のグテーレス事務総長はロシアによるウクライナ侵攻を非難した。",
        "Antonio_Guterres",
        "condemned",
        "Russia",
    ),
    ("中国外務省の報道官は米国の対応を批判した。", "China", "condemned", "United_States"),
    (
        "韓国外交部は朝ロ条約を糾弾した。",
        "South_Korea",
        "condemned",
        "DPRK_Russia_Comprehensive_Strategic_Partnership_Treaty",
    ),
    ("韓国外交部はロシアと北朝鮮の軍事協力を糾弾した。", "South_Korea", "condemned", "North_Korea"),
    (
        "ゼレンスキー大統領はイランがロシアに無人機を提供していると非難した。",
        "Volodymyr_Zelensky",
        "condemned",
        "Iran",
    ),
    ("G7外相は北朝鮮の核・ミサイル開発に深刻な懸念を表明した。", "G7", "condemned", "North_Korea"),
    ("北朝鮮外務省は日米韓の合同軍事演習に抗議した。", "North_Korea", "condemned", "Japan"),
    (
        "ロシア外務省のザハロワ報道官は日本の制裁措置を批判した。",
        "Maria_Zakharova",
        "condemned",
        "Japan",
    ),
    ("米国務省はロシアと北朝鮮の条約締結に懸念を示した。", "United_States", "condemned", "Russia"),
    (
        "中国がロシアに軍民両用品を輸出していると米国が非難した。",
        "United_States",
        "condemned",
        "China",
    ),
]

NEGATIVES = [
    # ---- signed
    ("日本政府は核兵器禁止条約に署名していない。", "signed"),
    ("トランプ大統領は新START条約の延長に署名する意向を示した。", "signed"),
    ("両国は来月にも日米地位協定の改定に調印する予定だ。", "signed"),
    ("ロシアは2023年、包括的核実験禁止条約の批准を撤回した。", "signed"),
    ("署名活動が各地で広がった。", "signed"),
    ("北朝鮮は核拡散防止条約からの脱退を宣言した。", "signed"),
    ("両国が条約を締結すれば、地域の緊張は高まる可能性がある。", "signed"),
    ("米国は韓国に協定への署名を要請した。", "signed"),
    # ---- visited
    ("石破首相は来月、米国を訪問する予定だ。", "visited"),
    ("プーチン大統領は金正恩総書記をモスクワ訪問に招待した。", "visited"),
    ("金正恩総書記はロシア訪問を検討している。", "visited"),
    ("プーチン大統領は習近平国家主席をロシアに招待した。", "visited"),
    ("トランプ氏は北朝鮮を訪問しないと述べた。", "visited"),
    ("韓国の外相がロシアを訪問すれば、関係改善につながる可能性がある。", "visited"),
    # ---- supplied
    ("韓国政府はウクライナに殺傷兵器を供与しない方針を維持した。", "supplied"),
    ("日本はウクライナへの武器提供を検討している。", "supplied"),
    ("米国は台湾に武器を売却する可能性がある。", "supplied"),
    ("写真提供=共同通信", "supplied"),
    ("提供写真。", "supplied"),
    ("ロシアは北朝鮮に技術を提供する可能性がある。", "supplied"),
    ("ロシアが北朝鮮に核技術を移転すれば、地域の安全保障は揺らぐ。", "supplied"),
    ("ウクライナはNATOに武器の追加供与を要請した。", "supplied"),
    ("ロシアは北朝鮮に石油を供給すると約束した。", "supplied"),
    ("米国はウクライナに戦車を供与すると約束した。", "supplied"),
    ("北朝鮮はロシアに武器を供与したとの報道を否定した。", "supplied"),
    # ---- condemned
    ("女優の発言に批判殺到", "condemned"),
    ("岸田首相は野党の批判に反論した。", "condemned"),
    ("中国はロシアを非難しなかった。", "condemned"),
    ("米国がロシアを非難すれば、対立は深まる。", "condemned"),
    ("韓国は北朝鮮に対し、挑発を中止するよう求めた。", "condemned"),
    ("ロシアは米国を非難する可能性がある。", "condemned"),
    # the sanctioning bloc is not the supplier of what it sanctions
    ("EUは、ロシアに無人機を提供したとしてイランの団体を制裁対象に追加した。", "supplied"),
]


def _facts(result):
    return {(e.agent, e.relation, e.target) for e in result.events if e.is_fact}


@pytest.mark.parametrize(("text", "agent", "relation", "target"), POSITIVES)
def test_heldout_positive(extract_text, text, agent, relation, target):
    facts = _facts(extract_text(text))
    assert (agent, relation, target) in facts, sorted(facts)


@pytest.mark.parametrize(("text", "relation"), NEGATIVES)
def test_heldout_negative(extract_text, text, relation):
    facts = _facts(extract_text(text))
    assert not [f for f in facts if f[1] == relation], sorted(facts)


def test_recipient_is_not_the_country_attacked(extract_text):
    facts = _facts(extract_text("北朝鮮がウクライナに対抗するためロシアに武器を供給した。"))
    assert ("North_Korea", "supplied", "Ukraine") not in facts


def test_supply_item_is_recorded(extract_text):
    result = extract_text("イランはロシアに自爆ドローンを供与した。")
    assert [e.item for e in result.events if e.relation == "supplied"] == ["ドローン"]


@pytest.mark.parametrize(
    ("text", "relation", "modality"),
    [
        ("韓国政府はウクライナに殺傷兵器を供与しない方針を維持した。", "supplied", "negated"),
        (
            "韓国の外相がロシアを訪問すれば、関係改善につながる可能性がある。",
            "visited",
            "hypothetical",
        ),
        ("石破首相は来月、米国を訪問する予定だ。", "visited", "planned"),
        ("ラブロフ外相は26日から北朝鮮を訪問し、崔善姫外相と会談する。", "visited", "planned"),
        ("ラブロフ外相は16日に北朝鮮を訪問し、崔善姫外相と会談した。", "visited", "asserted"),
        ("韓国政府は朝ロ条約を糾弾する声明を発表した。", "condemned", "asserted"),
        ("米国は台湾に武器を売却する可能性がある。", "supplied", "speculative"),
        ("米国はウクライナに戦車を供与すると約束した。", "supplied", "promised"),
        ("北朝鮮はロシアに武器を供与したとの報道を否定した。", "supplied", "denied"),
        ("報道によると、イランはロシアに弾道ミサイルを輸送した。", "supplied", "reported"),
        ("イランはロシアに自爆ドローンを供与した。", "supplied", "asserted"),
        ("中国外務省の報道官は日本の決定を批判した。", "condemned", "asserted"),
        # a supply decided is announced, not done (the guideline's optional kind): planned
        ("英国はウクライナへの長距離ミサイルの供与を決めた。", "supplied", "planned"),
    ],
)
def test_modality_is_recorded(extract_text, text, relation, modality):
    events = [e for e in extract_text(text).events if e.relation == relation]
    assert events and {e.modality for e in events} == {modality}


def test_nested_statement_gives_both_facts_with_attribution(extract_text):
    result = extract_text("米国と韓国は、北朝鮮がロシアに武器を提供していると非難した。")
    facts = _facts(result)
    assert {
        ("United_States", "condemned", "North_Korea"),
        ("South_Korea", "condemned", "North_Korea"),
        ("North_Korea", "supplied", "Russia"),
    } <= facts
    supply = next(e for e in result.events if e.relation == "supplied")
    assert supply.modality == "reported"
    assert set(supply.attributed_to) == {"United_States", "South_Korea"}


def test_scheduled_visit_is_dated_forward(extract_text):
    events = extract_text("ラブロフ外相は26日から北朝鮮を訪問し、崔善姫外相と会談する。").events
    assert [e.date for e in events if e.relation == "visited"] == ["2024-06-26"]


def test_topic_of_the_previous_sentence_is_the_subject(extract_text):
    text = "上川陽子外相は20日、記者会見を開いた。ロシアによるウクライナ侵攻を強く非難した。"
    assert ("Yoko_Kamikawa", "condemned", "Russia") in _facts(extract_text(text))
