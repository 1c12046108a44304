"""``report.md``: what the graph holds, who is central, how actors group, and the evidence.

A reader of the finished rdflib graph and of the analysis in :mod:`kg.analyze` (centrality,
communities, the blocs of the signed view, explained paths between rival blocs, a timeline).
Article text is untrusted and goes through :func:`md_text` / :func:`md_cell`, which write
``&``, ``<`` and ``>`` as HTML entities and backslash-escape Markdown syntax, so a sentence
can neither break a table nor inject markup, whichever renderer shows the report.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import networkx as nx
from rdflib import Graph
from rdflib.namespace import DCTERMS, RDF

from kg.analyze import (
    ActorScore,
    Bloc,
    Event,
    RelationRow,
    blocs,
    communities,
    explained_path,
    local_name,
    modularity,
    relation_table,
    timeline,
)
from kg.files import write_text_atomic
from kg.model import ENTITY_KINDS, RELATIONS
from kg.vocab import KG

TOP_ACTORS = 15
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#~!])")
_LINE_BREAK = re.compile(r"\r\n?|\n")


def write_report(
    g: Graph,
    G: nx.MultiDiGraph,
    scores: list[ActorScore],
    path: Path,
    *,
    title: str,
    top: int = TOP_ACTORS,
) -> None:
    """Write the Markdown report of ``g`` to ``path`` (atomically; see :func:`report_markdown`).

    Examples
    --------
    >>> import tempfile
    >>> from kg.analyze import centrality, entity_graph
    >>> g = Graph()
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     report = Path(folder) / "report.md"
    ...     write_report(g, entity_graph(g), [], report, title="Empty")
    ...     text = report.read_text(encoding="utf-8")
    ...     leftovers = sorted(p.name for p in Path(folder).iterdir())
    >>> text.splitlines()[0], leftovers
    ('# Empty', ['report.md'])
    """
    write_text_atomic(Path(path), report_markdown(g, G, scores, title=title, top=top))


def report_markdown(
    g: Graph,
    G: nx.MultiDiGraph,
    scores: list[ActorScore],
    *,
    title: str,
    top: int = TOP_ACTORS,
) -> str:
    """The report as Markdown text.

    Sections: entity counts per class, relation counts per type, the documents, the ``top``
    most central actors (``scores`` from :func:`kg.analyze.centrality`, in that order), the
    communities, the blocs of the signed view and the explained path between the most
    central members of every two rival blocs, the timeline of events, and every relation
    with its evidence sentences, article titles and dates.

    Examples
    --------
    >>> from rdflib import Literal
    >>> from kg.analyze import centrality, entity_graph
    >>> from kg.vocab import entity_iri
    >>> g = Graph()
    >>> japan, nk = entity_iri("Japan"), entity_iri("North_Korea")
    >>> _ = g.add((japan, RDF.type, KG.State)).add((nk, RDF.type, KG.State))
    >>> _ = g.add((japan, KG.condemned, nk))
    >>> G = entity_graph(g)
    >>> text = report_markdown(g, G, centrality(G), title="Demo")
    >>> "| State | 2 |" in text, "**Japan → North\\\\_Korea**" in text
    (True, True)
    """
    sections = [
        [f"# {md_text(title)}", "", _summary(g, G)],
        _entity_counts(g),
        _relation_counts(g, G),
        _documents(g),
        _central_actors(scores, top),
        _communities(G),
        *_blocs_and_paths(G),
        _timeline(timeline(G)),
        _relations_with_evidence(relation_table(G)),
    ]
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"


def md_text(text: object) -> str:
    """Inline Markdown for untrusted text: syntax characters escaped, line breaks as spaces.

    Examples
    --------
    >>> print(md_text("<img src=x onerror=alert(1)>\\n*hi* & bye"))
    &lt;img src=x onerror=alert(1)&gt; \\*hi\\* &amp; bye
    """
    return _LINE_BREAK.sub(" ", _escape(text))


def md_cell(value: object) -> str:
    """A Markdown table cell: like :func:`md_text`, but line breaks become ``<br>``.

    Examples
    --------
    >>> md_cell("a|b\\nc")
    'a\\\\|b<br>c'
    """
    return _LINE_BREAK.sub("<br>", _escape(value))


def _escape(text: object) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def _table(header: list[str], rows: list[list[object]], numeric: set[int]) -> list[str]:
    rule = ["---:" if index in numeric else "---" for index in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(md_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def _summary(g: Graph, G: nx.MultiDiGraph) -> str:
    documents = len(set(g.subjects(RDF.type, KG.Document)))
    mentions = sum(weight for *_, weight in G.edges(data="weight", default=0))
    return (
        f"{documents} documents · {G.number_of_nodes()} entities · "
        f"{G.number_of_edges()} relations · {mentions} supporting mentions"
    )


def _entity_counts(g: Graph) -> list[str]:
    counts = [[kind, len(set(g.subjects(RDF.type, KG[kind])))] for kind in ENTITY_KINDS]
    total = sum(count for _, count in counts)
    return [
        "## Entities by class",
        "",
        *_table(["Class", "Entities"], [*counts, ["Total", total]], {1}),
    ]


def _relation_counts(g: Graph, G: nx.MultiDiGraph) -> list[str]:
    relations = Counter(relation for *_, relation in G.edges(data="relation"))
    supporting: Counter[str] = Counter()
    for *_, data in G.edges(data=True):
        supporting[data["relation"]] += data["weight"]
    by_modality: dict[str, Counter[str]] = {relation: Counter() for relation in RELATIONS}
    for event in g.subjects(RDF.type, KG.Event):
        relation, modality = g.value(event, KG.relation), g.value(event, KG.modality)
        if relation is not None:
            counter = by_modality.setdefault(local_name(relation), Counter())
            counter[local_name(modality) if modality is not None else "unknown"] += 1
    rows = [
        [
            relation,
            relations[relation],
            supporting[relation],
            ", ".join(f"{modality} {n}" for modality, n in sorted(by_modality[relation].items())),
        ]
        for relation in by_modality
    ]
    header = ["Relation", "Agent → target pairs", "Supporting mentions", "All mentions by modality"]
    return ["## Relations by type", "", *_table(header, rows, {1, 2})]


def _documents(g: Graph) -> list[str]:
    rows = sorted(
        [
            str(g.value(document, DCTERMS.date) or ""),
            str(g.value(document, DCTERMS.title) or ""),
            str(g.value(document, DCTERMS.source) or ""),
        ]
        for document in set(g.subjects(RDF.type, KG.Document))
    )
    if not rows:
        return ["## Documents", "", "No documents."]
    table = _table(
        ["Title", "Date", "Source"], [[title, date, source] for date, title, source in rows], set()
    )
    return ["## Documents", "", *table]


def _central_actors(scores: list[ActorScore], top: int) -> list[str]:
    heading = f"## Most central actors (top {min(top, len(scores))} by PageRank)"
    if not scores:
        return [heading, "", "No entities."]
    rows = [
        [rank, s.label, s.kind, s.degree, f"{s.pagerank:.4f}", f"{s.betweenness:.4f}"]
        for rank, s in enumerate(scores[:top], start=1)
    ]
    header = ["#", "Entity", "Class", "Degree", "PageRank", "Betweenness"]
    return [heading, "", *_table(header, rows, {0, 3, 4, 5})]


def _label(G: nx.MultiDiGraph, node: str) -> str:
    return str(G.nodes[node].get("label") or local_name(node))


def _members(G: nx.MultiDiGraph, members: list[str] | tuple[str, ...]) -> str:
    return "、".join(_label(G, member) for member in members)


def _communities(G: nx.MultiDiGraph) -> list[str]:
    groups = communities(G)
    lines = ["## Communities", ""]
    if not groups:
        return [*lines, "No relations."]
    lines += [
        "Louvain on the relations, direction ignored and weighted by evidence; entities "
        f"without relations are left out. Modularity {modularity(G, groups):.3f} "
        "(near 0: a weak split; above 0.3: a clear one).",
        "",
    ]
    rows = [[n, len(members), _members(G, members)] for n, members in enumerate(groups, 1)]
    return [*lines, *_table(["#", "Size", "Members, most central first"], rows, {0, 1})]


def _blocs_and_paths(G: nx.MultiDiGraph) -> list[list[str]]:
    found = blocs(G)
    lines = ["## Blocs", ""]
    if not found:
        return [[*lines, "No relations."]]
    lines += [
        "The signed view: signed, visited and supplied are cooperative ties, condemned is "
        "hostile. Cooperating entities share a bloc, and so do the rivals of a common rival.",
        "",
    ]
    rows = [
        [
            n,
            _members(G, bloc.members),
            ", ".join(str(rival + 1) for rival in bloc.rivals) or "none",
            "; ".join(f"{_label(G, a)} × {_label(G, b)}" for a, b in bloc.strains) or "none",
        ]
        for n, bloc in enumerate(found, 1)
    ]
    header = ["Bloc", "Members, most central first", "Hostile to bloc", "Hostile ties inside"]
    return [[*lines, *_table(header, rows, {0})], _rival_paths(G, found)]


def _rival_paths(G: nx.MultiDiGraph, found: list[Bloc]) -> list[str]:
    lines = ["## Paths between rival blocs"]
    pairs = [(a, b) for a, bloc in enumerate(found) for b in bloc.rivals if a < b]
    if not pairs:
        return [*lines, "", "No rival blocs."]
    for a, b in pairs:
        start, end = found[a].members[0], found[b].members[0]
        hops = explained_path(G, start, end)
        lines += [
            "",
            f"**{md_text(_label(G, start))} → {md_text(_label(G, end))}** "
            f"(bloc {a + 1} to bloc {b + 1}, {len(hops)} hop{'s' * (len(hops) != 1)})",
            "",
        ]
        for number, hop in enumerate(hops, 1):
            row = hop.relations[0]
            mentions = f"{row.count} mention" + ("" if row.count == 1 else "s")
            lines.append(
                f"{number}. {md_text(row.agent_label)} —{md_text(row.relation)}→ "
                f"{md_text(row.target_label)} ({mentions})"
            )
            if row.evidence:
                lines.append("   " + _evidence_item(row.evidence[0]))
    return lines


def _timeline(events: list[Event]) -> list[str]:
    lines = ["## Timeline", ""]
    if not events:
        return [*lines, "No events."]
    lines += [
        "Every event, of any modality, by its own date (kg:date); a date marked * is the "
        "article's, for events the text does not date.",
        "",
    ]
    rows = [
        [
            (event["date"] or "undated") + ("*" if event["dated_by"] == "article" else ""),
            f"{event['agent_label']} —{event['relation']}→ {event['target_label']}",
            event["modality"],
            event["sentence"],
            event["doc_title"] or event["source"],
        ]
        for event in events
    ]
    header = ["Date", "Event", "Modality", "Evidence", "Article"]
    return [*lines, *_table(header, rows, set())]


def _relations_with_evidence(rows: list[RelationRow]) -> list[str]:
    lines = ["## Relations and evidence"]
    if not rows:
        return [*lines, "", "No relations found."]
    for relation in dict.fromkeys(row.relation for row in rows):
        lines += ["", f"### {md_text(relation)}"]
        for row in (r for r in rows if r.relation == relation):
            mentions = f"{row.count} mention" + ("" if row.count == 1 else "s")
            lines += [
                "",
                f"**{md_text(row.agent_label)} → {md_text(row.target_label)}** ({mentions})",
            ]
            if row.evidence:
                lines += ["", *(_evidence_item(e) for e in row.evidence)]
            if row.other:
                lines += ["", _not_counted(row.other), "", *map(_evidence_item, row.other)]
    return lines


def _not_counted(mentions: list[Event]) -> str:
    """The line that introduces mentions shown apart from the support (denied, negated …)."""
    modalities = Counter(event.get("modality") or "unknown" for event in mentions)
    which = ", ".join(f"{modality} {n}" for modality, n in sorted(modalities.items()))
    count = f"{len(mentions)} mention" + ("" if len(mentions) == 1 else "s")
    return f"{count} not counted as support ({md_text(which)}):"


def _evidence_item(evidence: dict[str, str]) -> str:
    title = evidence.get("doc_title") or evidence.get("source") or "untitled"
    cited = f"*{md_text(title)}*"
    if evidence.get("doc_date"):
        cited += f", {md_text(evidence['doc_date'])}"
    modality = evidence.get("modality")
    if modality and modality != "asserted":
        cited += f" ({md_text(modality)})"
    return f"- {md_text(evidence.get('sentence', ''))} — {cited}"
