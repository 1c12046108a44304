"""kg.report: report.md from a small hand-built graph."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from kg.analyze import ActorScore, centrality, entity_graph
from kg.report import md_cell, md_text, report_markdown, write_report
from kg.vocab import KG, document_iri, entity_iri, event_iri

PUTIN, KIM = entity_iri("Vladimir_Putin"), entity_iri("Kim_Jong_Un")
RUSSIA, NORTH_KOREA, JAPAN = entity_iri("Russia"), entity_iri("North_Korea"), entity_iri("Japan")
TREATY = entity_iri("Treaty")

ENTITIES = [
    (PUTIN, "Person", "プーチン"),
    (KIM, "Person", "金正恩"),
    (RUSSIA, "State", "ロシア"),
    (NORTH_KOREA, "State", "北朝鮮"),
    (JAPAN, "State", "日本"),
    (TREATY, "Agreement", "包括的戦略パートナーシップ条約"),
]
DOCUMENTS = {
    "d1": ("プーチン氏、24年ぶり訪朝", "2024-06-19", "a.txt"),
    "d2": ("露朝が署名 | 速報\n第2報", "2024-06-20", "b.txt"),  # a pipe and a line break
    "d3": ("日本政府が非難", "2024-06-21", "c.txt"),
}
# (relation, agent, target, document, sentence, modality)
EVENTS = [
    ("visited", PUTIN, NORTH_KOREA, "d1", "プーチン大統領が北朝鮮を訪問した。", "asserted"),
    ("visited", PUTIN, NORTH_KOREA, "d2", "プーチン氏は平壌に到着したという。", "reported"),
    ("signed", PUTIN, TREATY, "d2", "プーチン氏は条約に署名した。", "asserted"),
    ("signed", KIM, TREATY, "d2", "<img src=x onerror=alert(1)>金正恩氏も署名。", "asserted"),
    ("condemned", JAPAN, NORTH_KOREA, "d3", "日本政府は北朝鮮を非難した。", "asserted"),
    ("supplied", RUSSIA, NORTH_KOREA, "d3", "ロシアが支援する可能性がある。", "hypothetical"),
]


def build_graph() -> Graph:
    g = Graph()
    for entity, kind, label in ENTITIES:
        g.add((entity, RDF.type, KG[kind]))
        g.add((entity, RDFS.label, Literal(label, lang="ja")))
    for doc_id, (title, date, source) in DOCUMENTS.items():
        g.add((document_iri(doc_id), RDF.type, KG.Document))
        g.add((document_iri(doc_id), DCTERMS.title, Literal(title)))
        g.add((document_iri(doc_id), DCTERMS.date, Literal(date)))
        g.add((document_iri(doc_id), DCTERMS.source, Literal(source)))
    for index, (relation, agent, target, doc_id, sentence, modality) in enumerate(EVENTS):
        event = event_iri(doc_id, index)
        g.add((event, RDF.type, KG.Event))
        g.add((event, KG.relation, KG[relation]))
        g.add((event, KG.agent, agent))
        g.add((event, KG.target, target))
        g.add((event, KG.modality, KG[modality]))
        g.add((event, KG.evidence, Literal(sentence)))
        g.add((event, PROV.wasDerivedFrom, document_iri(doc_id)))
        if modality in {"asserted", "reported"}:
            g.add((agent, KG[relation], target))
    return g


@pytest.fixture
def graph() -> Graph:
    return build_graph()


@pytest.fixture
def report(graph, tmp_path) -> str:
    G = entity_graph(graph)
    path = tmp_path / "report.md"
    write_report(graph, G, centrality(G), path, title="露朝関係 | 2024")
    return path.read_text(encoding="utf-8")


def section(report: str, heading: str) -> str:
    """The text under a ``## heading`` up to the next level-2 heading."""
    match = re.search(rf"^## {re.escape(heading)}.*?$(.*?)(?=^## |\Z)", report, re.M | re.S)
    assert match, f"no section {heading!r}"
    return match.group(1)


def test_title_is_escaped(report):
    assert report.startswith("# 露朝関係 \\| 2024\n")


@pytest.mark.parametrize(
    "row",
    [
        "| Person | 2 |",
        "| State | 3 |",
        "| Agreement | 1 |",
        "| Organization | 0 |",
        "| Total | 6 |",
    ],
)
def test_entity_counts_per_class(report, row):
    assert row in section(report, "Entities by class")


@pytest.mark.parametrize(
    "row",
    [
        "| signed | 2 | 2 | asserted 2 |",
        "| visited | 1 | 2 | asserted 1, reported 1 |",
        "| supplied | 0 | 0 | hypothetical 1 |",
        "| condemned | 1 | 1 | asserted 1 |",
    ],
)
def test_relation_counts_per_type(report, row):
    assert row in section(report, "Relations by type")


def test_documents_table_in_date_order_with_escaped_cells(report):
    rows = [line for line in section(report, "Documents").splitlines() if line.startswith("| ")]
    assert rows[2:] == [
        "| プーチン氏、24年ぶり訪朝 | 2024-06-19 | a.txt |",
        "| 露朝が署名 \\| 速報<br>第2報 | 2024-06-20 | b.txt |",
        "| 日本政府が非難 | 2024-06-21 | c.txt |",
    ]


def test_central_actors_table(report):
    table = section(report, "Most central actors")
    assert "| # | Entity | Class | Degree | PageRank | Betweenness |" in table
    rows = [line.split(" | ") for line in table.splitlines() if re.match(r"\| \d", line)]
    assert [row[1] for row in rows][:2] == ["北朝鮮", "包括的戦略パートナーシップ条約"]
    assert rows[0][2:4] == ["State", "2"]  # visited by Putin, condemned by Japan
    assert len(rows) == 6


def test_central_actors_are_cut_at_top(graph, tmp_path):
    scores = [ActorScore(f"x{n}", f"actor {n}", "Person", 0, 1 / 20, 0.0) for n in range(20)]
    text = report_markdown(graph, entity_graph(graph), scores, title="t")
    table = section(text, "Most central actors")
    ranks = re.findall(r"^\| (\d+) \|", table, re.M)
    assert ranks == [str(n) for n in range(1, 16)]


@pytest.mark.parametrize(
    ("relation", "pair", "evidence"),
    [
        (
            "visited",
            "**プーチン → 北朝鮮** (2 mentions)",
            [
                "- プーチン大統領が北朝鮮を訪問した。 — *プーチン氏、24年ぶり訪朝*, 2024-06-19",
                "- プーチン氏は平壌に到着したという。 — *露朝が署名 \\| 速報 第2報*, 2024-06-20 "
                "(reported)",
            ],
        ),
        (
            "condemned",
            "**日本 → 北朝鮮** (1 mention)",
            ["- 日本政府は北朝鮮を非難した。 — *日本政府が非難*, 2024-06-21"],
        ),
    ],
)
def test_relations_with_evidence(report, relation, pair, evidence):
    evidence_section = section(report, "Relations and evidence")
    block = re.search(rf"^### {relation}$(.*?)(?=^### |\Z)", evidence_section, re.M | re.S)
    assert block, f"no subsection for {relation}"
    lines = block.group(1).strip().splitlines()
    start = lines.index(pair)
    assert lines[start + 2 : start + 2 + len(evidence)] == evidence


def test_relation_without_a_direct_triple_has_no_evidence_block(report):
    assert "### supplied" not in report
    assert "ロシアが支援する可能性がある。" not in section(report, "Relations and evidence")
    assert "ロシアが支援する可能性がある。" in section(report, "Timeline")  # an event all the same


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the Markdown tables in ``text``, split into cells."""
    rows = [line.strip("| ").split(" | ") for line in text.splitlines() if line.startswith("| ")]
    return [
        row for row in rows if not set(row[0]) <= set("-: #") and row[0] not in {"Bloc", "Date"}
    ]


def test_communities_section(report):
    text = section(report, "Communities")
    assert re.search(r"Modularity 0\.\d{3} ", text)
    rows = table_rows(text)
    members = {row[2] for row in rows}
    assert members == {"北朝鮮、プーチン、日本", "包括的戦略パートナーシップ条約、金正恩"}
    assert [row[1] for row in rows] == ["3", "2"]  # largest first


def test_blocs_section(report):
    rows = table_rows(section(report, "Blocs"))
    assert rows == [
        ["1", "北朝鮮、包括的戦略パートナーシップ条約、プーチン、金正恩", "2", "none"],
        ["2", "日本", "1", "none"],  # it condemned North Korea
    ]


def test_paths_between_rival_blocs(report):
    text = section(report, "Paths between rival blocs")
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines == [
        "**北朝鮮 → 日本** (bloc 1 to bloc 2, 1 hop)",
        "1. 日本 —condemned→ 北朝鮮 (1 mention)",
        "   - 日本政府は北朝鮮を非難した。 — *日本政府が非難*, 2024-06-21",
    ]


def test_timeline_section_lists_every_event_by_date_escaped(report):
    rows = table_rows(section(report, "Timeline"))
    assert [row[0] for row in rows] == ["2024-06-19\\*"] + ["2024-06-20\\*"] * 3 + [
        "2024-06-21\\*"
    ] * 2
    assert rows[1][1:4] == [
        "金正恩 —signed→ 包括的戦略パートナーシップ条約",
        "asserted",
        "&lt;img src=x onerror=alert(1)&gt;金正恩氏も署名。",
    ]
    assert rows[1][4] == "露朝が署名 \\| 速報<br>第2報"
    assert [row[2] for row in rows].count("hypothetical") == 1


def test_graph_without_hostility_has_no_rival_paths(graph):
    graph.remove((None, KG.condemned, None))
    G = entity_graph(graph)
    text = report_markdown(graph, G, centrality(G), title="t")
    assert "No rival blocs." in section(text, "Paths between rival blocs")


def test_markup_in_sentences_is_escaped(report):
    assert "<img src=x onerror" not in report
    assert "&lt;img src=x onerror=alert(1)&gt;金正恩氏も署名。" in report


@pytest.mark.parametrize(
    ("text", "inline", "cell"),
    [
        ("a|b", "a\\|b", "a\\|b"),
        ("line\nbreak", "line break", "line<br>break"),
        ("crlf\r\nbreak", "crlf break", "crlf<br>break"),
        ("*bold* _em_ `code`", "\\*bold\\* \\_em\\_ \\`code\\`", "\\*bold\\* \\_em\\_ \\`code\\`"),
        ("[link](x)", "\\[link\\](x)", "\\[link\\](x)"),
        ("<b>R&D</b>", "&lt;b&gt;R&amp;D&lt;/b&gt;", "&lt;b&gt;R&amp;D&lt;/b&gt;"),
        ("北朝鮮", "北朝鮮", "北朝鮮"),
    ],
)
def test_markdown_escaping(text, inline, cell):
    assert md_text(text) == inline
    assert md_cell(text) == cell


def test_empty_graph_report(tmp_path):
    g = Graph()
    write_report(g, entity_graph(g), [], tmp_path / "report.md", title="empty")
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "No documents." in text
    assert "No entities." in text
    assert "No relations found." in text
    assert "No relations." in section(text, "Communities")
    assert "No relations." in section(text, "Blocs")
    assert "No events." in section(text, "Timeline")


def test_write_is_atomic_and_leaves_no_temporary_files(graph, tmp_path):
    G = entity_graph(graph)
    target = tmp_path / "out" / "report.md"
    write_report(graph, G, centrality(G), target, title="first")
    write_report(graph, G, centrality(G), target, title="second")
    assert [p.name for p in target.parent.iterdir()] == ["report.md"]
    assert target.read_text(encoding="utf-8").startswith("# second\n")


def test_failed_write_keeps_the_old_report(graph, tmp_path, monkeypatch):
    target = tmp_path / "report.md"
    target.write_text("old report", encoding="utf-8")

    def fail(source: str, destination: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_report(graph, entity_graph(graph), [], target, title="new")
    assert target.read_text(encoding="utf-8") == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]
