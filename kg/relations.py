"""The rule engine: typed relations from GiNZA's dependency parse.

Rules and lexicons are data (``ontology/rules.yaml``); this module only knows how to
find a trigger, read the arguments attached to it (case particles over the parse),
and decide the statement's modality.  See the YAML header for the slot names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache

from spacy.tokens import Doc, Span, Token

from kg.dates import normalize_date
from kg.gazetteer import Gazetteer
from kg.model import Article, Event, Evidence, Mention
from kg.resources import ontology_file, read_yaml

ARG_DEPS = frozenset({"nsubj", "obj", "obl", "nmod", "iobj", "csubj", "compound", "dislocated"})
DATIVE = ("に対して", "に対し", "への", "に", "へ")
ABOUT = ("について", "に関して", "をめぐり", "を巡り", "をめぐって", "を巡って")
QUOTE_DEPS = frozenset({"advcl", "ccomp", "obl", "acl", "nmod"})  # …と非難, …との報道
CLAUSE_DEPS = ("advcl", "conj", "acl")
_BARE_DAY = re.compile(r"(?<![\d月年])(\d{1,2})日")  # 26日から (no month: this month)
GENITIVE = ("の", "による")  # プーチン氏の訪朝, ロシアによる侵攻
COORDINATORS = frozenset({"および", "及び", "並びに", "や", "と"})
ACTORS = ("Person", "State", "Organization")


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
    light_verbs: frozenset[str]
    adverbial_nouns: frozenset[str]
    nominalizers: frozenset[str]
    aspect_suffixes: frozenset[str]
    content_nouns: frozenset[str]
    modal_nouns: frozenset[str]  # 方針, 可能性, 予定 …: every modality word
    self_report_verbs: frozenset[str]
    future_markers: tuple[str, ...]
    performatives: frozenset[str] = frozenset()  # 非難する」と述べた: done by saying it


def _role(spec: dict | None) -> Role | None:
    if not spec:
        return None
    return Role(tuple(spec.get("slots") or ()), tuple(spec.get("kinds") or ()))


@cache
def load_rules() -> RuleSet:
    """Read ontology/rules.yaml."""
    data = read_yaml(ontology_file("rules.yaml"))
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
    words = lambda key: frozenset(data.get(key) or ())  # noqa: E731
    return RuleSet(
        rules=rules,
        supply_items=tuple(sorted(data.get("supply_items") or (), key=len, reverse=True)),
        modality={k: tuple(v) for k, v in (data.get("modality") or {}).items()},
        reporting_verbs=words("reporting_verbs"),
        denial_verbs=words("denial_verbs"),
        reported_markers=tuple(data.get("reported_markers") or ()),
        light_verbs=words("light_verbs"),
        adverbial_nouns=words("adverbial_nouns"),
        nominalizers=words("nominalizers"),
        aspect_suffixes=words("aspect_suffixes"),
        content_nouns=words("content_nouns"),
        modal_nouns=frozenset(w for ws in (data.get("modality") or {}).values() for w in ws),
        self_report_verbs=words("self_report_verbs"),
        future_markers=tuple(data.get("future_markers") or ()),
        performatives=words("performatives"),
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
    # What the unit's mentions say of entities the gazetteer does not know: the state an
    # organ acts for (アメリカ海軍 → the United States), a person's or a place's state.
    acting: dict[str, str] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for mention, ids in self.mentions:
            start = mention.start if mention.anchor is None else mention.anchor
            span = self.doc.char_span(
                start - self.offset, mention.end - self.offset, alignment_mode="expand"
            )
            if span is None or not ids:
                continue
            for token in span:
                self.token_ids[token.i] = ids
                self.token_kind[token.i] = mention.kind
            state = self._related_state(mention)
            if state and len(ids) == 1:
                self.states.setdefault(ids[0], state)
                if mention.organ:
                    self.acting.setdefault(ids[0], state)

    def _related_state(self, mention: Mention) -> str | None:
        """The one state a mention's related entities name (directly or as their state)."""
        states = {self.gazetteer.state_of(r) for r in mention.related} - {None}
        return states.pop() if len(states) == 1 else None

    # ----------------------------------------------------------------- driving
    def events(self) -> list[Event]:
        """Every event the rules find in the unit, one per mention and rule."""
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
        raw_targets = self._raw_targets(rule, trigger)
        targets = list(dict.fromkeys(self._as_target(t, rule.relation) for t in raw_targets))
        if not targets:
            return []
        place = self._place(trigger, raw_targets)
        item = self._item(rule, trigger)
        if rule.require_item and item is None:
            return []
        agents = self._fill(rule.agent, trigger)
        if not agents and "object" not in rule.agent.slots:
            agents = self._inherited_subject(trigger, rule.agent, ctx)
        modality, attributed = self._modality(trigger, sent)
        events = []
        for agent in agents:
            for target in targets:
                if agent == target or (
                    rule.relation == "visited" and self._home_state(agent) == target
                ):
                    continue
                event = self._event(rule, trigger, sent, agent, target, item, modality, attributed)
                events.append(replace(event, place=place) if place != target else event)
        return events

    def _place(self, trigger: Token, raw_targets: list[str]) -> str | None:
        """Where it happened: the city visited (平壌を訪問), else a で-phrase naming a place."""
        for entity_id in raw_targets:
            if self._kind(entity_id) == "Place":
                return entity_id
        for head in self._slot_heads("location", trigger):
            ids = self._phrase_entities(head, ("Place", "State"))
            if ids:
                return ids[0]
        return None

    def _home_state(self, entity_id: str) -> str | None:
        entry = self.gazetteer.entries.get(entity_id)
        if entry is None:
            return self.states.get(entity_id)
        return entry.state if entry.kind != "State" else None

    # --------------------------------------------------------------- arguments
    def _raw_targets(self, rule: Rule, trigger: Token) -> list[str]:
        if rule.target_from == "abbreviation":
            return [self.gazetteer.abbreviations[trigger.text[-1]]]
        if rule.target is None:
            return []
        return self._fill(rule.target, trigger, clauses=True)

    def _as_target(self, entity_id: str, relation: str) -> str:
        """A visit to a city is a visit to its state."""
        if relation != "visited" or self._kind(entity_id) != "Place":
            return entity_id
        entry = self.gazetteer.entries.get(entity_id)
        state = entry.state if entry else self.states.get(entity_id)
        return state or entity_id

    def _fill(
        self, role: Role, trigger: Token, before: int | None = None, clauses: bool = False
    ) -> list[str]:
        """Entities for a role from the trigger's slots, in the role's slot order.

        ``before``: only arguments that start before this token index (a subject
        carried over to a later clause is written before it).  ``clauses``: an argument
        that is a nominalised clause (…を締結したこと) stands for that clause's object,
        else its subject.
        """
        slots = role.slots
        if _is_nominal(trigger) and "genitive" in slots:  # プーチン氏の訪朝: の names the agent
            slots = ("genitive", *[s for s in slots if s != "genitive"])
        for slot in slots:
            for head in self._slot_heads(slot, trigger):
                if before is not None and head.left_edge.i >= before:
                    continue
                if head.lemma_ in self.rules.adverbial_nouns:
                    continue
                ids = self._phrase_entities(head, role.kinds)
                if not ids and clauses and head.lemma_ in self.rules.nominalizers:
                    ids = self._clause_entities(head, role.kinds)
                if ids:
                    return ids
        return []

    def _slot_heads(self, slot: str, trigger: Token) -> Iterator[Token]:
        pred = self._predicate_head(trigger)
        children = [c for c in pred.children if c.dep_ in ARG_DEPS]
        if pred.i != trigger.i:
            children += [c for c in trigger.children if c.dep_ in ARG_DEPS]
        if slot == "subject":
            yield from self._subject_heads(pred, children)
        elif slot == "object":
            # を通じて / を巡って are not objects
            yield from (c for c in children if _case(c) == "を" or c.dep_ == "obj" and not _case(c))
            yield from _adjacent_argument(trigger, ("を",))
            yield from _displaced_object(pred)
        elif slot == "dative":
            yield from (c for c in children if _case(c) in DATIVE)
            yield from _adjacent_argument(trigger, DATIVE)
            yield from _stray_arguments(pred, DATIVE)
        elif slot == "location":
            yield from (c for c in children if _case(c) == "で")
        elif slot == "about":
            yield from (c for c in children if _case(c) in ABOUT)
        elif slot == "genitive":
            yield from (c for c in trigger.children if c.dep_ == "nmod" and _case(c) in GENITIVE)
        elif slot == "compound":
            yield from (c for c in trigger.children if c.dep_ == "compound")
            # a noun right before the trigger noun with no particle between is a compound
            # whatever label the parser gave it (シンガポール入り: nmod)
            yield from (
                c
                for c in trigger.children
                if c.dep_ == "nmod" and c.i == trigger.i - 1 and not _case(c)
            )
            if trigger.dep_ == "compound":
                yield trigger.head
        elif slot == "relative_head":
            if pred.dep_ == "acl" and pred.head.i > pred.i:
                yield pred.head
            elif pred.dep_ == "nmod" and pred.lemma_ in self.rules.aspect_suffixes:
                yield pred.head  # ロシアを訪問中のモディ首相
            following = self._relative_head_after(trigger)
            if following is not None:
                yield following
        elif slot == "quote_subject":
            for clause in _quoted_clauses([*trigger.children, *pred.children]):
                stray = _stray_arguments(clause, ("が",))
                yield from _subjects(list(clause.children) + stray, topics=False)

    def _subject_heads(self, pred: Token, children: list[Token]) -> list[Token]:
        """Subjects of a predicate, with the comma rule of Japanese news prose: a subject
        set off by a comma (米ホワイトハウスが、…) governs the main predicate, even where the
        parser hangs it on a clause nominalised by こと; that clause's own subject is the
        nearest が-phrase inside it."""
        subjects = list(_subjects(children + _stray_arguments(pred, ("が",))))
        if pred.dep_ == "acl":  # は never marks a relative clause's subject
            subjects = [c for c in subjects if _case(c) != "は"]
        else:  # …so a は-phrase the parser gave to a relative clause is the main subject
            subjects += [
                t
                for t in pred.subtree
                if t.i < pred.i
                and t.dep_ == "nsubj"
                and _case(t) == "は"
                and t.head.dep_ == "acl"
                and t.head.i != pred.i
            ]
        if self._nominalised(pred):
            subjects = [c for c in subjects if not _comma_after(c)]
            if not subjects:
                inner = [t for t in pred.subtree if t.i < pred.i and _case(t) == "が"]
                subjects = inner[-1:]
        for argument in children:
            if argument.lemma_ in self.rules.nominalizers and argument.dep_ in ("obj", "obl"):
                for clause in argument.children:
                    if clause.dep_ == "acl":
                        subjects += [c for c in _subjects(list(clause.children)) if _comma_after(c)]
        return subjects

    def _nominalised(self, pred: Token) -> bool:
        return pred.dep_ == "acl" and pred.head.lemma_ in self.rules.nominalizers

    def _relative_head_after(self, trigger: Token) -> Token | None:
        """The noun a relative clause modifies, read off the surface where the parse is
        unsure: 訪朝した ロシアの クリボルチコ国防次官 → クリボルチコ.  Only a clause that
        ends in its attributive form right before a noun phrase qualifies."""
        doc = trigger.doc
        i = trigger.i + 1
        while i < len(doc) and doc[i].dep_ == "aux" and doc[i].head.i == trigger.i:
            i += 1
        if i == trigger.i + 1 or i >= len(doc) or doc[i - 1].lemma_ not in ("た", "する", "いる"):
            return None
        if doc[i - 1].text not in ("た", "する", "している", "いる"):
            return None
        for token in doc[i : i + 8]:
            if token.is_punct or (token.pos_ == "ADP" and token.text != "の"):
                return None
            if self.token_kind.get(token.i) == "Person":
                return token
        return None

    def _predicate_head(self, trigger: Token) -> Token:
        """Where arguments attach: the trigger, the light verb a nominal trigger is the
        object of (懸念を表明した → 表明; 派兵を続ける → 続ける), or the aspect suffix it
        is compounded with (訪問中 → 中)."""
        head = trigger.head
        if trigger.dep_ == "compound" and head.lemma_ in self.rules.aspect_suffixes:
            return head
        if _is_nominal(trigger) and trigger.dep_ == "obj" and head.lemma_ in self.rules.light_verbs:
            return head
        return trigger

    def _phrase_entities(self, head: Token, kinds: tuple[str, ...]) -> list[str]:
        """Entities a noun phrase names: its head, else its compounds, else its の-modifiers."""
        compounds = [c for c in head.children if c.dep_ in ("compound", "flat")]
        genitives = [c for c in head.children if c.dep_ == "nmod" and _case(c) in GENITIVE]
        agents = [c for c in genitives if _case(c) == "による"]
        genitives = agents or genitives  # イスラエルによるシリアの…空爆: the actor, not the place
        groups = [[head], compounds, genitives]
        if "サ変" in head.tag_ and head.i not in self.token_ids:
            groups = [genitives, compounds]  # プーチンの北朝鮮訪問を批判: the actor, not the place
        for group in groups:
            ids: list[str] = []
            for token in group:
                for member in [token, *_conjuncts(token)]:
                    ids.extend(self._ids_in(member, kinds))
            if ids:
                ids = self._prefer_people(list(dict.fromkeys(ids)))
                return ids + self._people_coordinated_over(genitives, ids)
        return []

    def _people_coordinated_over(self, genitives: list[Token], ids: list[str]) -> list[str]:
        """AとイランのB大統領: a person coordinated with the head but hung on its の-modifier."""
        if not ids or self._kind(ids[0]) != "Person":
            return []
        found = []
        for modifier in genitives:
            for conjunct in _conjuncts(modifier):
                found += [i for i in self._ids_in(conjunct, ("Person",)) if i not in ids]
        return found

    def _ids_in(self, token: Token, kinds: tuple[str, ...]) -> list[str]:
        """Entities at a token, at the name compounded into it (プーチン|氏), or at the name
        a title follows (金正恩(キム・ジョンウン)総書記と…: 書記 → 金正恩)."""
        found = self._ids_at(token, kinds)
        if not found and token.i not in self.token_ids:
            for part in token.children:
                if part.dep_ in ("compound", "flat"):
                    found.extend(self._ids_at(part, kinds))
        if not found and token.i not in self.token_ids:
            owner = self._title_owner(token)
            if owner is not None:
                found.extend(self._ids_at(owner, kinds))
        return found

    def _title_owner(self, title: Token) -> Token | None:
        """The last token of the person's name that a title token follows, if any."""
        start = title.i
        while (
            start > 0
            and title.doc[start - 1].dep_ == "compound"
            and (title.doc[start - 1].head.i == title.i)
        ):
            start -= 1
        text = "".join(t.text for t in title.doc[start : title.i + 1])
        if self.gazetteer.title_at(text) != text:
            return None
        i = start - 1
        if i >= 0 and title.doc[i].text in (")", "）"):
            while i >= 0 and title.doc[i].text not in ("(", "（"):
                i -= 1
            i -= 1
        if i >= 0 and self.token_kind.get(i) == "Person":
            return title.doc[i]
        return None

    def _ids_at(self, token: Token, kinds: tuple[str, ...]) -> list[str]:
        out = []
        for entity_id in self.token_ids.get(token.i, ()):
            entity_id = self._metonym(entity_id, kinds)
            if not kinds or self._kind(entity_id) in kinds:
                out.append(entity_id)
        return out

    def _clause_entities(self, nominalizer: Token, kinds: tuple[str, ...]) -> list[str]:
        """条約を締結したことに懸念: the clause's object, else its subject."""
        for clause in nominalizer.children:
            if clause.dep_ != "acl":
                continue
            for slot in ("object", "subject"):
                for head in self._slot_heads(slot, clause):
                    ids = self._phrase_entities(head, kinds)
                    if ids:
                        return ids
        return []

    def _metonym(self, entity_id: str, kinds: tuple[str, ...]) -> str:
        """Capitals and government organs stand for their state where a state fits."""
        if "State" in kinds:
            entity_id = self.acting.get(entity_id) or self.gazetteer.acting_state(entity_id)
        entry = self.gazetteer.entries.get(entity_id)
        if entry and entry.capital_of and "Place" not in kinds and "State" in kinds:
            return entry.capital_of
        return entity_id

    def _kind(self, entity_id: str) -> str:
        entry = self.gazetteer.entries.get(entity_id)
        return entry.kind if entry else entity_id.partition("/")[0].capitalize()

    def _prefer_people(self, ids: list[str]) -> list[str]:
        """米ブリンケン国務長官: the person, not the state that modifies the name."""
        people = [i for i in ids if self._kind(i) == "Person"]
        return people or ids

    def _item(self, rule: Rule, trigger: Token) -> str | None:
        if rule.item is None:
            return None
        for slot in rule.item.slots:
            for head in self._slot_heads(slot, trigger):
                phrase = "".join(t.text for t in head.subtree if t.dep_ not in ("case", "punct"))
                for item in self.rules.supply_items:
                    if item in phrase:
                        return item
        if trigger.text.endswith("兵"):  # 派兵: the trigger names its own item
            return "兵力"
        return None

    def _inherited_subject(self, trigger: Token, role: Role, ctx: SentenceContext) -> list[str]:
        """A left-out subject: an earlier clause's, the governing predicate's, or the topic.

        A clause quoted by a verb that accuses or acts on others (…を提供したとして制裁,
        …したと非難) does not take that verb's subject: the accuser is not the actor.
        """
        governor = _quote_governor(trigger, self.rules.content_nouns)
        if governor is not None and _lemma(governor) not in self.rules.self_report_verbs:
            return []
        node = self._predicate_head(trigger)
        if _is_nominal(trigger) and node.i == trigger.i and trigger.dep_ not in ("ROOT", "conj"):
            return []  # プーチン氏の訪問を批判: the critic did not visit
        ids = self._earlier_clause_subject(node, role, depth=0)
        for _ in range(4):
            if ids or not self._embedded(node):
                break
            node = node.head
            ids = self._fill(role, node, before=trigger.i) or self._earlier_clause_subject(
                node, role, 0
            )
        if ids:
            return ids
        if not self._has_own_subject(trigger):
            return [t for t in ctx.topic if self._kind(t) in role.kinds]
        return []

    def _embedded(self, node: Token) -> bool:
        """A clause whose left-out subject is its governor's: a subordinate clause, a
        nominalised one (…供給していることを指摘した), or a time phrase (訪韓中の8日、)."""
        return (
            node.dep_ in CLAUSE_DEPS
            or (node.dep_ == "nmod" and node.pos_ == "VERB" and _quoted(node))
            or (
                node.lemma_
                in self.rules.nominalizers | self.rules.content_nouns | self.rules.modal_nouns
                and node.dep_ in ("obj", "obl", "nsubj")
            )
            or (node.lemma_ in self.rules.aspect_suffixes and node.dep_ in ("nmod", "obl"))
            or (node.dep_ == "obl" and "助数詞" in node.tag_)
        )

    def _earlier_clause_subject(self, node: Token, role: Role, depth: int) -> list[str]:
        """A subject stated in a clause before ``node`` (AはXし、Yした: A is Y's subject too)."""
        if depth > 4:
            return []
        for child in node.children:
            if child.i > node.i:
                continue
            clauses = [child] if child.dep_ in CLAUSE_DEPS and not _quoted(child) else []
            if child.lemma_ in self.rules.adverbial_nouns:  # 北朝鮮がウクライナに対抗するため
                clauses = [c for c in child.children if c.dep_ == "acl"]
            for clause in clauses:
                ids = self._fill(role, clause) or self._earlier_clause_subject(
                    clause, role, depth + 1
                )
                if ids:
                    return ids
        return []

    def _has_own_subject(self, trigger: Token) -> bool:
        """Whether a predicate on the trigger's path to the root has a subject before it."""
        node = trigger
        for _ in range(8):
            if any(c.dep_ == "nsubj" and c.i < trigger.i for c in node.children):
                return True
            if node.head.i == node.i:
                return False
            node = node.head
        return False

    def _topic(self, sent: Span) -> tuple[str, ...]:
        for token in sent:
            if token.dep_ == "nsubj" and _case(token) == "は":
                ids = self._phrase_entities(token, ACTORS)
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
        governor = _quote_governor(trigger, self.rules.content_nouns)
        if self._scheduled(trigger, sent) and not self._performative(trigger, governor):
            return "planned", ()
        if governor is not None:
            if _lemma(governor) in self.rules.denial_verbs:
                return "denied", ()
            if _lemma(governor) in self.rules.reporting_verbs:
                return "reported", tuple(self._reporters(governor, trigger))
        if any(marker in sent.text for marker in self.rules.reported_markers):
            return "reported", ()
        return "asserted", ()

    def _performative(self, trigger: Token, governor: Token | None) -> bool:
        """「…を強く非難する」と述べた: a speech act in the non-past, quoted from its speaker,
        is done by being said, not scheduled."""
        return (
            governor is not None
            and _lemma(trigger) in self.rules.performatives
            and _lemma(governor) in self.rules.self_report_verbs
        )

    def _scheduled(self, trigger: Token, sent: Span) -> bool:
        """Whether the statement is of a scheduled event, not a done one.

        News writes what will happen in the non-past (訪問する); done acts take た and
        ongoing ones ている.  A relative clause in the non-past (糾弾する声明) is no
        schedule, and a chain of clauses (訪問し、会談する) is one only with a future cue
        in the sentence (a day after publication, 来月 …): summaries also narrate the past
        in the non-past.
        """
        tense = _tense(trigger)
        if tense == "non-past":
            return trigger.dep_ != "acl"
        node = trigger
        for _ in range(6):
            if tense != "conjunctive" or node.dep_ not in ("advcl", "conj"):
                break
            node = node.head
            tense = _tense(node)
        return node.i != trigger.i and tense == "non-past" and self._future_cue(sent)

    def _future_cue(self, sent: Span) -> bool:
        if any(word in sent.text for word in self.rules.future_markers):
            return True
        published = self.article.date_at(self.offset + sent.start_char)
        days = (int(m.group(1)) for m in _BARE_DAY.finditer(sent.text))
        return published is not None and any(day > published.day for day in days)

    def _reporters(self, governor: Token, trigger: Token) -> list[str]:
        """Who says it: the governing verb's subject, or a は-topic the parser hung on the
        quoted clause (米国は、北朝鮮が…提供していると非難)."""
        role = Role(("subject",), ACTORS)
        found = self._fill(role, governor)
        if found:
            return found
        clause = trigger
        while clause.head.i not in (governor.i, clause.i):
            clause = clause.head
        for child in clause.children:
            if child.dep_ == "nsubj" and _case(child) == "は":
                found.extend(self._phrase_entities(child, ACTORS))
        return found or self._earlier_clause_subject(governor, role, 0)

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
        published = self.article.date_at(start)
        section = self.article.section_at(start)
        item_title = section.title if section and len(self.article.sections) > 1 else None
        evidence = Evidence(
            self.article.doc_id, text, start, start + len(text), published, item_title
        )
        return Event(
            relation=rule.relation,
            agent=agent,
            target=target,
            evidence=evidence,
            rule_id=rule.rule_id,
            modality=modality,
            date=normalize_date(
                sent.text,
                published,
                before=trigger.idx - sent.start_char,
                forward=modality == "planned",
            ),
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
        if c.dep_ in ("case", "fixed", "mark") and c.i > token.i and c.pos_ in ("ADP", "SCONJ")
    ]
    for c in token.children:
        if c.dep_ == "case" and c.i > token.i:
            parts.extend(g.text for g in c.children if g.dep_ == "fixed")
    return "".join(parts)


def _subjects(children: list[Token], topics: bool = True) -> Iterable[Token]:
    """Subjects, が before は: when the parser hangs a sentence topic on an embedded
    predicate that has its own が-subject, the が-subject is the embedded one's."""
    marked = [c for c in children if c.dep_ == "nsubj" or _case(c) in ("が", "は")]
    ga = [c for c in marked if _case(c) != "は"]
    wa = [c for c in marked if _case(c) == "は"]
    return ga + wa if topics else ga


def _adjacent_argument(trigger: Token, particles: tuple[str, ...]) -> list[Token]:
    """The phrase right before the predicate, when it carries one of ``particles``.

    In Japanese the phrase immediately before a predicate depends on it; this holds
    where the parser attached it further up (米ワシントンを訪問中の…大統領が出席).
    """
    start = min([trigger.i, *(c.i for c in trigger.children if c.dep_ == "compound")])
    if start == 0:
        return []
    particle = trigger.doc[start - 1]
    if particle.dep_ in ("case", "fixed") and particle.text in particles:
        head = particle.head
        while head.dep_ == "case" and head.head.i != head.i:  # に|対して chains
            head = head.head
        return [head] if head.i < start else []
    return []


def _stray_arguments(pred: Token, particles: tuple[str, ...]) -> list[Token]:
    """Case-marked phrases the parser hung on a noun inside the predicate's own phrase.

    A noun takes no に-argument, so ロシアに in ロシアに自爆ドローンを供与 and
    ウクライナへの in ウクライナへの長距離ミサイルの供与 belong to the predicate.
    """
    found = []
    for token in _clause_tokens(pred):
        if token.i >= pred.i or token.head.i == pred.i:
            continue
        head = token.head
        if (
            _case(token) in particles
            and head.dep_ in ("compound", "nmod", "obj", "amod")
            and (head.pos_ in ("NOUN", "PROPN") or head.dep_ == "compound")
        ):
            found.append(token)
    return found


def _clause_tokens(pred: Token) -> Iterator[Token]:
    """The tokens of the predicate's own clause: its subtree minus embedded clauses."""
    stack = list(pred.children)
    while stack:
        token = stack.pop()
        if token.dep_ in ("advcl", "acl", "ccomp", "csubj") and token.pos_ in ("VERB", "ADJ"):
            continue
        yield token
        stack.extend(token.children)


def _displaced_object(pred: Token) -> list[Token]:
    """A を-phrase the parser gave to an embedded verb that has its own を-object.

    A Japanese predicate takes one を-object; of two on one verb, the earlier one set off
    by a comma belongs to the main predicate (プーチンの訪問を、…支援を得るために…と批判).
    """
    found = []
    for verb in pred.subtree:
        if verb.i == pred.i or verb.i > pred.i:
            continue
        objects = [c for c in verb.children if _case(c) == "を"]
        if len(objects) >= 2 and _comma_after(objects[0]):
            found.append(objects[0])
    return found + _object_before_quote(pred)


def _object_before_quote(pred: Token) -> list[Token]:
    """XをYと非難した: a を-phrase before a quotation 「…」と belongs to the verb that quotes,
    though the parser hangs it on the quoted predicate (中国の行為を「違法だ」と非難)."""
    found = []
    for clause in pred.children:
        if clause.i > pred.i or not any(
            c.dep_ == "case" and c.text == "と" for c in clause.children
        ):
            continue
        opening = next((t for t in clause.subtree if t.text in ("「", "『")), None)
        if opening is None:
            continue
        found += [
            t
            for t in clause.subtree
            if t.i < opening.i and _case(t) == "を" and t.head.i > opening.i
        ]
    return found


def _comma_after(token: Token) -> bool:
    """Whether the phrase headed by ``token`` is followed by a comma (X が、)."""
    end = max([token.i, *(c.i for c in token.children if c.dep_ == "case")])
    following = token.doc[end + 1] if end + 1 < len(token.doc) else None
    return following is not None and following.text in ("、", ",", "，")


def _conjuncts(token: Token) -> list[Token]:
    """北朝鮮とロシア, 米国および韓国: the nouns coordinated with ``token``."""
    out = []
    for child in token.children:
        if child.dep_ == "conj" or (
            child.dep_ == "nmod"
            and (
                _case(child) in ("と", "や")
                or any(g.dep_ == "cc" and g.text in COORDINATORS for g in child.children)
            )
        ):
            out.append(child)
    return out


def _is_nominal(token: Token) -> bool:
    """A trigger used as a noun (訪問を批判, プーチン氏の訪朝), not as a verb (訪問した)."""
    return not any(c.dep_ in ("aux", "cop") and c.lemma_ in ("する", "だ") for c in token.children)


def _quoted_clauses(children: list[Token]) -> list[Token]:
    """Clauses quoted with と among ``children``, also behind として (…しているとして懸念)."""
    found = []
    for clause in children:
        if clause.dep_ in QUOTE_DEPS and clause.pos_ == "VERB" and _quoted(clause):
            found.append(clause)
        elif clause.lemma_ == "する" and clause.dep_ in QUOTE_DEPS:
            found += [c for c in clause.children if c.pos_ == "VERB" and _quoted(c)]
    return found


def _quoted(clause: Token) -> bool:
    return any(c.text == "と" and c.dep_ in ("case", "mark") for c in clause.children)


def _quote_governor(trigger: Token, content_nouns: frozenset[str]) -> Token | None:
    """The verb whose と-quoted clause contains the trigger (…を提供していると非難), seen
    through a noun that carries the quote (…を供与したとの報道を否定した → 否定)."""
    node = trigger
    for _ in range(4):
        if node.dep_ in QUOTE_DEPS and _quoted(node) and node.head.i != node.i:
            governor = node.head
            # …との報道を否定 / …として懸念を表明: the noun or する carrying the quote
            # hands it on to the predicate it depends on.
            if (governor.lemma_ in content_nouns or _lemma(governor) == "する") and (
                governor.head.i != governor.i
            ):
                return governor.head
            return governor
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def _lemma(predicate: Token) -> str:
    """A predicate's lemma, with a light する read with its word (明らかにした → 明らかにする)."""
    doc = predicate.doc
    if predicate.lemma_ == "する" and predicate.i >= 2 and doc[predicate.i - 1].text == "に":
        word = doc[predicate.i - 2]
        if word.pos_ in ("ADJ", "NOUN"):
            return f"{word.text}にする"
    return predicate.lemma_


def _tense(predicate: Token) -> str:
    """'past', 'progressive', 'non-past', 'conjunctive' (し、/て) or 'none' (a noun)."""
    parts = [c for c in predicate.children if c.dep_ in ("aux", "mark", "cop")]
    parts += [g for c in parts for g in c.children if g.dep_ == "fixed"]
    parts = sorted((t for t in parts if t.i > predicate.i), key=lambda t: t.i)
    lemmas = {t.lemma_ for t in parts}
    if "た" in lemmas:
        return "past"
    if lemmas & {"いる", "おる", "ある"}:
        return "progressive"
    if not parts:
        if predicate.pos_ != "VERB" or "サ変" in predicate.tag_:
            return "none"
        return "non-past" if predicate.text == predicate.lemma_ else "conjunctive"
    last = parts[-1].text
    if last in ("する", "ます", "れる", "られる"):
        return "non-past"
    if last in ("し", "て", "で"):
        return "conjunctive"
    return "none"


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
