"""`kg export`: the graph in formats other tools read.

* ``ttl`` — graph.ttl as the build wrote it; ``nt`` — N-Triples (pyoxigraph, streamed);
  ``jsonld`` — JSON-LD compacted with kg's prefixes as its ``@context`` (rdflib);
* ``graphml`` — the entity graph (:func:`kg.analyze.entity_graph`) for Gephi or
  Cytoscape, attributes flattened to scalars (GraphML has no lists): per node
  ``label``, ``label_en``, ``kind``, ``iri``, ``degree``, ``pagerank``, ``betweenness``;
  per edge ``relation``, ``weight`` (= supporting mentions: asserted and reported),
  ``evidence`` (the first sentence), ``sources`` (document files, ``; ``-joined),
  ``modalities`` (of the supporting mentions) and ``not_counted`` (the other mentions
  by modality, e.g. ``denied 1``);
* ``csv`` — two tables, the saved queries ``entities`` and ``mentions`` (one row per
  entity; one row per relation mention with its evidence): written as
  ``entities.csv`` and ``relations.csv`` into a folder, or both inside a ``.zip``.

Files are written to a temporary name and renamed, so a failed export leaves no
half-written file.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import networkx as nx
import pyoxigraph as ox
import rdflib

from kg.query import PREFIX_IRIS, prepare, run_query, to_csv
from kg.store import check_graph, read_turtle

FORMATS = ("ttl", "nt", "jsonld", "graphml", "csv")
CSV_TABLES = {"entities.csv": "entities", "relations.csv": "mentions"}
SCORES = ("degree", "pagerank", "betweenness")


class ExportError(Exception):
    """An export that cannot be done as asked; the message says why."""


# ---------------------------------------------------------------- writers


def write_turtle(graph: Path, stream: BinaryIO) -> None:
    """graph.ttl, byte for byte."""
    with graph.open("rb") as source:
        shutil.copyfileobj(source, stream)


def write_ntriples(graph: Path, stream: BinaryIO) -> None:
    """N-Triples, one triple a line, streamed through pyoxigraph (the file was checked
    by :func:`export_graph` before anything was written)."""
    triples = ox.parse(path=str(graph), format=ox.RdfFormat.TURTLE)
    ox.serialize(triples, stream, format=ox.RdfFormat.N_TRIPLES)


def _rdflib_graph(graph: Path) -> rdflib.Graph:
    return read_turtle(graph)


def write_jsonld(graph: Path, stream: BinaryIO) -> None:
    """JSON-LD with kg's prefixes as the context."""
    text = _rdflib_graph(graph).serialize(format="json-ld", context=PREFIX_IRIS, indent=1)
    stream.write(text.encode("utf-8"))


def flat_entity_graph(graph: Path) -> nx.MultiDiGraph:
    """The entity graph with scalar attributes only (what GraphML can hold)."""
    from rdflib import URIRef

    from kg.analyze import entity_graph
    from kg.vocab import KG

    rdf = _rdflib_graph(graph)
    nested = entity_graph(rdf)
    flat = nx.MultiDiGraph()
    for node, attributes in nested.nodes(data=True):
        values = {k: v for k, v in attributes.items() if isinstance(v, str | int | float)}
        for score in SCORES:
            value = rdf.value(URIRef(node), KG[score])
            if value is not None:
                values[score] = value.toPython()
        flat.add_node(node, **values)
    for agent, target, key, attributes in nested.edges(keys=True, data=True):
        mentions = attributes.get("evidence", [])
        other = Counter(m.get("modality") or "unknown" for m in attributes.get("other", []))
        flat.add_edge(
            agent,
            target,
            key=key,
            relation=attributes.get("relation", key),
            weight=int(attributes.get("weight", len(mentions))),
            evidence=mentions[0].get("sentence", "") if mentions else "",
            sources="; ".join(sorted({m.get("source", "") for m in mentions} - {""})),
            modalities="; ".join(sorted({m.get("modality", "") for m in mentions} - {""})),
            not_counted="; ".join(f"{m} {n}" for m, n in sorted(other.items())),
        )
    return flat


def write_graphml(graph: Path, stream: BinaryIO) -> None:
    """The entity graph as GraphML."""
    nx.write_graphml(flat_entity_graph(graph), stream, encoding="utf-8")


def csv_tables(location: Path) -> dict[str, str]:
    """entities.csv and relations.csv, as text (from the saved queries)."""
    from kg.store import open_store

    store = open_store(location)
    return {
        file_name: to_csv(run_query(store, prepare(query_name)))
        for file_name, query_name in CSV_TABLES.items()
    }


WRITERS: dict[str, Callable[[Path, BinaryIO], None]] = {
    "ttl": write_turtle,
    "nt": write_ntriples,
    "jsonld": write_jsonld,
    "graphml": write_graphml,
}


# ---------------------------------------------------------------- files


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A binary stream that becomes ``path`` only when the block ends without error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _write_csv(location: Path, output: Path | None) -> list[Path]:
    if output is None:
        raise ExportError("csv makes two tables: give -o FOLDER or -o FILE.zip")
    tables = csv_tables(location)
    if output.suffix.lower() == ".zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in tables.items():
                archive.writestr(name, text.encode("utf-8"))
        with atomic_file(output) as stream:
            stream.write(buffer.getvalue())
        return [output]
    if output.exists() and not output.is_dir():
        raise ExportError(f"{output}: exists and is not a folder (csv needs a folder or a .zip)")
    written = []
    for name, text in tables.items():
        with atomic_file(output / name) as stream:
            stream.write(text.encode("utf-8"))
        written.append(output / name)
    return written


def export_graph(location: Path, fmt: str, output: Path | None, stdout: BinaryIO) -> list[Path]:
    """Export the graph at ``location`` as ``fmt`` to ``output`` (or ``stdout``).

    Returns the files written (none when writing to ``stdout``).
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}' ({', '.join(FORMATS)})")
    graph = check_graph(location)  # a bad file fails here, before any output
    if fmt == "csv":
        return _write_csv(location, output)
    writer = WRITERS[fmt]
    if output is None:
        writer(graph, stdout)
        stdout.flush()
        return []
    if output.is_dir():
        raise ExportError(f"{output}: is a folder; give a file name for {fmt}")
    with atomic_file(output) as stream:
        writer(graph, stream)
    return [output]
