"""Every namespace and IRI pattern of the graph, declared once.

Schema (see ontology/kg.ttl for the OWL definitions):

* entity ``ent:<id>`` — ``a kg:Person|kg:State|kg:Agreement|kg:Organization|kg:Place``;
  ``rdfs:label`` (@ja, @en), ``skos:prefLabel``, ``skos:altLabel`` (aliases),
  ``schema:jobTitle`` (persons), ``schema:containedInPlace`` (places → state),
  ``owl:sameAs`` (Wikidata), ``kg:mentionedIn`` (documents),
  ``kg:degree`` / ``kg:pagerank`` (analysis scores, xsd:double).
* relation, direct: ``ent:A kg:signed|kg:visited|kg:supplied|kg:condemned ent:B``
  (only for asserted or reported mentions).
* event ``evt:<hash>`` — one node per mention: ``a kg:Event`` and one of
  ``kg:Signing|kg:Visit|kg:Supply|kg:Condemnation``; ``kg:relation`` (the property),
  ``kg:agent``, ``kg:target``, ``kg:modality`` (a ``kg:Modality`` SKOS concept),
  ``kg:rule`` (rule id literal), ``kg:evidence`` (sentence), ``kg:beginIndex`` /
  ``kg:endIndex`` (offsets into the cleaned text), ``prov:wasDerivedFrom`` (document),
  ``kg:date`` (xsd:date or xsd:gYearMonth), ``kg:item`` (what was supplied),
  ``kg:attributedTo`` (who reported it), ``kg:trigger`` (the trigger word),
  ``schema:location`` (where: the city visited, or a place named with で),
  ``kg:sourceDate`` / ``kg:sourceTitle`` (date and title of the article or list item
  the evidence was read in).
* entity links: ``schema:nationality`` (a person's state), ``kg:state`` (an
  organization's state), ``kg:organ`` (true: it acts for that state), ``schema:parentOrganization``,
  ``kg:namedAfter`` (a person an organization's name names), ``kg:scope`` (the one
  document an agreement described rather than named belongs to).
* document ``doc:<sha>`` — ``a kg:Document`` (⊑ schema:NewsArticle, prov:Entity);
  ``dcterms:title``, ``dcterms:date``, ``dcterms:source`` (file name), ``schema:url``,
  ``dcterms:identifier`` (a JSONL/CSV row's own ``id``, else the document id),
  ``kg:context`` (its NIF context).
* mentions (NIF 2.0, as NLP-to-RDF tools and GERBIL read them): the cleaned text is a
  ``nif:Context`` ``doc:<sha>#char=0,N`` with ``nif:isString``; every name is a
  ``nif:Phrase`` ``doc:<sha>#char=B,E`` with ``nif:anchorOf``, ``nif:beginIndex``,
  ``nif:endIndex``, ``nif:referenceContext``, ``itsrdf:taIdentRef`` (the entity) and
  ``itsrdf:taClassRef`` (its class).  Event offsets (``kg:beginIndex``) count in the
  same text.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/kg/"
KG = Namespace(BASE + "ns#")
ENT = Namespace(BASE + "id/")
EVT = Namespace(BASE + "event/")
DOC = Namespace(BASE + "doc/")
SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")

PREFIXES: dict[str, Namespace] = {
    "kg": KG,
    "ent": ENT,
    "evt": EVT,
    "doc": DOC,
    "schema": SCHEMA,
    "wd": WD,
    "nif": NIF,
    "itsrdf": ITSRDF,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "skos": Namespace(str(SKOS)),
    "prov": Namespace(str(PROV)),
    "dcterms": Namespace(str(DCTERMS)),
    "xsd": Namespace(str(XSD)),
}

EVENT_CLASS = {
    "signed": KG.Signing,
    "visited": KG.Visit,
    "supplied": KG.Supply,
    "condemned": KG.Condemnation,
}


def sparql_prefixes() -> str:
    """The PREFIX block every saved query may rely on."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def entity_iri(entity_id: str) -> URIRef:
    """The stable IRI of an entity id (gazetteer ids are ASCII; minted ids are encoded).

    >>> str(entity_iri("Vladimir_Putin")), str(entity_iri("organization/Co."))
    ('https://w3id.org/kg/id/Vladimir_Putin', 'https://w3id.org/kg/id/organization/Co%2E')
    """
    local = quote(entity_id, safe="_-.~/")
    if local.endswith("."):  # a prefixed name may not end in a dot (and rdflib cannot read one)
        local = local[:-1] + "%2E"
    return ENT[local]


def document_iri(doc_id: str) -> URIRef:
    return DOC[quote(doc_id, safe="_-.~")]


def string_iri(doc_id: str, begin: int, end: int) -> URIRef:
    """A NIF string of a document's cleaned text (RFC 5147 character offsets).

    >>> str(string_iri("ab12", 3, 7))
    'https://w3id.org/kg/doc/ab12#char=3,7'
    """
    return URIRef(f"{document_iri(doc_id)}#char={begin},{end}")


def event_iri(*parts: object) -> URIRef:
    """A stable event IRI: a hash of what identifies the mention."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:20]
    return EVT[digest]
