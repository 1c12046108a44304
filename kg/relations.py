"""The rule engine: typed relations from GiNZA's dependency parse.

Rules and lexicons are data (``ontology/rules.yaml``); this module only knows how to
find a trigger, read the arguments attached to it (case particles over the parse),
and decide the statement's modality.  See the YAML header for the slot names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

import yaml
from spacy.tokens import Doc, Span, Token

from kg.dates import normalize_date
from kg.gazetteer import Gazetteer
from kg.model import Article, Event, Evidence, Mention
from kg.resources import ontology_file

ARG_DEPS = frozenset({"nsubj", "obj", "obl", "nmod", "iobj", "csubj", "compound", "dislocated"})
DATIVE = ("に対して", "に対し", "への", "に", "へ")
ABOUT = ("について", "に関して", "をめぐり", "を巡り", "をめぐって", "を巡って")
QUOTE_DEPS = frozenset({"advcl", "ccomp", "obl", "acl"})


@dataclass(frozen=True)
class Role:
    slots: tuple[str, ...]
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    rule_id: str
    relation: str
    triggers: frozenset[str]
    agent: Role
    target: Role | None
    item: Role | None = None
    trigger_prefix: str | None = None
    target_from: str | None = None
    require_item: bool = False


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    supply_items: tuple[str, ...]
    modality: dict[str, tuple[str, ...]]
    reporting_verbs: frozenset[str]
    denial_verbs: frozenset[str]
    reported_markers: tuple[str, ...]


def _role(spec: dict | None) -> Role | None:
    if not spec:
        return None
    return Role(tuple(spec.get("slots") or ()), tuple(spec.get("kinds") or ()))


@cache
def load_rules() -> RuleSet:
    """Read ontology/rules.yaml."""
    with ontology_file("rules.yaml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    rules = tuple(
        Rule(
            rule_id=spec["id"],
            relation=spec["relation"],
            triggers=frozenset(spec.get("triggers") or ()),
            agent=_role(spec.get("agent")) or Role(("subject",)),
            target=_role(spec.get("target")),
            item=_role(spec.get("item")),
            trigger_prefix=spec.get("trigger_prefix"),
            target_from=spec.get("target_from"),
            require_item=bool(spec.get("require_item")),
        )
        for spec in data["rules"]
    )
    return RuleSet(
        rules=rules,
        supply_items=tuple(sorted(data.get("supply_items") or (), key=len, reverse=True)),
        modality={k: tuple(v) for k, v in (data.get("modality") or {}).items()},
        reporting_verbs=frozenset(data.get("reporting_verbs") or ()),
        denial_verbs=frozenset(data.get("denial_verbs") or ()),
        reported_markers=tuple(data.get("reported_markers") or ()),
    )


@dataclass
class SentenceContext:
    """What a paragraph carries from one sentence to the next."""

    topic: tuple[str, ...] = ()


@dataclass
class Extractor:
    """Extracts events from one parsed unit (a paragraph) of an article."""

    doc: Doc
    offset: int
    article: Article
    gazetteer: Gazetteer
    mentions: list[tuple[Mention, tuple[str, ...]]]
    rules: RuleSet = field(default_factory=load_rules)
    token_ids: dict[int, tuple[str, ...]] = field(default_factory=dict)
    token_kind: dict[int, str] = field(default_factory=dict)
    token_mention: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for index, (mention, ids) in enumerate(self.mentions):
            span = self.doc.char_span(
                mention.start - self.offset, mention.end - self.offset, alignment_mode="expand"
            )
            if span is None or not ids:
                continue
            for token in span:
                self.token_ids[token.i] = ids
                self.token_kind[token.i] = mention.kind
                self.token_mention[token.i] = index

    # ----------------------------------------------------------------- driving
    def events(self) -> list[Event]:
        found: list[Event] = []
        context = SentenceContext()
        for sent in self.doc.sents:
            for token in sent:
                for rule in self.rules.rules:
                    if self._is_trigger(token, rule):
                        found.extend(self._apply(rule, token, sent, context))
            context.topic = self._topic(sent) or context.topic
        return _unique(found)

    def _is_trigger(self, token: Token, rule: Rule) -> bool:
        if token.i in self.token_ids:
            return False
        if rule.trigger_prefix:
            text = token.text
            return (
                len(text) == len(rule.trigger_prefix) + 1
                and text.startswith(rule.trigger_prefix)
                and text[-1] in self.gazetteer.abbreviations
            )
        return token.lemma_ in rule.triggers or token.text in rule.triggers

    def _apply(self, rule: Rule, trigger: Token, sent: Span, ctx: SentenceContext) -> list[Event]:
        targets = self._targets(rule, trigger)
        if not targets:
            return []
        item = self._item(rule, trigger)
        if rule.require_item and item is None:
            return []
        if rule.relation == "visited" and rule.rule_id.endswith("dispatch"):
            agents = self._fill(rule.agent, trigger)
        else:
            agents = self._fill(rule.agent, trigger) or self._inherited_subject(
                trigger, rule.agent, ctx
            )
        modality, attributed = self._modality(trigger, sent)
        events = []
        for agent in agents:
            for target in targets:
                if agent == target or (
                    rule.relation == "visited" and self._home_state(agent) == target
                ):
                    continue
                events.append(
                    self._event(rule, trigger, sent, agent, target, item, modality, attributed)
                )
        return events

    def _home_state(self, entity_id: str) -> str | None:
        entry = self.gazetteer.entries.get(entity_id)
        return entry.state if entry and entry.kind != "State" else None

    # --------------------------------------------------------------- arguments
    def _targets(self, rule: Rule, trigger: Token) -> list[str]:
        if rule.target_from == "abbreviation":
            return [self.gazetteer.abbreviations[trigger.text[-1]]]
        if rule.target is None:
            return []
        return [self._as_target(t, rule.relation) for t in self._fill(rule.target, trigger)]

    def _as_target(self, entity_id: str, relation: str) -> str:
        """A visit to a city is a visit to its state; the city stays on the event."""
        entry = self.gazetteer.entries.get(entity_id)
        if relation == "visited" and entry and entry.kind == "Place" and entry.state:
            return entry.state
        return entity_id

    def _fill(self, role: Role, trigger: Token, before: int | None = None) -> list[str]:
        """Entities for a role from the trigger's slots, in the role's slot order.

        ``before``: only arguments that start before this token index (a subject
        carried over to a later clause is written before it).
        """
        for slot in role.slots:
            for head in self._slot_heads(slot, trigger):
                if before is not None and head.left_edge.i >= before:
                    continue
                ids = self._phrase_entities(head, role.kinds)
                if ids:
                    return ids
        return []

    def _slot_heads(self, slot: str, trigger: Token) -> Iterable[Token]:
        pred = _predicate_head(trigger)
        children = [c for c in pred.children if c.dep_ in ARG_DEPS]
        if pred is not trigger:
            children += [c for c in trigger.children if c.dep_ in ARG_DEPS]
        if slot == "subject":
            yield from (c for c in children if _case(c) in ("が", "は") or c.dep_ == "nsubj")
        elif slot == "object":
            yield from (c for c in children if _case(c) == "を" or c.dep_ == "obj")
        elif slot == "dative":
            yield from (c for c in children if _case(c) in DATIVE)
        elif slot == "about":
            yield from (c for c in children if _case(c) in ABOUT)
        elif slot == "genitive":
            yield from (c for c in trigger.children if c.dep_ == "nmod" and _case(c) == "の")
        elif slot == "compound":
            yield from (c for c in trigger.children if c.dep_ == "compound")
            if trigger.dep_ == "compound":
                yield trigger.head
        elif slot == "relative_head":
            if trigger.dep_ == "acl" or pred.dep_ == "acl":
                yield pred.head if pred.dep_ == "acl" else trigger.head
        elif slot == "quote_subject":
            for clause in trigger.children:
                if clause.dep_ in QUOTE_DEPS and clause.pos_ == "VERB" and _quoted(clause):
                    yield from (c for c in clause.children if c.dep_ == "nsubj")

    def _phrase_entities(self, head: Token, kinds: tuple[str, ...]) -> list[str]:
        """Entities a noun phrase names: its head, else its compounds, else its の-modifiers."""
        groups = [[head], [c for c in head.children if c.dep_ in ("compound", "flat")]]
        groups.append([c for c in head.children if c.dep_ == "nmod" and _case(c) == "の"])
        for group in groups:
            ids: list[str] = []
            for token in group:
                for member in [token, *_conjuncts(token)]:
                    found = self._ids_at(member, kinds)
                    if not found and member.i not in self.token_ids:  # プーチン|氏
                        for part in member.children:
                            if part.dep_ in ("compound", "flat"):
                                found.extend(self._ids_at(part, kinds))
                    ids.extend(found)
            if ids:
                return _prefer_people(list(dict.fromkeys(ids)), self.gazetteer, self.token_kind)
        return []

    def _ids_at(self, token: Token, kinds: tuple[str, ...]) -> list[str]:
        ids = self.token_ids.get(token.i, ())
        out = []
        for entity_id in ids:
            entity_id = self._metonym(entity_id, kinds)
            kind = self._kind(entity_id, token)
            if not kinds or kind in kinds:
                out.append(entity_id)
        return out

    def _metonym(self, entity_id: str, kinds: tuple[str, ...]) -> str:
        """Capitals and government organs stand for their state where a state fits."""
        if "State" in kinds:
            entity_id = self.gazetteer.acting_state(entity_id)
        entry = self.gazetteer.entries.get(entity_id)
        if entry and entry.capital_of and "Place" not in kinds and "State" in kinds:
            return entry.capital_of
        return entity_id

    def _kind(self, entity_id: str, token: Token) -> str:
        entry = self.gazetteer.entries.get(entity_id)
        return entry.kind if entry else self.token_kind.get(token.i, "")

    def _item(self, rule: Rule, trigger: Token) -> str | None:
        if rule.item is None:
            return None
        for slot in rule.item.slots:
            for head in self._slot_heads(slot, trigger):
                phrase = "".join(t.text for t in head.subtree if t.dep_ not in ("case", "punct"))
                for item in self.rules.supply_items:
                    if item in phrase or item == head.lemma_:
                        return item
        for item in self.rules.supply_items:  # 派兵: the trigger names its own item
            if trigger.text.endswith("兵") and item == "兵力":
                return item
        return None

    def _inherited_subject(self, trigger: Token, role: Role, ctx: SentenceContext) -> list[str]:
        """A left-out subject: from an earlier clause, the governing verb, or the topic."""
        node = _predicate_head(trigger)
        ids = self._earlier_clause_subject(node, role, depth=0)
        if ids:
            return ids
        for _ in range(4):
            if node.dep_ in ("advcl", "conj", "acl") or (
                node.dep_ in ("obj", "obl") and node.pos_ in ("NOUN", "VERB")
            ):
                node = node.head
                ids = self._fill(role, node, before=trigger.i) or self._earlier_clause_subject(
                    node, role, 0
                )
                if ids:
                    return ids
            else:
                break
        if not any(t.dep_ == "nsubj" for t in trigger.sent if t.i < trigger.i):
            return [t for t in ctx.topic if self._kind(t, trigger) in role.kinds]
        return []

    def _earlier_clause_subject(self, node: Token, role: Role, depth: int) -> list[str]:
        """A subject stated in a clause before ``node`` (AはXし、Yした: A is Y's subject too)."""
        if depth > 4:
            return []
        for child in node.children:
            if child.dep_ in ("advcl", "conj") and child.i < node.i:
                ids = self._fill(role, child) or self._earlier_clause_subject(
                    child, role, depth + 1
                )
                if ids:
                    return ids
        return []

    def _topic(self, sent: Span) -> tuple[str, ...]:
        for token in sent:
            if token.dep_ == "nsubj" and _case(token) == "は":
                ids = self._phrase_entities(token, ("Person", "State", "Organization"))
                if ids:
                    return tuple(ids)
        return ()

    # ---------------------------------------------------------------- modality
    def _modality(self, trigger: Token, sent: Span) -> tuple[str, tuple[str, ...]]:
        tail = _clause_tail(trigger)
        for modality in (
            "negated",
            "hypothetical",
            "requested",
            "promised",
            "planned",
            "speculative",
        ):
            words = self.rules.modality.get(modality, ())
            if any(t.lemma_ in words or t.text in words for t in tail):
                return modality, ()
        governor = _quote_governor(trigger)
        if governor is not None:
            if governor.lemma_ in self.rules.denial_verbs:
                return "denied", ()
            if governor.lemma_ in self.rules.reporting_verbs:
                reporters = self._fill(
                    Role(("subject",), ("Person", "State", "Organization")), governor
                )
                return "reported", tuple(reporters)
        if any(marker in sent.text for marker in self.rules.reported_markers):
            return "reported", ()
        return "asserted", ()

    def _event(
        self,
        rule: Rule,
        trigger: Token,
        sent: Span,
        agent: str,
        target: str,
        item: str | None,
        modality: str,
        attributed: tuple[str, ...],
    ) -> Event:
        start = self.offset + sent.start_char
        text = sent.text.strip()
        start += len(sent.text) - len(sent.text.lstrip())
        evidence = Evidence(self.article.doc_id, text, start, start + len(text))
        published = self.article.date_at(start)
        return Event(
            relation=rule.relation,
            agent=agent,
            target=target,
            evidence=evidence,
            rule_id=rule.rule_id,
            modality=modality,
            date=normalize_date(sent.text, published, before=trigger.idx - sent.start_char),
            item=item,
            attributed_to=attributed,
            trigger=trigger.text,
        )


# ------------------------------------------------------------------- helpers
def _case(token: Token) -> str:
    """The case marker of a noun phrase: が, を, に対して, の …"""
    parts = [
        c.text
        for c in token.children
        if c.dep_ in ("case", "fixed", "mark")
        and c.i > token.i
        and c.pos_ in ("ADP", "SCONJ", "VERB")
    ]
    for c in token.children:
        if c.dep_ == "case" and c.i > token.i:
            parts.extend(g.text for g in c.children if g.dep_ == "fixed")
    return "".join(parts)


def _prefer_people(ids: list[str], gazetteer: Gazetteer, kinds: dict) -> list[str]:
    """米ブリンケン国務長官: the person, not the state that modifies the name."""
    people = [i for i in ids if _entity_kind(i, gazetteer) == "Person"]
    return people or ids


def _entity_kind(entity_id: str, gazetteer: Gazetteer) -> str:
    entry = gazetteer.entries.get(entity_id)
    if entry:
        return entry.kind
    return entity_id.partition("/")[0].capitalize()


def _conjuncts(token: Token) -> list[Token]:
    """北朝鮮とロシア: the と-marked nouns coordinated with ``token``."""
    return [c for c in token.children if c.dep_ in ("nmod", "conj") and _case(c) in ("と", "や")]


def _predicate_head(trigger: Token) -> Token:
    """The token arguments attach to: the trigger, or the verb a nominal trigger is object of
    (懸念を表明した → 表明)."""
    if trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ == "obj":
        return trigger.head
    return trigger


def _quoted(clause: Token) -> bool:
    return any(c.text == "と" and c.dep_ in ("case", "mark") for c in clause.children)


def _quote_governor(trigger: Token) -> Token | None:
    """The verb whose と-quoted clause contains the trigger (…を提供していると非難)."""
    node = trigger
    for _ in range(4):
        if node.dep_ in QUOTE_DEPS and _quoted(node) and node.head is not node:
            return node.head
        if node.head is node:
            return None
        node = node.head
    return None


def _clause_tail(trigger: Token) -> list[Token]:
    """The trigger's auxiliaries and the words after it up to the next comma or clause."""
    tail = [c for c in trigger.children if c.dep_ in ("aux", "mark", "fixed", "cop")]
    for token in trigger.doc[trigger.i + 1 : trigger.i + 8]:
        if token.is_punct or token.i >= trigger.sent.end:
            break
        tail.append(token)
    return tail


def _unique(events: list[Event]) -> list[Event]:
    seen, out = set(), []
    for event in events:
        key = (event.relation, event.agent, event.target, event.evidence.start, event.rule_id)
        if key not in seen:
            seen.add(key)
            out.append(event)
    return out
