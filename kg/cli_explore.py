"""`kg analyze` and the other commands that explore a built graph."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from kg.cli import GraphOption, app, fail, out

if TYPE_CHECKING:
    import networkx as nx
    import rdflib

    from kg.analyze import Bloc, Event, Hop


@app.command()
def analyze(
    graph: GraphOption = Path("out"),
    path: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--path",
            metavar="FROM TO",
            help="Explain the shortest chain of relations between two named entities.",
        ),
    ] = None,
    top: Annotated[
        int, typer.Option(min=1, help="How many entities the centrality table lists.")
    ] = 15,
    show_timeline: Annotated[
        bool, typer.Option("--timeline/--no-timeline", help="List every event by date.")
    ] = True,
    evidence: Annotated[
        int, typer.Option(min=0, help="Evidence sentences shown per relation on the path.")
    ] = 2,
) -> None:
    """Who is central, which communities and blocs the relations form, and how two entities
    are linked, on the evidence.

    Names after --path are matched against every label and alias (Japanese or English,
    case-insensitive).

    Examples:

      kg analyze

      kg analyze --path プーチン 尹錫悦

      kg analyze -g build/graph.ttl --top 5 --no-timeline
    """
    from kg import analyze as an

    G = an.entity_graph(_read_graph(graph))
    hops = None
    if path:
        try:
            hops = an.explained_path(G, an.find_entity(G, path[0]), an.find_entity(G, path[1]))
        except an.PathError as problem:
            raise fail(str(problem)) from None
    out.print(_centrality_table(an.centrality(G), top))
    groups = an.communities(G)
    out.print(_groups_table(G, groups, an.modularity(G, groups)))
    out.print(_blocs_table(G, an.blocs(G)))
    if show_timeline:
        out.print(_timeline_table(an.timeline(G)))
    if hops is not None:
        _print_path(G, path, hops, evidence)


def _read_graph(location: Path) -> rdflib.Graph:
    """The rdflib graph of ``-g``, or a one-line error."""
    from kg.query import QueryError
    from kg.store import read_graph

    try:
        return read_graph(location)
    except QueryError as problem:
        raise fail(str(problem)) from None


def _label(G: nx.MultiDiGraph, node: str) -> str:
    return str(G.nodes[node].get("label") or node)


def _centrality_table(scores: list, top: int) -> Table:
    table = Table(title=f"Centrality (top {min(top, len(scores))} of {len(scores)} by PageRank)")
    for name in ("#", "entity", "class", "degree", "PageRank", "betweenness"):
        table.add_column(name, justify="left" if name in ("entity", "class") else "right")
    for rank, score in enumerate(scores[:top], start=1):
        table.add_row(
            str(rank),
            Text(score.label),
            score.kind,
            str(score.degree),
            f"{score.pagerank:.4f}",
            f"{score.betweenness:.4f}",
        )
    return table


def _groups_table(G: nx.MultiDiGraph, groups: list[list[str]], modularity: float) -> Table:
    table = Table(title=f"Communities (Louvain, modularity {modularity:.3f})")
    table.add_column("#", justify="right")
    table.add_column("size", justify="right")
    table.add_column("members, most central first", overflow="fold")
    for number, members in enumerate(groups, start=1):
        table.add_row(
            str(number), str(len(members)), Text("、".join(_label(G, m) for m in members))
        )
    if not groups:
        table.add_row("", "0", "no relations")
    return table


def _blocs_table(G: nx.MultiDiGraph, found: list[Bloc]) -> Table:
    table = Table(
        title="Blocs (signed view: signed/visited/supplied cooperative, condemned hostile)"
    )
    table.add_column("bloc", justify="right")
    table.add_column("members, most central first", overflow="fold")
    table.add_column("hostile to", no_wrap=True)
    table.add_column("hostile ties inside", overflow="fold")
    for number, bloc in enumerate(found, start=1):
        strains = "; ".join(f"{_label(G, a)} × {_label(G, b)}" for a, b in bloc.strains)
        table.add_row(
            str(number),
            Text("、".join(_label(G, m) for m in bloc.members)),
            ", ".join(f"bloc {rival + 1}" for rival in bloc.rivals) or "none",
            Text(strains or "none"),
        )
    if not found:
        table.add_row("", "no relations", "", "")
    return table


def _timeline_table(events: list[Event]) -> Table:
    table = Table(title=f"Timeline ({len(events)} events; * dated by the article)")
    table.add_column("date", no_wrap=True, min_width=11)
    table.add_column("agent", overflow="fold", min_width=8)
    table.add_column("relation", no_wrap=True, min_width=9)
    table.add_column("target", overflow="fold", min_width=8)
    table.add_column("modality", no_wrap=True)
    table.add_column("article", no_wrap=True, overflow="ellipsis", max_width=34)
    for event in events:
        date = event["date"] + ("*" if event["dated_by"] == "article" else "")
        table.add_row(
            date or "undated",
            Text(event["agent_label"]),
            event["relation"],
            Text(event["target_label"]),
            event["modality"],
            Text(_shorten(event["doc_title"] or event["source"], 16)),
        )
    return table


def _print_path(G: nx.MultiDiGraph, names: tuple[str, str], hops: list[Hop], shown: int) -> None:
    heading = Text(f"Path {names[0]} → {names[1]}: ", style="bold")
    heading.append(f"{len(hops)} hop" + ("" if len(hops) == 1 else "s"), style="bold")
    out.print(heading)
    for number, hop in enumerate(hops, start=1):
        out.print(Text(f"{number}. {_label(G, hop.start)} — {_label(G, hop.end)}"))
        for row in hop.relations:
            mentions = f"{row.count} mention" + ("" if row.count == 1 else "s")
            line = f"   {row.agent_label} —{row.relation}→ {row.target_label} ({mentions})"
            out.print(Text(line, style="bold"))
            for event in row.evidence[:shown]:
                out.print(Text(f"     「{event['sentence']}」", overflow="fold"))
                out.print(Text(f"       — {_citation(event)}", style="dim"))


def _citation(event: Event) -> str:
    title = _shorten(event["doc_title"] or event["source"] or "untitled", 30)
    parts = [title, event["date"] or event["doc_date"], event["modality"]]
    return ", ".join(part for part in parts if part)


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
