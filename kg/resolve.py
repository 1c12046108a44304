"""Resolve mentions to canonical entities: gazetteer ids, in-article short forms, minted ids.

Within one article a short form (金氏, マクロン) resolves to the full name already seen
there; across articles the same normalized name is the same entity.  Entities the
gazetteer does not know get an id minted from their class and normalized name, so
their IRI is stable from build to build.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.entities import HONORIFICS
from kg.gazetteer import Gazetteer, normalize
from kg.model import Entity, Mention

# Mentions that name their entity (and so are aliases of it); 両首脳, 同条約 and 米 refer
# without naming.
NAMING_SOURCES = frozenset({"gazetteer", "ginza", "context", "pattern"})


def minted_id(kind: str, name: str) -> str:
    """The id of an entity the gazetteer does not know.

    >>> minted_id("Person", "キム・グムチョル")
    'person/キム・グムチョル'
    """
    return f"{kind.lower()}/{normalize(name)}"


def bare_name(text: str) -> str:
    """A mention's name without an honorific (プーチン氏 → プーチン; 金氏 stays)."""
    for honorific in HONORIFICS:
        if text.endswith(honorific) and len(text) > len(honorific) + 1:
            return text[: -len(honorific)]
    return text


@dataclass
class ArticleResolver:
    """Resolves the mentions of one article, in reading order."""

    gazetteer: Gazetteer
    seen: list[str] = field(default_factory=list)  # entity ids, most recent last
    seen_names: dict[str, str] = field(default_factory=dict)  # full name → id
    previous: tuple[int, tuple[str, ...]] = (-1, ())  # the last mention's end and ids

    def resolve(self, mention: Mention) -> tuple[str, ...]:
        """The entity ids a mention stands for (several for 日米韓); () if unresolved."""
        ids = self._resolve(mention)
        self.previous = (mention.end, ids)
        return ids

    def _resolve(self, mention: Mention) -> tuple[str, ...]:
        if mention.members:
            ids = mention.members
        elif mention.entity_id:
            ids = (mention.entity_id,)
        elif mention.source == "context":
            ids = self._from_context(mention)
        elif mention.source == "pair":
            return self._pair(mention.kind)
        elif mention.source == "definite":
            return self._last(mention.kind)
        else:
            ids = self._from_name(mention)
        self.seen.extend(ids)
        if len(ids) == 1 and mention.kind == "Person":
            self.seen_names.setdefault(normalize(bare_name(mention.text)), ids[0])
        return ids

    def _pair(self, kind: str) -> tuple[str, ...]:
        """両首脳 / 両国: the two entities of that kind named last in the article."""
        found: list[str] = []
        for entity_id in reversed(self.seen):
            if entity_id not in found and self._kind(entity_id) == kind:
                found.append(entity_id)
            if len(found) == 2:
                return tuple(reversed(found))
        return ()

    def _last(self, kind: str) -> tuple[str, ...]:
        """同条約: the entity of that kind named last in the article, if any."""
        for entity_id in reversed(self.seen):
            if self._kind(entity_id) == kind:
                return (entity_id,)
        return ()

    def _kind(self, entity_id: str) -> str:
        entry = self.gazetteer.entries.get(entity_id)
        return entry.kind if entry else entity_id.partition("/")[0].capitalize()

    def _from_context(self, mention: Mention) -> tuple[str, ...]:
        """A short form names the entity last named in full; failing that, the one
        candidate of the state its title or the phrase before it names (オースティン米国防長官,
        米国務省のミラー報道官, フィリピンのマルコス大統領)."""
        candidates = self.gazetteer.context_aliases.get(normalize(mention.text), [])
        for entity_id in reversed(self.seen):
            if entity_id in candidates:
                return (entity_id,)
        if not mention.title or mention.title in HONORIFICS:
            return ()
        states = self._states_around(mention)
        matches = [c for c in candidates if self.gazetteer.entries[c].state in states]
        return (matches[0],) if len(matches) == 1 else ()

    def _states_around(self, mention: Mention) -> set[str]:
        """The states a title names (米国防長官) or the mention right before names (X の)."""
        states: set[str] = set()
        if mention.title and mention.title[:1] in self.gazetteer.abbreviations:
            states.add(self.gazetteer.abbreviations[mention.title[:1]])
        end, ids = self.previous
        if 0 <= mention.start - end <= 1:  # adjacent, or with の between
            for entity_id in ids:
                entry = self.gazetteer.entries.get(entity_id)
                if entry is None:
                    continue
                if entry.kind == "State":
                    states.add(entity_id)
                elif entry.state:
                    states.add(entry.state)
        return states

    def _from_name(self, mention: Mention) -> tuple[str, ...]:
        name = normalize(bare_name(mention.text))
        known = self.gazetteer.aliases.get(name)
        if known:
            return (known,)
        if mention.kind == "Person":
            for full, entity_id in reversed(list(self.seen_names.items())):
                if _short_form_of(name, full):
                    return (entity_id,)
        return (minted_id(mention.kind, name),)


def _short_form_of(short: str, full: str) -> bool:
    """マクロン of エマニュエル・マクロン, 尹 of 尹錫悦.

    >>> _short_form_of("マクロン", "エマニュエル・マクロン"), _short_form_of("尹", "尹錫悦")
    (True, True)
    >>> _short_form_of("マクロン", "マクロン")
    False
    """
    if short == full or not short:
        return False
    if "・" in full:
        return short in full.split("・")
    return full.startswith(short) and len(short) < len(full)


class EntityTable:
    """Every entity seen in a build, with the aliases and titles it was seen under."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.entities: dict[str, Entity] = {}

    def add(self, entity_id: str, mention: Mention) -> Entity:
        entity = self.entities.get(entity_id) or self._new(entity_id, mention)
        self.entities[entity_id] = entity
        surface = bare_name(mention.text) if mention.kind == "Person" else mention.text
        if surface != entity.label_ja and mention.source in NAMING_SOURCES:
            entity.aliases.add(surface)
        if mention.title and mention.title not in HONORIFICS:
            entity.titles.add(mention.title)
        return entity

    def ensure(self, entity_id: str) -> Entity | None:
        """An entity referred to without a mention (a capital's state, a 訪朝's target)."""
        if entity_id in self.entities:
            return self.entities[entity_id]
        entry = self.gazetteer.entries.get(entity_id)
        if entry is None:
            return None
        self.entities[entity_id] = self._from_entry(entity_id)
        return self.entities[entity_id]

    def _new(self, entity_id: str, mention: Mention) -> Entity:
        if entity_id in self.gazetteer.entries:
            return self._from_entry(entity_id)
        kind, _, name = entity_id.partition("/")
        return Entity(entity_id, mention.kind, name or mention.text)

    def _from_entry(self, entity_id: str) -> Entity:
        entry = self.gazetteer.entries[entity_id]
        entity = Entity(
            entity_id,
            entry.kind,
            entry.label_ja,
            entry.label_en,
            aliases=set(entry.aliases),
            wikidata=entry.wikidata,
            located_in=entry.state if entry.kind in ("Place", "Organization") else None,
            in_gazetteer=True,
        )
        if entry.state and entry.kind in ("Place", "Organization"):
            self.ensure(entry.state)
        return entity
