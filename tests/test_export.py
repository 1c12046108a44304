"""kg export: Turtle, N-Triples, JSON-LD, GraphML and CSV that other tools read back."""

from __future__ import annotations

import csv
import io
import zipfile

import networkx as nx
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from kg.cli import app
from kg.vocab import KG

PUTIN = "https://w3id.org/kg/id/Vladimir_Putin"
NORTH_KOREA = "https://w3id.org/kg/id/North_Korea"
ENTITY_CLASSES = [KG.Person, KG.State, KG.Organization, KG.Place, KG.Agreement]


def _export(runner, out, *args):
    result = runner.invoke(app, ["export", "-g", str(out), *args])
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize(
    ("fmt", "rdf_format"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_rdf_exports_hold_the_same_graph(
    runner, seeds_build, seeds_graph, tmp_path, fmt, rdf_format
):
    _, out = seeds_build
    target = tmp_path / f"graph.{fmt}"
    _export(runner, out, "--format", fmt, "-o", str(target))
    assert isomorphic(rdflib.Graph().parse(target, format=rdf_format), seeds_graph)


def test_ttl_is_the_build_output_byte_for_byte(runner, seeds_build, tmp_path):
    _, out = seeds_build
    _export(runner, out, "-o", str(tmp_path / "copy.ttl"))
    assert (tmp_path / "copy.ttl").read_bytes() == (out / "graph.ttl").read_bytes()


def test_jsonld_uses_kgs_prefixes(runner, seeds_build, tmp_path):
    import json

    _, out = seeds_build
    _export(runner, out, "--format", "jsonld", "-o", str(tmp_path / "g.jsonld"))
    data = json.loads((tmp_path / "g.jsonld").read_text(encoding="utf-8"))
    assert data["@context"]["kg"] == "https://w3id.org/kg/ns#"


def test_nt_goes_to_standard_output(runner, seeds_build, seeds_graph):
    _, out = seeds_build
    result = _export(runner, out, "--format", "nt")
    assert len(rdflib.Graph().parse(data=result.stdout, format="nt")) == len(seeds_graph)


def test_graphml_is_the_entity_graph_for_gephi(runner, seeds_build, seeds_graph, tmp_path):
    _, out = seeds_build
    target = tmp_path / "graph.graphml"
    _export(runner, out, "--format", "graphml", "-o", str(target))
    graph = nx.read_graphml(target, force_multigraph=True)
    entities = {str(s) for c in ENTITY_CLASSES for s in seeds_graph.subjects(RDF.type, c)}
    assert entities <= set(graph.nodes)
    assert graph.nodes[PUTIN]["label"] == "ウラジーミル・プーチン"
    assert graph.nodes[PUTIN]["kind"] == "Person"
    assert isinstance(graph.nodes[PUTIN]["pagerank"], float)
    visits = [
        d for d in graph.get_edge_data(PUTIN, NORTH_KOREA).values() if d["relation"] == "visited"
    ]
    assert visits and visits[0]["weight"] >= 1 and visits[0]["evidence"]
    assert visits[0]["sources"].endswith(".txt")


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _check_tables(entities: str, relations: str, seeds_graph) -> None:
    entity_rows, relation_rows = _rows(entities), _rows(relations)
    classes = {s for c in ENTITY_CLASSES for s in seeds_graph.subjects(RDF.type, c)}
    assert len(entity_rows) == len(classes)
    assert len(relation_rows) == len(set(seeds_graph.subjects(RDF.type, KG.Event)))
    putin = next(row for row in entity_rows if row["entity"] == PUTIN)
    assert putin["label_en"] == "Vladimir Putin" and "プーチン" in putin["aliases"]
    visit = next(
        row
        for row in relation_rows
        if row["agent"] == PUTIN and row["relation"] == "visited" and row["target"] == NORTH_KOREA
    )
    assert visit["evidence"] and visit["document"].endswith(".txt") and visit["modality"]


def test_csv_into_a_folder(runner, seeds_build, seeds_graph, tmp_path):
    _, out = seeds_build
    folder = tmp_path / "tables"
    _export(runner, out, "--format", "csv", "-o", str(folder))
    assert sorted(p.name for p in folder.iterdir()) == ["entities.csv", "relations.csv"]
    _check_tables(
        (folder / "entities.csv").read_text(encoding="utf-8"),
        (folder / "relations.csv").read_text(encoding="utf-8"),
        seeds_graph,
    )


def test_csv_into_a_zip(runner, seeds_build, seeds_graph, tmp_path):
    _, out = seeds_build
    archive = tmp_path / "tables.zip"
    _export(runner, out, "--format", "csv", "-o", str(archive))
    with zipfile.ZipFile(archive) as opened:
        assert sorted(opened.namelist()) == ["entities.csv", "relations.csv"]
        _check_tables(
            opened.read("entities.csv").decode("utf-8"),
            opened.read("relations.csv").decode("utf-8"),
            seeds_graph,
        )
    assert [p.name for p in tmp_path.iterdir()] == ["tables.zip"]  # no temporary file left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv"], "give -o FOLDER or -o FILE.zip"),
        (["--format", "xlsx"], "unknown format"),
        (["--format", "ttl", "-o", "{tmp}"], "is a folder"),
        (["--format", "csv", "-o", "{tmp}/file.txt"], "is not a folder"),
    ],
)
def test_export_errors_are_one_line(runner, seeds_build, tmp_path, args, message):
    _, out = seeds_build
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    args = [arg.format(tmp=tmp_path) for arg in args]
    result = runner.invoke(app, ["export", "-g", str(out), *args])
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
