"""`kg validate`: check a graph against kg's SHACL shapes (ontology/shapes.ttl) with pySHACL.

The shapes say what every entity, event and document node must carry and that every
direct relation triple has an event behind it; the ontology (ontology/kg.ttl) is
added to (a copy of) the data, so that modalities are checked against its
kg:Modality scheme.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, Node, URIRef
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql import prepareQuery

from kg.query import compact_iri, graph_file
from kg.resources import ontology_file
from kg.vocab import KG


class ValidationError(Exception):
    """The graph or the shapes could not be read, or pySHACL could not run."""


@dataclass(frozen=True)
class Violation:
    """One SHACL result, as a person reads it."""

    focus: str
    path: str
    constraint: str
    value: str
    message: str
    severity: str


@dataclass(frozen=True)
class Report:
    """Whether the graph conforms, every violation, and what was checked."""

    conforms: bool
    violations: list[Violation]
    summary: str


class _OnceParsedQueries(Graph):
    """A Graph that parses each distinct SPARQL text once.

    pySHACL sends a SPARQL constraint's text again for every focus node, and rdflib
    parses it every time: 90% of validation time on the seeds' graph was parsing.
    """

    def __init__(self) -> None:
        super().__init__()
        self._prepared: dict[str, object] = {}

    def query(self, query_object, *args, **kwargs):  # type: ignore[override]
        if isinstance(query_object, str):
            if query_object not in self._prepared:
                self._prepared[query_object] = prepareQuery(query_object)
            query_object = self._prepared[query_object]
        return super().query(query_object, *args, **kwargs)


def _text(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return compact_iri(str(node))
    if isinstance(node, Literal):
        return str(node)
    return f"_:{node}"


def _constraint(node: Node | None) -> str:
    """``sh:MinCountConstraintComponent`` → ``MinCount``."""
    name = str(node or "").removeprefix(str(SH))
    return name.removesuffix("ConstraintComponent")


def violations(results: Graph) -> list[Violation]:
    """The validation results of a pySHACL report graph, sorted by node and path."""
    found = []
    top_level = set(results.objects(None, SH.result))  # not the details of sh:node results
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if top_level and result not in top_level:
            continue
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        found.append(
            Violation(
                focus=_text(results.value(result, SH.focusNode)),
                path=_text(results.value(result, SH.resultPath)),
                constraint=_constraint(results.value(result, SH.sourceConstraintComponent)),
                value=_text(results.value(result, SH.value)),
                message="; ".join(messages),
                severity=str(results.value(result, SH.resultSeverity) or "").removeprefix(str(SH)),
            )
        )
    return sorted(found, key=lambda v: (v.focus, v.path, v.constraint, v.value))


def _summary(data: Graph) -> str:
    events = len(set(data.subjects(RDF.type, KG.Event)))
    documents = len(set(data.subjects(RDF.type, KG.Document)))
    entities = len(set(data.subjects(KG.inGazetteer, None)) | set(data.objects(None, KG.agent)))
    return (
        f"{len(data):,} triples, {entities:,} entities, {events:,} events, {documents:,} documents"
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def _parse(path: Path, what: str) -> Graph:
    from kg.store import GraphFileError, read_turtle

    try:
        return read_turtle(path)
    except GraphFileError as err:
        raise ValidationError(
            str(err) if what == "graph" else f"cannot read the {what}: {err}"
        ) from err


def validate_graph(data: Graph, shapes: Graph | None = None) -> Report:
    """Validate ``data`` against ``shapes`` (default: kg's) with the ontology mixed in."""
    import pyshacl

    shapes = shapes if shapes is not None else _parse(ontology_file("shapes.ttl"), "shapes")
    combined = _OnceParsedQueries()  # a copy: the caller's graph is left as it was
    for triple in data:
        combined.add(triple)
    combined += _parse(ontology_file("kg.ttl"), "ontology")
    try:
        conforms, results, message = pyshacl.validate(
            combined,
            shacl_graph=shapes,
            inference="none",
            allow_warnings=True,
        )
    except Exception as err:  # noqa: BLE001 — pySHACL raises many kinds; report one line
        raise ValidationError(f"pySHACL could not validate: {err}") from err
    if not isinstance(results, Graph):  # a ValidationFailure: the shapes themselves are bad
        raise ValidationError(f"pySHACL could not validate: {_one_line(str(message))}")
    return Report(bool(conforms), violations(results), _summary(data))


def validate_location(location: Path, shapes: Path | None = None) -> Report:
    """Validate the graph of a build folder or .ttl file (optionally other shapes)."""
    data = _parse(graph_file(location), "graph")
    return validate_graph(data, _parse(shapes, "shapes") if shapes else None)
