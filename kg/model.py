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
    record_id: str | None = None  # the id a JSONL or CSV row gives itself

    @property
    def identifier(self) -> str:
        """What the document is known by: its row's own id, else kg's document id."""
        return self.record_id or self.doc_id

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
    source: str = "gazetteer"  # which finder found it: gazetteer, ginza, compound, titled …
    members: tuple[str, ...] = ()  # for 日米韓-style compounds: the member state ids
    # Known entities named inside the name or right before it (アメリカ海軍 → the United
    # States; 国際連合児童基金 → the UN; ソロモン諸島のソガバレ首相 → Solomon Islands).
    related: tuple[str, ...] = ()
    organ: bool = False  # a body that acts for its state (アメリカ海軍, ロシア国防省)
    # Where the words the rule engine reads begin, when the mention is a longer
    # description (クリミアをロシアに編入する条約: the engine reads 条約); None: all of it.
    anchor: int | None = None


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
    located_in: str | None = None  # entity id of the containing state or place (places)
    in_gazetteer: bool = False
    state: str | None = None  # a person's or organization's state (not for places)
    parent: str | None = None  # the organization an organization belongs to
    named_after: str | None = None  # a person an organization's name names (トランプ政権)
    organ: bool = False  # acts for its state
    scope: str | None = None  # the document an article-scoped entity belongs to


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
