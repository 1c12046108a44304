"""Tests for kg.clean: boilerplate out, article text, title, date and sections kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kg.clean import clean, find_date
from kg.model import Article

SEEDS = Path(__file__).parent.parent / "seeds"


def _clean(raw: str) -> Article:
    return clean(raw, doc_id="doc", source="test.txt", url="https://example.com/a")


def _paragraphs(article: Article) -> list[str]:
    return article.text.split("\n") if article.text else []


def _seed(prefix: str) -> Article:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return clean(path.read_text(encoding="utf-8"), doc_id=path.stem, source=path.name)


def _assert_sections_cover(article: Article) -> None:
    sections = article.sections
    assert sections, "every article has at least one section"
    assert sections[0].start == 0
    assert sections[-1].end == len(article.text)
    for before, after in zip(sections, sections[1:], strict=False):
        assert before.end == after.start
    if article.text:
        assert all(s.start < s.end for s in sections)


# --- find_date ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年6月20日(木)11時23分", dt.date(2024, 6, 20)),
        ("2024年06月19日 21:19", dt.date(2024, 6, 19)),
        ("ロシアと北朝鮮2024年06月19日 21:19", dt.date(2024, 6, 19)),
        ("2024.07.19", dt.date(2024, 7, 19)),
        ("2024/06/20", dt.date(2024, 6, 20)),
        ("2024-06-20", dt.date(2024, 6, 20)),
        ("公開日:2023/10/13", dt.date(2023, 10, 13)),
        ("2024年7月 2日号", dt.date(2024, 7, 2)),
        ("２０２４年６月２０日", dt.date(2024, 6, 20)),
        ("令和6年6月19日", dt.date(2024, 6, 19)),
        ("平成元年1月8日", dt.date(1989, 1, 8)),
        ("2024年13月40日", None),
        ("2024/02/30", None),
        ("2024年13月40日、その後2024年6月1日", dt.date(2024, 6, 1)),
        ("6月20日", None),
        ("2024.06/20", None),
        ("電話 0120-12-34", None),
        ("", None),
    ],
)
def test_find_date(text: str, expected: dt.date | None) -> None:
    assert find_date(text) == expected


# --- line rules, each inside a small article -----------------------------------------

FIRST = "政府は20日、北朝鮮の弾道ミサイル発射に抗議したと発表した。"
LAST = "官房長官は記者会見で「断じて容認できない」と述べた。"


def _page(middle: str) -> str:
    return f"首相、北朝鮮に抗議\n2024年6月20日\n{FIRST}\n{middle}\n{LAST}\n"


@pytest.mark.parametrize(
    ("line", "gone"),
    [
        ("1\nトランプ氏の発言が話題に", "トランプ"),  # ranking number and its headline
        ("• 2\n    人気女優の私服が話題に", "人気女優"),
        ("北朝鮮がミサイル発射、専門家は「極めて…", "専門家"),  # teaser cut with …
        ("ロシア軍の新型ドローンが…", "ドローン"),
        ("【動画】平壌で歓迎式典、プーチン氏が到着", "歓迎式典"),  # link lines
        ("【関連記事】ロシア外相が平壌を訪問", "ロシア外相"),
        ("▶ 北朝鮮情勢の最新ニュースを見る", "最新ニュース"),
        ("※この記事は有料会員限定です", "有料会員"),
        ("→ 続きはアプリで読めます", "アプリ"),
        ("さらに読む ⇒ https://example.com/news/1", "example.com"),
        ("https://example.com/news/2024/06/20/north-korea.html", "example.com"),
        ("Read more on our website", "Read more"),  # no Japanese
        ("North Korean Soldiers Head to Russia", "Soldiers"),
        ("会談する両首脳(写真:ロイター/アフロ)", "両首脳"),  # photo captions
        ("握手する両首脳。(2024年 ロイター/Sputnik/Pool)", "握手"),
        ("歓迎式典に臨む金正恩氏 KCNA via REUTERS", "臨む"),
        ("会談に臨む両首脳＝19日、平壌(ロイター)", "臨む"),
        ("写真・図版", "図版"),  # page furniture
        ("広告", "広告"),
        ("会員登録はこちらから", "会員登録"),  # prompts and ads
        ("※バックナンバーが読み放題となる定期購読はこちら", "定期購読"),
        ("2024年7月2日号(6月25日発売)は「外交の行方」特集。", "外交の行方"),
        ("ホーム\n国際\n政治\nアジア", "アジア"),  # navigation run
        ("[ロイター]", "ロイター"),  # bracket-only labels
        ("- [ロシア外相が来日へ](https://example.com/a)", "ロシア外相"),  # markdown link item
        ("【要点】", "要点"),
    ],
)
def test_boilerplate_line_is_dropped_and_body_kept(line: str, gone: str) -> None:
    article = _clean(_page(line))
    assert gone not in article.text
    assert FIRST in article.text
    assert LAST in article.text


@pytest.mark.parametrize(
    "marker",
    [
        "今、あなたにオススメ",
        "あわせて読みたい",
        "関連記事",
        "【関連記事】",
        "人気ランキング",
        "アクセスランキング",
        "メールマガジンのご登録はこちらから。",
        "メルマガ登録",
        "コメント",
        "コメント(3)",
        "トラックバック",
        "Copyright (C) 2024 Example News Inc.",
        "© 2024 テスト新聞社",
        "(c) 2024 Example Shimbun",
        "ⓒ 中央日報/中央日報日本語版",
        "記事・写真の無断転載を禁じます。",
    ],
)
def test_footer_marker_ends_the_body(marker: str) -> None:
    article = _clean(_page(marker))
    assert FIRST in article.text
    assert LAST not in article.text
    assert marker not in article.text


def test_footer_word_before_the_body_does_not_cut() -> None:
    article = _clean("最新記事\nランキング\n首相、北朝鮮に抗議\n2024年6月20日\n" + FIRST + "\n")
    assert article.text.endswith(FIRST)
    assert "ランキング" not in article.text


def test_sentence_mentioning_a_footer_word_is_kept() -> None:
    line = "世界大学ランキングで東大は29位だった。"
    assert line in _clean(_page(line)).text


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (
            "両国は包括的戦略パートナーシップ条約に署名した。",
            "両国は包括的戦略パートナーシップ条約に署名した。",
        ),
        ("首相は「極めて遺憾だ」", "首相は「極めて遺憾だ」"),
        ("本当に合意できるのか？", "本当に合意できるのか？"),
        ("外相は会談後に談話を発表した(共同)", "外相は会談後に談話を発表した(共同)"),
        (
            "<北朝鮮軍が訓練のためロシアに出発した。両国の結びつきを示す動きだ>",
            "北朝鮮軍が訓練のためロシアに出発した。両国の結びつきを示す動きだ",
        ),
        ("〈ロシアと北朝鮮が軍事協力を強めている〉", "ロシアと北朝鮮が軍事協力を強めている"),
        (
            "・プーチン大統領と金正恩総書記が平壌で会談。",
            "プーチン大統領と金正恩総書記が平壌で会談。",
        ),
        ("✅ 両首脳は条約に署名しました。", "両首脳は条約に署名しました。"),
        ("💡 北朝鮮はロシアに砲弾を供給している。", "北朝鮮はロシアに砲弾を供給している。"),
        ("■ 両国は経済協力でも合意した。", "両国は経済協力でも合意した。"),
        (
            "プーチン氏の訪朝は24年ぶり。金氏は空港で出迎えた。両氏は「同盟の",
            "プーチン氏の訪朝は24年ぶり。金氏は空港で出迎えた。",
        ),
        ("ＮＡＴＯ首脳会議がワシントンで開幕した。", "ＮＡＴＯ首脳会議がワシントンで開幕した。"),
    ],
)
def test_article_line_is_kept(line: str, kept: str) -> None:
    paragraphs = _paragraphs(_clean(_page(line)))
    assert kept in paragraphs


def test_truncated_line_loses_its_fragment() -> None:
    text = _clean(_page("両国は条約に署名した。外相は会見で「重大な")).text
    assert "両国は条約に署名した。" in text
    assert "重大な" not in text


def test_long_snippet_cut_without_full_stop_is_kept_whole() -> None:
    snippet = (
        "外務省の報道官は20日の定例会見で、両国が署名した新たな協定について地域の安定を損なうと"
    )
    assert len(snippet) > 40
    assert snippet in _clean(_page(snippet)).text


def test_lead_brackets_are_stripped() -> None:
    text = _clean(_page("<両国が条約に署名した。>")).text
    assert "両国が条約に署名した。" in text
    assert "<" not in text and ">" not in text


def test_link_part_of_a_mixed_line_is_dropped_and_commentary_kept() -> None:
    line = "さらに読む ⇒ニュース出典/画像元: https://example.com/a/b.html専門家は制裁強化が必要だと指摘した。"
    text = _clean(_page(line)).text
    assert "専門家は制裁強化が必要だと指摘した。" in _paragraphs(_clean(_page(line)))
    assert "さらに読む" not in text and "出典" not in text and "http" not in text


def test_url_inside_a_sentence_is_removed() -> None:
    line = "外務省は声明を発表した(https://example.go.jp/press/1)。"
    assert "外務省は声明を発表した。" in _paragraphs(_clean(_page(line)))


def test_lone_heading_kept_but_heading_runs_dropped() -> None:
    lone = _clean(_page(f"首脳会談の成果\n{FIRST.replace('20日', '21日')}"))
    assert "首脳会談の成果" in _paragraphs(lone)
    run = _clean(_page("政治\n経済\n国際\n" + FIRST.replace("20日", "21日")))
    assert not {"政治", "経済", "国際"} & set(_paragraphs(run))


def test_whitespace_is_normalised_without_nfkc() -> None:
    text = _clean(_page("\u3000両国は\u200b条約に\u00a0\u00a0署名した（速報）。\ufeff ")).text
    assert "両国は条約に 署名した（速報）。" in text.split("\n")
    for paragraph in text.split("\n"):
        assert paragraph and paragraph == paragraph.strip()
        assert "  " not in paragraph


# --- titles and dates ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "title", "date"),
    [
        (f"# 朝ロ関係\n\n見出し\n2024.07.19\n\n{FIRST}", "朝ロ関係", dt.date(2024, 7, 19)),
        (f"ロシアと北朝鮮2024年06月19日 21:19\n\n{FIRST}", "ロシアと北朝鮮", dt.date(2024, 6, 19)),
        (
            f"最新記事\n国際\n\n日米外相がソウルで会談 北朝鮮を非難\n\nNorth Korea\n\n"
            f"2024年6月20日(木)11時23分\n山田太郎\n\n{FIRST}",
            "日米外相がソウルで会談 北朝鮮を非難",
            dt.date(2024, 6, 20),
        ),
        (
            f"北朝鮮とロシアの軍事協力を徹底解説\n{FIRST}\n見出しです\n公開日:2023/10/13\n{LAST}",
            "北朝鮮とロシアの軍事協力を徹底解説",
            dt.date(2023, 10, 13),
        ),
        (
            f"ホーム > 国際 > アジア\n日韓首脳が電話会談 | テスト新聞\n2024-06-20 10:00\n{FIRST}",
            "日韓首脳が電話会談",
            dt.date(2024, 6, 20),
        ),
        (
            f"2024年6月20日 11時23分 共同通信\n韓国大統領が訪米へ\n{FIRST}",
            "韓国大統領が訪米へ",
            dt.date(2024, 6, 20),
        ),
        (f"韓国大統領が訪米へ\n{FIRST}", "韓国大統領が訪米へ", None),
        (  # a byline before the date is not the headline
            f"プーチン氏、24年ぶり訪朝\n有料記事\nソウル=山田太郎2024年6月19日 5時00分\n{FIRST}",
            "プーチン氏、24年ぶり訪朝",
            dt.date(2024, 6, 19),
        ),
        (  # the only date is in the source credit under the body
            f"北朝鮮兵、ロシア西部に到着か\n{FIRST}\n（朝日新聞デジタル 2024年10月25日 11時05分）",
            "北朝鮮兵、ロシア西部に到着か",
            dt.date(2024, 10, 25),
        ),
    ],
)
def test_title_and_date(raw: str, title: str, date: dt.date | None) -> None:
    article = _clean(raw)
    assert article.title == title
    assert article.date == date
    assert article.url == "https://example.com/a"


def test_title_is_the_first_paragraph_of_an_article_and_appears_once() -> None:
    raw = f"日米外相が会談\n2024/06/20\n{FIRST}\n日米外相が会談\n{LAST}"
    article = _clean(raw)
    assert _paragraphs(article) == ["日米外相が会談", FIRST, LAST]
    assert article.sections[0].title == "日米外相が会談"


def test_date_line_with_its_update_stays_one_section() -> None:
    head = "日米外相が会談\n公開日 2024/06/20\n更新日 2024/06/21\n"
    for tail in ("2024年6月22日更新", "文・山田太郎\n2024年6月22日"):
        article = _clean(f"{head}{FIRST}\n{LAST}\n{tail}")
        assert article.date == dt.date(2024, 6, 20)
        assert len(article.sections) == 1
        assert _paragraphs(article) == ["日米外相が会談", FIRST, LAST]


# --- list pages and digests ---------------------------------------------------------

LIST_PAGE = """\
タグ: 日ロ関係

ロシア外相が来日へ 平和条約交渉の再開探る
2024/05/10 18:30
ロシア外相が来日へ 平和条約交渉の再開探る
ロシアのラブロフ外相が来月来日する方向で調整していることが分かった。政府関係者が明らかにした。

中国、ロシアに軍民両用品を輸出か 米が懸念表明
2024/05/08 07:00
米国務省は7日、中国がロシアに軍民両用品を輸出しているとして懸念を表明した。報道官は「深刻な…

北朝鮮、ロシアに砲弾供与か
2024/05/01 12:00

アクセスランキング
1
芸能人の私服が話題
"""


def test_list_page_has_one_dated_section_per_item() -> None:
    article = _clean(LIST_PAGE)
    assert [(s.title, s.date) for s in article.sections] == [
        ("ロシア外相が来日へ 平和条約交渉の再開探る", dt.date(2024, 5, 10)),
        ("中国、ロシアに軍民両用品を輸出か 米が懸念表明", dt.date(2024, 5, 8)),
        ("北朝鮮、ロシアに砲弾供与か", dt.date(2024, 5, 1)),
    ]
    assert article.date == dt.date(2024, 5, 10)
    _assert_sections_cover(article)
    for section in article.sections:
        assert article.text[section.start : section.end].startswith(section.title)
    assert _paragraphs(article).count("ロシア外相が来日へ 平和条約交渉の再開探る") == 1
    assert "深刻な" not in article.text
    assert "芸能人" not in article.text
    assert article.date_at(article.text.index("米国務省")) == dt.date(2024, 5, 8)


def test_digest_blocks_get_their_own_dates() -> None:
    raw = (
        "ロ朝関係のまとめ\n"
        f"{FIRST}\n"
        "首脳会談の背景\n両国は何を狙うのか?\n背景を見ていきましょう。\n公開日:2023/09/13\n"
        "✅ 両首脳はボストーチヌイ宇宙基地で会談した。\n"
        "条約の中身\n条約は何を定めたのか?\n公開日:2024/06/20\n"
        "✅ 両国は包括的戦略パートナーシップ条約に署名した。\n"
    )
    article = _clean(raw)
    assert [(s.title, s.date) for s in article.sections] == [
        ("首脳会談の背景", dt.date(2023, 9, 13)),
        ("条約の中身", dt.date(2024, 6, 20)),
    ]
    signed = article.text.index("両国は包括的戦略")
    assert article.date_at(signed) == dt.date(2024, 6, 20)
    assert article.date_at(article.text.index("両首脳はボストーチヌイ")) == dt.date(2023, 9, 13)
    _assert_sections_cover(article)


# --- synthetic pages in the style of other sites --------------------------------------

OTHER_SITE_ARTICLE = """\
ホーム
国際
アジア
ニュース一覧
日米外相、ソウルで会談 北朝鮮の弾道ミサイル発射を非難
2024/06/25 14:05 更新
東亜日日新聞 政治部
ログイン
<日米の外相が25日、ソウルで会談し、北朝鮮による弾道ミサイルの発射を強く非難した。>

林外相とブリンケン国務長官は25日、ソウル市内のホテルで約1時間会談した。
両外相は、北朝鮮が前日に発射した弾道ミサイルについて「地域の平和と安定を脅かす」と非難した。
【写真】会談に臨む日米の外相
また、ロシアと北朝鮮の軍事協力についても懸念を共有した。
▶ 北朝鮮情勢の最新ニュースはこちら
会談後の記者会見
ブリンケン氏は「同盟国と緊密に連携する」と強調した。

この記事を書いた人
あわせて読みたい
・ロシア大統領が平壌を訪問、金正恩氏と会談…
・中国外相が談話を発表
アクセスランキング
1
アイドルグループの新曲が話題に…
2
人気俳優が結婚を発表
PR
夏のボーナスで買いたい家電ベスト10
ニュースレターに登録して最新情報を受け取る
(c) 2024 Toa Nichinichi Shimbun. All rights reserved.
"""

NO_HEADERS_ARTICLE = """\
防衛相が豪州訪問 共同訓練の拡大で合意
公開 2024年5月3日 9時00分
防衛相は2日、キャンベラで豪州の国防相と会談した。
両氏は共同訓練の拡大で合意した。
会談する両国の防衛相(2日、キャンベラで撮影)
1
人気歌手が新曲を発表、ファン歓喜…
2
「まさかの展開」に視聴者騒然…
定期購読のお申し込みはこちら
2024年6月号(5月20日発売)は「防衛産業の未来」を大特集。最新の装備を徹底解説。
防衛相は会見で「意義ある会談だった」と語った。
"""


@pytest.mark.parametrize(
    ("raw", "title", "date", "kept", "gone"),
    [
        (
            OTHER_SITE_ARTICLE,
            "日米外相、ソウルで会談 北朝鮮の弾道ミサイル発射を非難",
            dt.date(2024, 6, 25),
            [
                "日米の外相が25日、ソウルで会談し、北朝鮮による弾道ミサイルの発射を強く非難した。",
                "林外相とブリンケン国務長官は25日、ソウル市内のホテルで約1時間会談した。",
                "ブリンケン氏は「同盟国と緊密に連携する」と強調した。",
            ],
            "ホーム ログイン 政治部 会談に臨む こちら ロシア大統領が平壌 中国外相 アイドル 人気俳優"
            " 家電 ニュースレター Toa PR".split(),
        ),
        (
            NO_HEADERS_ARTICLE,
            "防衛相が豪州訪問 共同訓練の拡大で合意",
            dt.date(2024, 5, 3),
            [
                "防衛相は2日、キャンベラで豪州の国防相と会談した。",
                "両氏は共同訓練の拡大で合意した。",
                "防衛相は会見で「意義ある会談だった」と語った。",
            ],
            ["撮影", "人気歌手", "まさかの展開", "定期購読", "防衛産業の未来", "公開"],
        ),
    ],
)
def test_synthetic_page_from_another_site(
    raw: str, title: str, date: dt.date, kept: list[str], gone: list[str]
) -> None:
    article = _clean(raw)
    assert article.title == title
    assert article.date == date
    assert len(article.sections) == 1
    paragraphs = _paragraphs(article)
    assert paragraphs[0] == title
    for sentence in kept:
        assert sentence in paragraphs
    for text in gone:
        assert text not in article.text
    _assert_sections_cover(article)


# --- the five seed pages --------------------------------------------------------------

# Only in rankings, recommendations, magazine ads, prompts and footers of the seeds.
ALWAYS_GONE = (
    "小池百合子 ケイティ・ペリー メールマガジン Copyright オススメ ランキング http MAGAZINE"
    " 好評発売中 トラックバック 【動画】".split()
)


@pytest.mark.parametrize(
    ("prefix", "title", "date", "n_sections", "kept", "gone"),
    [
        (
            "000",
            "北朝鮮が訓練のため軍人をロシアに派遣── 動き出した「ロ朝同盟」",
            dt.date(2024, 7, 10),
            1,
            [
                "ロシアのウラジーミル・プーチン大統領は6月に平壌を訪問し",
                "北朝鮮とロシアが今年6月に締結した包括的戦略パートナーシップ条約に基づき",
                "その痛みは実に辛いものだ」",
            ],
            ["North Korean", "KCNA via REUTERS"]
            + "写真を撮る 退屈そう ユダヤ 伝記作家 コメルツ ニュース速報 <北朝鮮".split(),
        ),
        (
            "001",
            "北朝鮮とロシアの軍事協力強化?首脳会談と条約締結の裏側を徹底解説!"
            "ロ朝首脳会談と包括的戦略パートナーシップ条約締結の詳細",
            dt.date(2023, 10, 13),
            3,
            [
                "プーチン大統領のウクライナでの戦況悪化を受け、北朝鮮との連携を強化する動きは",
                "両首脳は「攻撃に対して相互援助」を謳う条約に署名し",
                "ロシアと北朝鮮は、戦略的パートナーシップを強化し、軍事協力を深化させている。",
            ],
            ["さらに読む", "出典", "画像元", "mainichi", "✅", "💡", "公開日"],
        ),
        (
            "002",
            "ロシアと北朝鮮",
            dt.date(2024, 6, 19),
            1,
            [
                "首脳会談では、平壌の金日成広場で盛大な式典が行われ",
                "2024年6月に、プーチン大統領と金正恩委員長が平壌で会談し、"
                "包括的な戦略的パートナーシップ協定に署名。",
                "米国および韓国は、北朝鮮がロシアに武器を提供していると非難。",
            ],
            ["FRANCE24", "france24", "国立国会図書館", "【引用", "【要点】", "21:19", "コメント"],
        ),
        (
            "003",
            "ロシアと北朝鮮が包括戦略条約、有事に相互支援 プーチン氏24年ぶり訪朝",
            dt.date(2024, 6, 20),
            1,
            [
                "両首脳は「包括的戦略パートナーシップ条約」に署名した。",
                "金総書記は、北朝鮮とロシアの関係が「新たな高いレベルの同盟関係」に高まったと発言。",
                "ウクライナのポドリャク大統領府顧問はXで",
            ],
            "提供写真 Sputnik トムソンロイター 無断転用 アマゾン 大衆の敵 日経平均"
            " トランプ氏「真の大統領 ロ朝同盟 最新記事".split(),
        ),
        (
            "004",
            "朝ロ",
            dt.date(2024, 7, 19),
            20,
            [
                "訪朝したロシアのクリボルチコ国防次官率いる軍事代表団と会談した。",
                "北朝鮮の金正恩(キム・ジョンウン)総書記とロシアのプーチン大統領は19日に"
                "首脳会談を行い「包括的・戦略的パートナーシップ協定」に署名した。",
                # a snippet cut short with no full stop at all is kept whole
                "米ワシントンを訪問中の尹錫悦(ユン・ソクヨル)大統領が11日午前",
            ],
            ["有事の際の", "尹大統領はウクライナを支援するN", "# "],
        ),
    ],
)
def test_seed(
    prefix: str,
    title: str,
    date: dt.date,
    n_sections: int,
    kept: list[str],
    gone: list[str],
) -> None:
    article = _seed(prefix)
    assert article.title == title
    assert article.date == date
    assert len(article.sections) == n_sections
    for sentence in kept:
        assert sentence in article.text
    for text in ALWAYS_GONE + gone:
        assert text not in article.text, text
    paragraphs = _paragraphs(article)
    assert len(paragraphs) == len(set(paragraphs)), "a paragraph is repeated"
    assert paragraphs.count(title) <= 1
    _assert_sections_cover(article)


def test_seed_004_items_are_dated_sections_with_their_headline_once() -> None:
    article = _seed("004")
    first, last = article.sections[0], article.sections[-1]
    assert first.title == "正恩氏、ロシア国防次官と会談 軍事協力の重要性確認 北朝鮮"
    assert first.date == dt.date(2024, 7, 19)
    assert last.title == "朝ロ超密着、「同盟」には温度差…自動軍事介入の復活は不透明"
    assert last.date == dt.date(2024, 6, 20)
    dates = [s.date for s in article.sections]
    assert dates == sorted(dates, reverse=True)
    assert dates.count(dt.date(2024, 7, 12)) == 2
    paragraphs = _paragraphs(article)
    for section in article.sections:
        assert section.title is not None
        assert paragraphs.count(section.title) == 1
        assert article.text[section.start : section.end].startswith(section.title)
    meeting = article.text.index("クリボルチコ国防次官")
    assert article.date_at(meeting) == dt.date(2024, 7, 19)
    summit = article.text.index("錦繍山迎賓館")
    assert article.date_at(summit) == dt.date(2024, 6, 20)


def test_seed_001_blocks_carry_their_own_dates() -> None:
    article = _seed("001")
    assert [s.date for s in article.sections] == [
        dt.date(2023, 10, 13),
        dt.date(2024, 6, 20),
        dt.date(2024, 6, 19),
    ]
    assert [s.title for s in article.sections] == [
        "軍事的連携の深化:ウクライナ情勢と北朝鮮軍の役割",
        "安全保障と経済的利益の追求:観光産業と派兵の可能性",
        "新たな年の幕開け:協力の継続と軍事力の誇示",
    ]
    visit = article.text.index("プーチン大統領が24年ぶりに北朝鮮を訪問し")
    assert article.date_at(visit) == dt.date(2024, 6, 19)
    treaty = article.text.index("北朝鮮とロシアは、包括的戦略パートナーシップ条約を締結し")
    assert article.date_at(treaty) == dt.date(2024, 6, 20)


def test_seed_000_lead_and_heading_without_markup() -> None:
    paragraphs = _paragraphs(_seed("000"))
    assert paragraphs[1].startswith("北朝鮮とロシアが今年6月に締結した")
    assert paragraphs[1].endswith("印象付ける動きだ")
    assert "ビラール・ラーマン" not in paragraphs


# --- robustness ---------------------------------------------------------------------

LONG_LINE = "北朝鮮はロシアと条約を結んだ。" * 2000


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "\x00\x01",
        "\x00\x01\x02\x7f\ufffd\ud800\u200b",
        bytes(range(256)).decode("latin-1"),
        "\n\n\r\n\r",
        "a" * 30_000,
        "http://" + "x" * 30_000,
        "1\n" * 500,
        "(" * 10_000 + "。",
        "2024年" * 5_000,
        LONG_LINE,
    ],
)
def test_any_text_gives_an_article(raw: str) -> None:
    article = _clean(raw)
    assert isinstance(article, Article)
    assert isinstance(article.text, str)
    assert "\x00" not in article.text
    _assert_sections_cover(article)


@pytest.mark.parametrize("raw", ["", "\x00\x01", "a" * 30_000, "\r\n\r\n"])
def test_junk_gives_empty_text(raw: str) -> None:
    article = _clean(raw)
    assert article.text == ""
    assert article.title is None
    assert article.date is None


def test_one_huge_line_without_newlines_is_kept() -> None:
    article = _clean(LONG_LINE)
    assert len(LONG_LINE) == 30_000
    assert article.text.startswith("北朝鮮はロシアと条約を結んだ。")
    assert "\n" not in article.text


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\u2028"])
def test_newline_conventions_give_the_same_article(newline: str) -> None:
    path = next(SEEDS.glob("003_*.txt"))
    raw = path.read_text(encoding="utf-8")
    assert _clean(raw.replace("\n", newline)) == _clean(raw)


def test_a_line_of_related_dated_headlines_is_dropped():
    """A related-news box run into one line reports nothing of the article's own."""
    from kg.clean import clean

    raw = (
        "ケニアで大雨\n\nケニアの首都ナイロビで12日、大雨が降った。\n"
        "2016年8月16日(火):台風が上陸2014年7月7日(月):特別警報が出た2012年10月23日(火):"
        "サイクロンがオーストラリアに上陸\n"
    )
    article = clean(raw, doc_id="d", source="a.txt")
    assert "ナイロビ" in article.text and "オーストラリア" not in article.text


def test_sources_cited_at_the_end_head_no_blocks() -> None:
    """A news wire's article ends with its sources, each a 『title』 line and a 'publisher,
    date' line: those dates tell when the article was written but head no list items, so
    the headline stays the article's first paragraph (where its facts are read)."""
    raw = (
        "# ペルー大統領、チリを訪問\n\n"
        "ペルーのロペス大統領は3日、チリの首都サンティアゴを訪問した。\n"
        "両国は漁業協定の改定で合意した。\n"
        "山田一郎『ペルー大統領がチリ訪問』。\n"
        "東西新聞、2015年3月4日。\n"
        "『ペルー・チリ首脳会談』。\n"
        "南北通信、2015年3月4日。\n"
    )
    article = clean(raw, doc_id="d", source="d.txt")
    assert article.text.startswith("ペルー大統領、チリを訪問\n")
    assert len(article.sections) == 1
    assert article.date == dt.date(2015, 3, 4)
