"""Plain data that travels between the pipeline's stages.

load → clean → parse → entities → resolve → relations → graph.  Nothing here knows
spaCy, rdflib or the terminal; every stage takes and returns these dataclasses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    """A dated part of a cleaned text: a list page's item, or the whole article.

    ``start``/``end`` are character offsets into :attr:`Article.text`.
    """

    start: int
    end: int
    title: str | None = None
    date: dt.date | None = None


@dataclass(frozen=True)
class Article:
    """One document after loading and cleaning.

    ``text`` is the cleaned body that NLP sees; every character offset in the graph
    points into it.  ``sections`` always covers the text: an ordinary article has
    one section, a list page one per item, each with its own title and date.
    """

    doc_id: str
    source: str
    text: str
    title: str | None = None
    date: dt.date | None = None
    url: str | None = None
    sections: tuple[Section, ...] = ()

    def date_at(self, offset: int) -> dt.date | None:
        """The publication date that governs the character at ``offset``."""
        section = self.section_at(offset)
        return section.date if section and section.date else self.date

    def section_at(self, offset: int) -> Section | None:
        """The section (a list page's item, or the whole article) holding ``offset``."""
        for section in self.sections:
            if section.start <= offset < section.end:
                return section
        return None


@dataclass(frozen=True)
class Mention:
    """A span of the text that names an entity (before resolution)."""

    text: str
    start: int
    end: int
    kind: str  # ontology class local name: Person, State, Agreement, Organization, Place
    entity_id: str | None = None  # gazetteer id when the gazetteer recognised it
    title: str | None = None  # a job title split off a person's name (大統領)
    source: str = "gazetteer"  # "gazetteer", "abbreviation" or "ginza"
    members: tuple[str, ...] = ()  # for 日米韓-style compounds: the member state ids


@dataclass
class Entity:
    """A canonical entity: one node in the graph."""

    entity_id: str
    kind: str
    label_ja: str
    label_en: str | None = None
    aliases: set[str] = field(default_factory=set)
    titles: set[str] = field(default_factory=set)
    wikidata: str | None = None
    located_in: str | None = None  # entity id of the containing state (places)
    in_gazetteer: bool = False


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: the sentence and its offsets in the cleaned text."""

    doc_id: str
    sentence: str
    start: int
    end: int
    published: dt.date | None = None  # date of the article or list item it was read in
    section_title: str | None = None  # title of the list item, when the page has several


@dataclass(frozen=True)
class Event:
    """One mention of a typed relation between two entities."""

    relation: str  # signed | visited | supplied | condemned
    agent: str  # entity id
    target: str  # entity id
    evidence: Evidence
    rule_id: str
    modality: str = "asserted"
    date: str | None = None  # ISO date (YYYY-MM-DD) or year-month (YYYY-MM)
    item: str | None = None  # what was supplied
    place: str | None = None  # entity id of where it happened (the city visited, …で)
    attributed_to: tuple[str, ...] = ()  # entity ids of whoever reported it
    trigger: str = ""

    @property
    def is_fact(self) -> bool:
        """Whether this mention supports a direct relation triple."""
        return self.modality in FACT_MODALITIES


FACT_MODALITIES = frozenset({"asserted", "reported"})
RELATIONS = ("signed", "visited", "supplied", "condemned")
ENTITY_KINDS = ("Person", "State", "Agreement", "Organization", "Place")


@dataclass
class DocumentResult:
    """Everything the pipeline extracted from one article."""

    article: Article
    mentions: list[tuple[Mention, str]]  # each mention with the entity id it resolved to
    events: list[Event]
