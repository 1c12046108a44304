"""Property-based tests: random and adversarial text never crashes the cleaner or the
extractor, and the graph built from it is Turtle that rdflib and Oxigraph both read back.

GiNZA is the session fixture's; examples are few and short (each one is parsed).
"""

from __future__ import annotations

import pyoxigraph
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.clean import clean
from kg.graph import build_graph
from kg.pipeline import extract

# Words the rules react to, so that random text reaches the extractor's deeper paths.
WORDS = (
    "プーチン", "大統領", "金正恩", "総書記", "北朝鮮", "ロシア", "韓国", "日米韓", "米",
    "両首脳", "同条約", "包括的戦略パートナーシップ条約", "は", "が", "を", "に", "と", "の",
    "で", "、", "訪問した", "署名した", "非難した", "供与した", "ミサイル", "19日",
    "2024年6月19日", "氏", "によると", "と述べた", "方針", "可能性", "ない", "「", "」", "（",
    "）", " ",
)  # fmt: skip
ACTORS = ("プーチン大統領", "北朝鮮", "韓国政府", "金正恩総書記", "岸田首相", "日米韓")
TARGETS = ("平壌", "ロシア", "条約", "北朝鮮のミサイル発射", "ワシントン")
VERBS = ("訪問した", "署名した", "非難した", "供与した", "訪問する方針だ", "非難しなかった")
# Characters and strings that have broken text pipelines and serializers elsewhere.
ADVERSARIAL = (
    "\x00", "\x01", "\x1b$B", "\ufeff", "\u200b", "\u202e", "\r\n", "\r", "\u2028", "\x85",
    "\ufffd", "🇯🇵", "👨\u200d👩\u200d👧", "e\u0301", "ｱｲｳｴｵ", "＜script＞", "<>&\"'\\",
    '"""', "\\u0000", "@prefix x: <y> .", "#", "http://example.com/a b", "𠮷野家", "\t",
    "…", "━" * 30, "。" * 20, "「" * 10, "」" * 10, "1位", "Copyright ©", "※", "【動画】",
)  # fmt: skip

noise = st.one_of(st.sampled_from(ADVERSARIAL), st.text(max_size=3))
words = st.lists(st.one_of(st.sampled_from(WORDS), noise), min_size=1, max_size=12).map("".join)
events = st.builds(
    "{}は{}19日、{}を{}{}。".format,
    st.sampled_from(ACTORS),
    st.one_of(st.just(""), noise),
    st.sampled_from(TARGETS),
    st.sampled_from(VERBS),
    st.one_of(st.just(""), noise),
)
sentences = st.one_of(events, words.map(lambda text: text + "。"), noise)
texts = st.lists(sentences, min_size=1, max_size=6).map("\n".join)

FEW = settings(
    max_examples=30,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the working tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FEW
@given(st.one_of(texts, st.binary(max_size=200)))
def test_the_cleaner_never_crashes_and_its_sections_cover_the_text(raw):
    article = clean(raw, doc_id="d", source="s.txt")
    assert isinstance(article.text, str)
    assert "\x00" not in article.text and "\r" not in article.text
    sections = article.sections
    assert sections[0].start == 0 and sections[-1].end == len(article.text)
    assert all(a.end == b.start for a, b in zip(sections, sections[1:], strict=False))


@FEW
@given(texts)
def test_the_extractor_on_cleaned_text_gives_valid_turtle(nlp, gazetteer, raw):
    article = clean(raw, doc_id="fuzz", source="fuzz.txt", url="https://example.com/a b")
    if not article.text.strip():
        return
    result = extract([article], gazetteer=gazetteer)
    assert result.problems == []  # no extraction error was swallowed
    _assert_valid_turtle(result)


@FEW
@given(texts)
def test_the_extractor_on_raw_text_gives_valid_turtle(nlp, extract_text, raw):
    if not raw.strip():
        return
    result = extract_text(raw)
    assert result.problems == []
    _assert_valid_turtle(result)


def _assert_valid_turtle(result) -> None:
    """Serialize the build's graph and read it back with rdflib and with Oxigraph."""
    graph = build_graph(result.articles, result.entities.entities.values(), result.events)
    turtle = graph.serialize(format="turtle")
    again = rdflib.Graph().parse(data=turtle, format="turtle")
    assert len(again) == len(graph)
    quads = list(pyoxigraph.parse(turtle.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(graph)
