"""The rule engine's driver: find triggers, apply rules, make events.

For each sentence of a parsed unit, every token that is a trigger of a rule
(``ontology/rules.yaml``) has the rule's roles filled by :class:`~kg.relations.arguments.Arguments`
and its modality decided by :class:`~kg.relations.modality.ModalityReader`; one
:class:`~kg.model.Event` is made per agent and target.  With ``trace=True`` the engine
records what it did in :attr:`Extractor.sentences` (see :mod:`kg.relations.trace`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

from kg.clean import is_citation
from kg.dates import normalize_date
from kg.gazetteer import Gazetteer
from kg.model import Article, Event, Evidence, Mention
from kg.relations import syntax as sx
from kg.relations.arguments import Arguments, SentenceContext
from kg.relations.modality import ModalityReader
from kg.relations.rules import Rule, RuleSet, load_rules
from kg.relations.trace import BunsetuRow, MentionRow, RuleTrace, SentenceTrace, TokenRow


@dataclass
class Extractor:
    """Extracts events from one parsed unit (a paragraph) of an article."""

    doc: Doc
    offset: int
    article: Article
    gazetteer: Gazetteer
    mentions: list[tuple[Mention, tuple[str, ...]]]
    rules: RuleSet = field(default_factory=load_rules)
    trace: bool = False  # record what was found and why in ``sentences``
    # What the article's sentences so far hand on (the last topic): shared by the units of
    # one article, so a sentence's left-out subject may be the previous line's topic.
    context: SentenceContext = field(default_factory=SentenceContext)
    sentences: list[SentenceTrace] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.arguments = Arguments.of(
            self.doc, self.offset, self.mentions, self.gazetteer, self.rules
        )
        self.modality = ModalityReader(self.rules, self.article, self.offset, self.arguments)

    # ----------------------------------------------------------------- driving
    def events(self) -> list[Event]:
        """Every event the rules find in the unit, one per mention and rule."""
        found: list[Event] = []
        context = self.context
        for number, sent in enumerate(self.doc.sents):
            traced = self._sentence_trace(number, sent) if self.trace else None
            if traced is not None:
                self.sentences.append(traced)
            if is_citation(sent.text):
                if traced is not None:
                    traced.note = "a source citation (著者『題名』): states nothing"
                continue
            for token in sent:
                for rule in self._candidate_rules(token):
                    if self._is_trigger(token, rule):
                        found.extend(self._apply(rule, token, sent, context, traced))
            topic = self.arguments.topic(sent)
            if topic:  # 厚労省は…と発表した。…を歴訪後、: what it reports, not where it went
                context.topic = topic
                context.reporting = self.arguments.reporting_body(sent, topic)
            if traced is not None:
                traced.topic = context.topic
        return sx.unique_events(found)

    def _candidate_rules(self, token: Token) -> list[Rule]:
        """The rules whose trigger words include the token's lemma or text, and the rules
        triggered by a prefix (訪 + a state), in the order of rules.yaml."""
        by_word = self.rules.by_word
        found = by_word.get(token.lemma_, []) + by_word.get(token.text, [])
        joined = _joined(token)
        if joined:  # 外遊|先: a trigger word the tokenizer split in two
            found += by_word.get(joined, [])
        if len(token.text) >= 2:
            found += by_word.get(f"prefix:{token.text[:-1]}", [])
        elif token.i > 0:  # 来|韓した: the prefix split off
            found += by_word.get(f"prefix:{token.doc[token.i - 1].text}", [])
        return sorted(set(found), key=self.rules.rules.index) if len(found) > 1 else found

    def _is_trigger(self, token: Token, rule: Rule) -> bool:
        if rule.trigger_prefix:
            text = token.text
            if len(text) == 1 and token.i > 0:
                text = token.doc[token.i - 1].text + text  # 来|韓した
            if not (
                len(text) == len(rule.trigger_prefix) + 1
                and text.startswith(rule.trigger_prefix)
                and text[-1] in self.gazetteer.abbreviations
            ):
                return False
        elif (
            token.lemma_ not in rule.triggers
            and token.text not in rule.triggers
            and _joined(token) not in rule.triggers
        ):
            return False
        if token.i in self.arguments.token_ids:
            return False
        if (rule.voice == "passive") != sx.passive(token):
            return False  # a rule reads triggers of its own voice only
        if token.dep_ == "compound" and token.head.pos_ in ("NOUN", "PROPN"):
            heads = (
                self.rules.aspect_suffixes | self.rules.carrier_nouns | self.rules.adverbial_nouns
            )
            if token.head.lemma_ not in heads:
                return False  # 滞在記, 訪問団, 派遣部隊: the trigger only modifies a noun
        if rule.unless and any(
            t.lemma_ in self.rules.word_lists.get(rule.unless, ()) for t in token.sent
        ):
            return False  # ドラフト1位で広島入り: joining, not arriving
        return not (rule.without_object and any(sx.case(c) == "を" for c in token.children))

    def _apply(
        self,
        rule: Rule,
        trigger: Token,
        sent: Span,
        ctx: SentenceContext,
        traced: SentenceTrace | None = None,
    ) -> list[Event]:
        trace = None
        if traced is not None:
            trace = RuleTrace(rule.rule_id, rule.relation, trigger.text, trigger.i)
            traced.rules.append(trace)
        self.arguments.trace = trace
        try:
            events = self._events_of(rule, trigger, sent, ctx, trace)
        finally:
            self.arguments.trace = None
        if trace is not None:
            trace.events = events
            trace.outcome = trace.outcome or (f"{len(events)} event(s)" if events else "no event")
        return events

    def _events_of(
        self, rule: Rule, trigger: Token, sent: Span, ctx: SentenceContext, trace: RuleTrace | None
    ) -> list[Event]:
        raw_targets = self._raw_targets(rule, trigger)
        excluded = self.arguments.excluded(sent)
        if excluded and set(raw_targets) & excluded:  # 漁業協定を除き: not what was done
            raw_targets = [t for t in raw_targets if t not in excluded]
            if trace is not None:
                trace.notes.append(f"set apart by {'/'.join(self.rules.exclusion_verbs)}")
        targets = list(dict.fromkeys(self._as_target(t, rule.relation) for t in raw_targets))
        if not targets:
            return _stop(trace, "no target")
        place = self._place(trigger, raw_targets)
        item = self.arguments.item(rule, trigger)
        if rule.require_item and item is None:
            return _stop(trace, "no item: the rule needs one (troops, weapons, aid …)")
        if rule.relation == "supplied" and self.arguments.sent_to_fight(trigger):
            return _stop(trace, "troops sent to fight there: the place receives nothing")
        agents = self.arguments.fill(rule.agent, trigger, role_name="agent")
        carried = False
        if len(agents) > 1 and set(agents) & set(targets):  # 日本やマレーシアは現地に派遣
            targets = [t for t in targets if t not in agents]
            if not targets:
                return _stop(trace, "the target is one of the agents: no event")
        if set(agents) & set(raw_targets + targets):  # 訪問していたキーウで: the place, no agent
            agents = [a for a in agents if a not in raw_targets + targets]
            if trace is not None:
                trace.notes.append("the agent found is the target: looked further")
        if not agents and "object" not in rule.agent.slots:
            if self.arguments.has_subject_phrase(trigger):
                return _stop(trace, "its subject names no entity (団長が): no agent")
            if self.arguments.relative_head_unnamed(trigger, rule.agent):
                return _stop(trace, "the noun its clause modifies names no one (…到着した女性)")
            agents = self.arguments.inherited_subject(trigger, rule.agent, ctx, rule.relation)
            carried = bool(agents)
            if trace is not None and agents:
                trace.notes.append(f"agent carried over: {', '.join(agents)}")
        # a news medium carried over reports, it does not act (共同通信によると、乗客は…到着
        # した); named as the subject it may travel (KBSの取材班が訪問) but signs and sends nothing
        if rule.relation in ("signed", "supplied") or (carried and rule.relation == "visited"):
            if any(map(self.arguments.news_medium, agents)):
                agents = [a for a in agents if not self.arguments.news_medium(a)]
                if not agents:
                    return _stop(trace, "a news medium reports, it does not act: no agent")
        if rule.partner is not None:  # AがBと結んだ協定: both signed it
            partners = self.arguments.fill(rule.partner, trigger, role_name="partner")
            partners = [p for p in partners if p not in targets]
            if partners and not agents and trigger.dep_ == "acl" and sx.passive(trigger):
                # AはBと締結された合意に基づき: the topic is the other party
                agents = self.arguments.sentence_topic(trigger, rule.agent)
            agents = list(dict.fromkeys(agents + partners))
        if not agents:
            return _stop(trace, "no agent")
        modality, attributed, reason = self.modality.decide(trigger, sent, rule.relation)
        if trace is not None:
            trace.modality, trace.modality_reason, trace.attributed = modality, reason, attributed
        pairs = self.arguments.gapped_pairs(rule, trigger) or [(agents, targets)]
        if len(pairs) > 1 and trace is not None:
            trace.notes.append(f"gapping: {len(pairs)} subject-argument pairs")
        events = []
        for agent, target in ((a, t) for group, found in pairs for a in group for t in found):
            if agent == target:
                continue
            if rule.relation == "visited":
                target = self._domestic(agent, target, place, trigger)
                if target is None:
                    if trace is not None:
                        trace.notes.append(f"{agent} came home: no visit")
                    continue
            if rule.relation == "visited" and self.arguments.home_state(agent) == target:
                if trace is not None:
                    trace.notes.append(f"{agent} is at home in {target}: no visit")
                continue
            event = self._event(rule, trigger, sent, agent, target, item, modality, attributed)
            events.append(replace(event, place=place) if place != target else event)
        return events

    def _place(self, trigger: Token, raw_targets: list[str]) -> str | None:
        """Where it happened: the city visited (平壌を訪問), else a で-phrase naming a place."""
        for entity_id in raw_targets:
            if self.arguments.kind(entity_id) == "Place":
                return entity_id
        for head in self.arguments.slot_heads("location", trigger):
            ids = self.arguments.phrase_entities(head, ("Place", "State"))
            if ids:
                return ids[0]
        return None

    def _raw_targets(self, rule: Rule, trigger: Token) -> list[str]:
        if rule.target_from == "abbreviation":
            target = self.gazetteer.abbreviations[trigger.text[-1]]
            if self.arguments.trace is not None:
                self.arguments.trace.slot(
                    "target", "abbreviation", trigger.text, "filled", ids=(target,)
                )
            return [target]
        if rule.target is None:
            return []
        return self.arguments.fill(rule.target, trigger, clauses=True, role_name="target")

    def _domestic(self, agent: str, target: str, place: str | None, trigger: Token) -> str | None:
        """The target of a visit to a city: its state for a visitor from elsewhere (平壌 →
        North Korea), the city itself for a trip at home (広島に出張した山口氏: Hiroshima, not
        Japan; whose home is not known is taken to be of the press's own state,
        ``press_home``); None for a state's own city or a homecoming (帰国し…到着した)."""
        if place is None or place == target or self._as_target(place, "visited") != target:
            return target
        kind = self.arguments.kind(agent)
        home = agent if kind == "State" else self.arguments.home_state(agent)
        home = home or self.rules.press_home
        if home != target:
            return target
        if kind == "State" or self._coming_home(trigger):
            return None
        return place

    def _coming_home(self, trigger: Token) -> bool:
        """Whether a word of coming home is chained with the trigger's clause (帰国し、東京に
        到着した; 到着後、帰国した), not said of another trip in the sentence (広島に出張し、
        被爆した後に長崎に戻った)."""
        pred = self.arguments.predicate_head(trigger)
        chained = [c for c in pred.children if c.dep_ in ("advcl", "conj", "obl")]
        if pred.dep_ in ("advcl", "conj"):
            chained.append(pred.head)  # 東京に到着し、|帰国した
        return any(t.lemma_ in self.rules.return_words for t in [*chained, trigger])

    def _as_target(self, entity_id: str, relation: str) -> str:
        """A visit to a city is a visit to its state."""
        if relation != "visited" or self.arguments.kind(entity_id) != "Place":
            return entity_id
        entry = self.gazetteer.entries.get(entity_id)
        state = entry.state if entry else self.arguments.states.get(entity_id)
        return state or entity_id

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

    # ------------------------------------------------------------------ trace
    def _sentence_trace(self, number: int, sent: Span) -> SentenceTrace:
        traced = SentenceTrace(number, sent.text, self.offset + sent.start_char)
        traced.tokens = [
            TokenRow(t.i - sent.start, t.text, t.tag_, t.dep_, t.head.i - sent.start, t.lemma_)
            for t in sent
        ]
        traced.bunsetu = _bunsetu(sent)
        for mention, ids in self.mentions:
            start = mention.start - self.offset
            if sent.start_char <= start < sent.end_char:
                traced.mentions.append(MentionRow(mention.text, mention.kind, ids, mention.source))
        return traced


def _joined(token: Token) -> str:
    """A word the tokenizer split in two, read at its second part: the noun compounded
    right before it and the part (外遊|先 → 外遊先); "" if none."""
    if token.i == 0:
        return ""
    before = token.doc[token.i - 1]
    if before.dep_ == "compound" and before.head.i == token.i and before.pos_ == "NOUN":
        return before.text + token.text
    return ""


def _stop(trace: RuleTrace | None, why: str) -> list[Event]:
    if trace is not None:
        trace.outcome = why
    return []


def _bunsetu(sent: Span) -> list[BunsetuRow]:
    """The sentence's bunsetu with the one each depends on (GiNZA's bunsetu helpers)."""
    try:
        import ginza

        spans = list(ginza.bunsetu_spans(sent))
    except Exception:  # a Doc without GiNZA's bunsetu data (not parsed by ja_ginza)
        return []
    index = {t.i: n for n, span in enumerate(spans) for t in span}
    rows = []
    for n, span in enumerate(spans):
        head_token = span.root
        head = index.get(head_token.head.i, n)
        rows.append(BunsetuRow(n, span.text, head, head_token.dep_))
    return rows
