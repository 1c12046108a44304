"""Resolve mentions to canonical entities: gazetteer ids, in-article short forms, minted ids.

Within one article a short form (金氏, マクロン) resolves to the full name already seen
there; across articles the same normalized name is the same entity.  Entities the
gazetteer does not know get an id minted from their class and normalized name, so
their IRI is stable from build to build.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc

from kg.entities import HONORIFICS, find_mentions
from kg.entities.lexicon import agreement_head, is_agreement_noun
from kg.gazetteer import Gazetteer, normalize
from kg.model import Entity, Mention

# Mentions that name their entity (and so are aliases of it); 両首脳, 同条約 and 米 refer
# without naming.
NAMING_SOURCES = frozenset(
    {"gazetteer", "ginza", "context", "pattern", "compound", "titled", "description", "acronym"}
)


COUNTED_REACH = {"State": 120, "Person": 60}  # characters back that a counted reference
# (3カ国, 2人) looks for what it counts: persons are counted where they are listed
_NUMERALS = {"二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def counted_number(text: str) -> int | None:
    """The number a counted reference names: 3カ国 → 3, 三か国 → 3, 2人 → 2.

    >>> counted_number("3カ国"), counted_number("三か国"), counted_number("カ国")
    (3, 3, None)
    """
    head = normalize(text)[:1]
    if head.isdigit():
        return int(head)
    return _NUMERALS.get(head)


_ACRONYM_TEXT = re.compile(r"^[A-Z][A-Z0-9&.-]{1,9}$")


def minted_id(kind: str, name: str, scope: str | None = None) -> str:
    """The id of an entity the gazetteer does not know; ``scope``: the document an
    entity belongs to alone (an agreement described, not named).

    >>> minted_id("Person", "キム・グムチョル"), minted_id("Agreement", "地域協定", "d1")
    ('person/キム・グムチョル', 'agreement/d1/地域協定')
    """
    if scope:
        return f"{kind.lower()}/{scope}/{normalize(name)}"
    return f"{kind.lower()}/{normalize(name)}"


def minted_name(entity_id: str) -> str:
    """The name part of a minted id (its last segment).

    >>> minted_name("agreement/d1/地域協定"), minted_name("person/キム")
    ('地域協定', 'キム')
    """
    return entity_id.rpartition("/")[2]


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
    scope: str | None = None  # the article's document id, for entities of its own
    seen: list[str] = field(default_factory=list)  # entity ids, most recent last
    seen_at: list[tuple[int, str]] = field(default_factory=list)  # (start, id) of each
    titled: dict[str, list[str]] = field(default_factory=dict)  # title → persons, last last
    person_states: dict[str, str] = field(default_factory=dict)  # minted persons' states
    acronyms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # AU → African_Union
    organ_states: dict[str, str] = field(default_factory=dict)  # パキスタン政府 → Pakistan
    # The article's agreements by head noun (協定 → …): (id, named, text as written).
    agreements: dict[str, list[tuple[str, bool, str]]] = field(default_factory=dict)
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
        elif mention.source == "counted":
            return self._counted(mention)
        elif mention.source == "definite":
            ids = self._last(mention.kind)
            if ids or not self._first_agreement(mention):
                return ids
            # ケニアとタンザニアは協定を調印した: a bare 協定 with none named before it in
            # the article is a new one, unnamed (the guideline's "named or not")
            ids = (minted_id(mention.kind, mention.text, self.scope),)
        elif mention.source == "title":
            return self._titled(mention)
        elif mention.source == "acronym":
            end, ids = self.previous
            if ids and 0 <= mention.start - end <= 3:
                self.acronyms[normalize(mention.text)] = ids
                return ids
            ids = self._from_name(mention)
        elif mention.source == "description":
            ids = self._described(mention)
        else:
            ids = self._from_name(mention)
        self.seen.extend(ids)
        self.seen_at.extend((mention.start, i) for i in ids)
        if len(ids) == 1 and _ACRONYM_TEXT.match(mention.text) and mention.kind != "Person":
            # SLF found once (by GiNZA): its later uses in the article are it too
            self.acronyms.setdefault(normalize(mention.text), ids)
        if len(ids) == 1 and mention.organ:
            states = [r for r in mention.related if self._kind(r) == "State"]
            if len(states) == 1:
                self.organ_states.setdefault(ids[0], states[0])
        if len(ids) == 1 and mention.kind == "Person":
            self.seen_names.setdefault(normalize(bare_name(mention.text)), ids[0])
            for related in mention.related:
                if self._kind(related) == "State":
                    self.person_states.setdefault(ids[0], related)
            if mention.title and mention.title not in HONORIFICS:
                persons = self.titled.setdefault(mention.title, [])
                if ids[0] in persons:
                    persons.remove(ids[0])
                persons.append(ids[0])
        return ids

    @staticmethod
    def _first_agreement(mention: Mention) -> bool:
        """A bare agreement noun (協定, 条約, 文書), not a reference word (同協定, この条約)."""
        return mention.kind == "Agreement" and not mention.text.startswith(("同", "この", "本"))

    def _titled(self, mention: Mention) -> tuple[str, ...]:
        """首相は, 同大統領: the person last named with that title in the article; one of
        the state named before it (ロシアの大統領) when several were."""
        persons = self.titled.get(mention.title or "", [])
        states = {r for r in mention.related if self._kind(r) == "State"}
        if states:
            persons = [p for p in persons if self._state(p) in states] or persons
        return (persons[-1],) if persons else ()

    def _state(self, person: str) -> str | None:
        entry = self.gazetteer.entries.get(person)
        return entry.state if entry else self.person_states.get(person)

    def know_agreements(self, mentions: Iterable[Mention]) -> None:
        """Note every agreement the article names or describes, by its head noun, before
        resolving any: a headline's 安保協定 may stand for the agreement the body names."""
        for mention in mentions:
            head = agreement_head(mention.text) if mention.kind == "Agreement" else None
            if head is None or mention.source in ("pair", "definite"):
                continue
            named = mention.source != "description"
            entity_id = self._described_id(mention) if not named else None
            entity_id = entity_id or mention.entity_id or self._from_name(mention)[0]
            entries = self.agreements.setdefault(head, [])
            if all(entity_id != known for known, _, _ in entries):
                entries.append((entity_id, named, mention.text))

    def _described(self, mention: Mention) -> tuple[str, ...]:
        """An agreement described by a phrase (see kg.entities.agreements).

        In order: the gazetteer's, if the phrase is one of its names; the one agreement
        the article names with the same head noun whose name holds every character of
        the phrase's own words (安保協定 → 中国・ソロモン諸島安全保障協力枠組み協定); for a
        bare head (共同声明), the one other agreement of the article with that head; for a
        bare reference word after a clause (「…」を謳う条約), the agreement named last; else
        an agreement of its own, scoped to the article.
        """
        own = self._described_id(mention)
        head = agreement_head(mention.text) or ""
        start = mention.anchor - mention.start if mention.anchor is not None else 0
        words = mention.text[start : len(mention.text) - len(head)]
        others = [e for e in self.agreements.get(head, []) if e[0] != own]
        if own.startswith("agreement/") and words:
            named = [i for i, is_named, text in others if is_named and set(words) <= set(text)]
            if len(set(named)) == 1:
                return (named[0],)
        if own.startswith("agreement/") and is_agreement_noun(mention.text) and len(others) == 1:
            return (others[0][0],)
        if (
            own.startswith("agreement/")
            and not words
            and normalize(head) in self.gazetteer.definites
        ):
            earlier = self._last(mention.kind)
            # 同盟の復元に準ずる|条約: a description of the treaty named before; チリとの|協定
            # after 漁業協定: another agreement, when the one before is itself only described
            if earlier and not (start and earlier[0].startswith("agreement/")):
                return earlier
        return (own,)

    def _described_id(self, mention: Mention) -> str:
        known = self.gazetteer.aliases.get(normalize(mention.text))
        return known or minted_id(mention.kind, mention.text, self.scope)

    def _pair(self, kind: str) -> tuple[str, ...]:
        """両首脳 / 両国: the two entities of that kind named last in the article."""
        found: list[str] = []
        for entity_id in reversed(self.seen):
            if entity_id not in found and self._kind(entity_id) == kind:
                found.append(entity_id)
            if len(found) == 2:
                return tuple(reversed(found))
        return ()

    def _counted(self, mention: Mention) -> tuple[str, ...]:
        """3カ国 / 4か国 / 3人: the states (persons) named just before it, when there are that
        many within the reach of one sentence (米英豪の協力は…と述べ、3カ国を批判); else
        unresolved."""
        count = counted_number(mention.text)
        found: list[str] = []
        for start, entity_id in reversed(self.seen_at):
            if mention.start - start > COUNTED_REACH.get(mention.kind, 0):
                break
            if entity_id not in found and self._kind(entity_id) == mention.kind:
                found.append(entity_id)
        return tuple(reversed(found[:count])) if count and len(found) >= count else ()

    def _last(self, kind: str) -> tuple[str, ...]:
        """同条約: the entity of that kind named last in the article, if any; a place
        (現地) may also be a state."""
        kinds = ("Place", "State") if kind == "Place" else (kind,)
        for entity_id in reversed(self.seen):
            if self._kind(entity_id) in kinds:
                return (entity_id,)
            if kind == "Place" and entity_id in self.organ_states:  # パキスタン政府と…現地
                return (self.organ_states[entity_id],)
        return ()

    def _kind(self, entity_id: str) -> str:
        return entity_kind(entity_id, self.gazetteer)

    def _from_context(self, mention: Mention) -> tuple[str, ...]:
        """A short form names the entity last named in full; failing that, the one
        candidate of the state its title or the phrase before it names (オースティン米国防長官,
        米国務省のミラー報道官, フィリピンのマルコス大統領)."""
        candidates = self.gazetteer.context_aliases.get(normalize(mention.text), [])
        for entity_id in reversed(self.seen):
            if entity_id in candidates:
                return (entity_id,)
        title = mention.title or self._title_in(mention.text)
        if not title or title in HONORIFICS:
            return ()
        states = self._states_around(mention)
        matches = [c for c in candidates if self.gazetteer.entries[c].state in states]
        return (matches[0],) if len(matches) == 1 else ()

    def _title_in(self, text: str) -> str | None:
        """The title a short form written with it ends in (尹大統領 → 大統領), if any."""
        text = normalize(text)
        for i in range(1, len(text)):
            if text[i:] in self.gazetteer.title_set:
                return text[i:]
        return None

    def _states_around(self, mention: Mention) -> set[str]:
        """The states a title names (米国防長官) or the mention right before names (X の)."""
        states: set[str] = set()
        if mention.title and mention.title[:1] in self.gazetteer.abbreviations:
            states.add(self.gazetteer.abbreviations[mention.title[:1]])
        states.update(r for r in mention.related if self._kind(r) == "State")
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
        if name in self.acronyms:
            return self.acronyms[name]
        known = self.gazetteer.aliases.get(name)
        if known:
            return (known,)
        if mention.kind == "Person":
            for full, entity_id in reversed(list(self.seen_names.items())):
                if _short_form_of(name, full):
                    return (entity_id,)
        return (minted_id(mention.kind, name),)


def resolve_mentions(
    doc: Doc, offset: int, gazetteer: Gazetteer, resolver: ArticleResolver | None = None
) -> list[tuple[Mention, tuple[str, ...]]]:
    """The mentions of one parsed unit, each with the entity ids it resolves to.

    ``resolver`` carries an article's state from unit to unit (a fresh one by default).
    """
    resolver = resolver or ArticleResolver(gazetteer)
    resolved = [(m, resolver.resolve(m)) for m in find_mentions(doc, offset, gazetteer)]
    return acronym_uses(doc, offset, resolved, resolver, gazetteer)


def acronym_uses(
    doc: Doc,
    offset: int,
    resolved: list[tuple[Mention, tuple[str, ...]]],
    resolver: ArticleResolver,
    gazetteer: Gazetteer,
) -> list[tuple[Mention, tuple[str, ...]]]:
    """Later uses of an acronym the article defined (中米自由貿易圏(CAFTA) … CAFTAは) that
    no finder took: mentions of the defined name's entity."""
    if not resolver.acronyms:
        return resolved
    covered = {i for m, _ in resolved for i in range(m.start - offset, m.end - offset)}
    added = []
    for token in doc:
        ids = resolver.acronyms.get(normalize(token.text))
        if not ids or token.idx in covered or not token.text.isascii():
            continue
        start = offset + token.idx
        kind = entity_kind(ids[0], gazetteer)
        mention = Mention(token.text, start, start + len(token.text), kind, None, source="acronym")
        added.append((mention, ids))
    return sorted(resolved + added, key=lambda pair: pair[0].start) if added else resolved


def named_mentions(
    resolved: Iterable[tuple[Mention, tuple[str, ...]]], gazetteer: Gazetteer
) -> list[tuple[Mention, tuple[str, ...]]]:
    """The mentions that name their entity, each with the class of what it names: what
    the graph records as ``nif:Phrase`` mentions.  両首脳, 同条約 and unresolved short
    forms refer without naming and are left out; 日米韓 names its states."""
    found = []
    for mention, ids in resolved:
        if not ids or mention.source not in NAMING_SOURCES | {"abbreviation"}:
            continue
        kind = entity_kind(ids[0], gazetteer) if len(ids) == 1 else mention.kind
        found.append((replace(mention, kind=kind) if kind != mention.kind else mention, ids))
    return found


def entity_kind(entity_id: str, gazetteer: Gazetteer) -> str:
    """The class of an entity id: the gazetteer's, or the one a minted id carries.

    >>> from kg.gazetteer import load_gazetteer
    >>> gaz = load_gazetteer()
    >>> entity_kind("Vladimir_Putin", gaz), entity_kind("organization/x", gaz)
    ('Person', 'Organization')
    """
    entry = gazetteer.entries.get(entity_id)
    return entry.kind if entry else entity_id.partition("/")[0].capitalize()


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
        naming = mention.source in NAMING_SOURCES and (
            mention.source != "description" or entity.scope is not None
        )
        if surface != entity.label_ja and naming:
            entity.aliases.add(surface)
        if mention.title and mention.title not in HONORIFICS:
            entity.titles.add(mention.title)
        entity.organ = entity.organ or mention.organ
        for related in mention.related:
            if related != entity_id and self.ensure(related) is not None:
                self._link(entity, related)
        return entity

    def _link(self, entity: Entity, related: str) -> None:
        """Record what a mention's name holds or follows, by the classes of both.

        A state is a person's or an organization's state and a place's container; an
        organization is another organization's parent; a person is named by an
        organization (トランプ政権), whose state is then the person's.
        """
        kind = entity_kind(related, self.gazetteer)
        if entity.kind == "Place":
            if kind in ("State", "Place") and entity.located_in is None:
                entity.located_in = related
        elif entity.kind in ("Person", "Organization") and kind == "State":
            entity.state = entity.state or related
        elif entity.kind == "Organization" and kind == "Organization":
            entity.parent = entity.parent or related
            entity.state = entity.state or self.gazetteer.state_of(related)
        elif entity.kind == "Organization" and kind == "Person":
            entity.named_after = entity.named_after or related
            entity.state = entity.state or self.gazetteer.state_of(related)

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
        label = mention.text if mention.source == "description" else minted_name(entity_id)
        scope = entity_id.split("/")[1] if entity_id.count("/") >= 2 else None
        return Entity(entity_id, mention.kind, label or mention.text, scope=scope)

    def _from_entry(self, entity_id: str) -> Entity:
        entry = self.gazetteer.entries[entity_id]
        entity = Entity(
            entity_id,
            entry.kind,
            entry.label_ja,
            entry.label_en,
            aliases=set(entry.aliases),
            wikidata=entry.wikidata,
            located_in=entry.state if entry.kind == "Place" else None,
            in_gazetteer=True,
            state=entry.state if entry.kind in ("Person", "Organization") else None,
            organ=entry.organ,
        )
        if entry.state:
            self.ensure(entry.state)
        return entity
