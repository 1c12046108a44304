"""Arguments: which phrase of the parse fills which slot of a trigger, and which entities
a phrase names.

The slots (subject, object, dative, genitive, compound, relative_head, quote_subject,
about, location) are read off GiNZA's dependency parse by case particle, with the
corrections Japanese grammar allows where the parser errs (:mod:`kg.relations.syntax`).
A left-out subject is carried over from an earlier clause, the governing predicate or
the previous sentence's topic.  When a :class:`~kg.relations.trace.RuleTrace` is given,
every slot searched is recorded in it with what filled it or why nothing did.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from kg.gazetteer import Gazetteer
from kg.model import Mention
from kg.relations import syntax as sx
from kg.relations.rules import Role, Rule, RuleSet
from kg.relations.trace import RuleTrace

ACTORS = ("Person", "State", "Organization")
SITE_WORDS = frozenset({"現地"})  # a definite for the place in question


@dataclass
class SentenceContext:
    """What a paragraph carries from one sentence to the next."""

    topic: tuple[str, ...] = ()
    reporting: bool = False  # the topic is a body that reported what follows


@dataclass
class Arguments:
    """The argument reader of one parsed unit, over the entities its mentions name."""

    doc: Doc
    gazetteer: Gazetteer
    rules: RuleSet
    token_ids: dict[int, tuple[str, ...]] = field(default_factory=dict)
    token_kind: dict[int, str] = field(default_factory=dict)
    # What the unit's mentions say of entities the gazetteer does not know: the state an
    # organ acts for (アメリカ海軍 → the United States), a person's or a place's state.
    acting: dict[str, str] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)
    trace: RuleTrace | None = None  # the rule being traced, if any
    sites: set[int] = field(default_factory=set)  # tokens of 現地 (the site in question)

    @classmethod
    def of(
        cls,
        doc: Doc,
        offset: int,
        mentions: list[tuple[Mention, tuple[str, ...]]],
        gazetteer: Gazetteer,
        rules: RuleSet,
    ) -> Arguments:
        """The reader of a unit whose resolved mentions are ``mentions`` (article offsets)."""
        reader = cls(doc, gazetteer, rules)
        for mention, ids in mentions:
            start = mention.start if mention.anchor is None else mention.anchor
            span = doc.char_span(start - offset, mention.end - offset, alignment_mode="expand")
            if span is None or not ids:
                continue
            for token in span:
                reader.token_ids[token.i] = ids
                reader.token_kind[token.i] = mention.kind
                if mention.source == "definite" and mention.text in SITE_WORDS:
                    reader.sites.add(token.i)
            state = reader._related_state(mention)
            if state and len(ids) == 1:
                reader.states.setdefault(ids[0], state)
                if mention.organ:
                    reader.acting.setdefault(ids[0], state)
        return reader

    def _related_state(self, mention: Mention) -> str | None:
        """The one state a mention's related entities name (directly or as their state)."""
        states = {self.gazetteer.state_of(r) for r in mention.related} - {None}
        return states.pop() if len(states) == 1 else None

    def home_state(self, entity_id: str) -> str | None:
        """The state a person, organization or place belongs to (None for a state)."""
        entry = self.gazetteer.entries.get(entity_id)
        if entry is None:
            return self.states.get(entity_id)
        return entry.state if entry.kind != "State" else None

    def fill(
        self,
        role: Role,
        trigger: Token,
        before: int | None = None,
        clauses: bool = False,
        role_name: str = "",
    ) -> list[str]:
        """Entities for a role from the trigger's slots, in the role's slot order.

        ``before``: only arguments that start before this token index (a subject
        carried over to a later clause is written before it).  ``clauses``: an argument
        that is a nominalised clause (…を締結したこと) stands for that clause's object,
        else its subject.  ``role_name`` (agent, target …) names the role in the trace.
        """
        slots = role.slots
        if sx.is_nominal(trigger) and "genitive" in slots:  # プーチン氏の訪朝: の names the agent
            slots = ("genitive", *[s for s in slots if s != "genitive"])
        trace = self.trace if role_name else None
        for slot in slots:
            seen = False
            for head in self.slot_heads(slot, trigger):
                seen = True
                if before is not None and head.left_edge.i >= before:
                    self._note(trace, role_name, slot, head, "written after the trigger")
                    continue
                if head.lemma_ in self.rules.adverbial_nouns and not any(
                    c.dep_ == "compound" and c.pos_ in ("NOUN", "PROPN") for c in head.children
                ):  # 検定|結果に抗議 is a result; 協議した結果、 is a clause
                    self._note(trace, role_name, slot, head, "adverbial noun, no argument")
                    continue
                ids = self.phrase_entities(head, role.kinds)
                if not ids and role.places_as_states:
                    ids = self._states_of_places(head, role.kinds)
                if not ids and clauses and head.lemma_ in self.rules.nominalizers:
                    ids = self._clause_entities(head, role.kinds)
                if not ids and role.acts:
                    ids = self._actor_of_act(head, role.kinds)
                if not ids and role.facilities:
                    ids = self._facility(head)
                if not ids and role.acts and head.lemma_ in ("これ", "それ"):
                    ids = self._antecedent_actor(head, trigger, role.kinds)
                if ids and slot == "dative" and "summoned" in role.slots:
                    ids = self._envoys_states(head, ids)
                if ids:
                    self._note(trace, role_name, slot, head, "filled", ids=tuple(ids))
                    return ids
                self._note(trace, role_name, slot, head, *self._why_empty(head, role.kinds))
            if not seen and trace is not None:
                trace.slot(role_name, slot, "", "no phrase in this slot")
        return []

    def _envoys_states(self, head: Token, ids: list[str]) -> list[str]:
        """A protest addressed to an envoy (ロシアのガルージン駐日臨時代理大使に対し抗議) is
        made to the state he serves, where the text gives it."""
        if not head.text.endswith(tuple(self.rules.envoy_titles)):
            return ids
        states = [self.home_state(i) if self.kind(i) == "Person" else i for i in ids]
        return ids if None in states else list(dict.fromkeys(s for s in states if s))

    def _states_of_places(self, head: Token, kinds: tuple[str, ...]) -> list[str]:
        """The states of the places a phrase names: the place itself (マリ北部に) or a site
        in it (トルコ南部の被災地に → Turkey), not a body there (…の野球殿堂に)."""
        if head.i not in self.token_ids and head.lemma_ not in self.rules.site_nouns:
            return []
        places = [p for p in self.phrase_entities(head, ("Place",)) if self.kind(p) == "Place"]
        states = [self.home_state(p) for p in places]
        found = [s for s in dict.fromkeys(states) if s and self.kind(s) in kinds]
        # ダルフールに部隊を派遣: a region whose state is not known receives it itself
        return found or [p for p, s in zip(places, states, strict=True) if s is None]

    def _why_empty(self, head: Token, kinds: tuple[str, ...]) -> tuple[str, str]:
        """Why a phrase fills no role: it names no entity, or one of a class not allowed."""
        others = self.phrase_entities(head, ())
        if others:
            found = ", ".join(f"{i} ({self.kind(i)})" for i in others)
            return "wrong class", f"{found}; the role takes {', '.join(kinds)}"
        return "no entity", ""

    @staticmethod
    def _note(
        trace: RuleTrace | None,
        role: str,
        slot: str,
        head: Token,
        outcome: str,
        detail: str = "",
        ids: tuple[str, ...] = (),
    ) -> None:
        if trace is not None:
            trace.slot(role, slot, _phrase(head), outcome, ids=ids, detail=detail)

    def slot_heads(self, slot: str, trigger: Token) -> Iterator[Token]:
        pred = self.predicate_head(trigger)
        children = [c for c in pred.children if c.dep_ in sx.ARG_DEPS]
        if pred.i != trigger.i:
            children += [c for c in trigger.children if c.dep_ in sx.ARG_DEPS]
        carrier = self._carrier(trigger)
        carried = list(carrier.children) if carrier is not None else []
        if slot == "subject":
            yield from self._subject_heads(pred, children)
        elif slot == "object":
            # を通じて / を巡って are not objects
            yield from (
                c for c in children if sx.case(c) == "を" or c.dep_ == "obj" and not sx.case(c)
            )
            yield from sx.adjacent_argument(trigger, ("を",))
            yield from sx.displaced_object(pred)
            for role in children:  # X外相を|特使として派遣: the parser hangs it on the role
                if sx.case(role) == "として":
                    yield from (c for c in role.children if sx.case(c) == "を")
        elif slot == "dative":  # に, への, に対して; also as a topic (モロッコには)
            yield from (c for c in children if sx.bare_case(c) in sx.DATIVE)
            clauses = [*pred.children]  # …であるとして抗議: the quotation behind する
            clauses += [g for c in pred.children if c.lemma_ == "する" for g in c.children]
            quotes = [
                c
                for c in clauses
                if c.dep_ in sx.QUOTE_DEPS and sx.quoted(c) and not sx.passive(pred)
            ]
            for clause in quotes:  # Xに対して、…だと批判: the parser
                # hangs the addressee, set off by a comma, inside the quoted clause
                yield from (
                    c
                    for c in clause.subtree
                    if sx.bare_case(c) in ("に対して", "に対し")
                    and sx.comma_after(c)
                    and not sx.in_brackets(c)
                )
            yield from sx.adjacent_argument(trigger, sx.DATIVE)
            yield from sx.stray_arguments(pred, sx.DATIVE)
        elif slot == "location":
            for place in (c for c in children if sx.case(c) == "で"):
                if place.lemma_ == "間":  # AとBの間で交わされた: A and B
                    yield from (g for g in place.children if sx.case(g) == "の")
                else:
                    yield place
        elif slot == "partner":  # ネパールと|結んだ, インドネシア政府との間で|締結
            yield from sx.partners(children)
            yield from (  # チリと|漁業協定を締結: the parser hangs it on the object
                t
                for c in children
                if sx.case(c) == "を"
                for t in c.children
                if t.dep_ in ("nmod", "obl") and sx.case(t) == "と" and t.i < c.i
            )
        elif slot == "companion":  # Bとともに / Bと共に / Bと一緒に: B did it too
            for c in children:
                if sx.case(c) != "に" or c.lemma_ not in self.rules.companion_nouns:
                    continue
                found = [g for g in c.children if sx.case(g) == "と" and g.i < c.i]
                found += [  # Bと|一緒に: the parser hangs Bと on the predicate
                    b for b in children if sx.case(b) == "と" and b.right_edge.i == c.i - 1
                ]
                # a bare title (外相とともに) is someone unnamed, not the last one so titled
                yield from (b for b in found if not self._bare_title(b))
        elif slot == "about":
            yield from (c for c in children if sx.case(c) in sx.ABOUT)
        elif slot == "agent_by":
            yield from (c for c in children if sx.case(c) in sx.AGENT_BY)
        elif slot == "source":
            yield from (c for c in children if sx.bare_case(c) == "から")
            yield from sx.adjacent_argument(trigger, ("から",))
            for clause in pred.children:  # Xから「…」と非難された: the parser hangs it inside
                if clause.dep_ in sx.QUOTE_DEPS and sx.quoted(clause) and clause.i < pred.i:
                    yield from (c for c in clause.children if sx.case(c) == "から")
        elif slot == "genitive":
            yield from (
                c for c in trigger.children if c.dep_ == "nmod" and sx.case(c) in sx.GENITIVE
            )
            if pred.i != trigger.i and trigger.dep_ == "compound":  # ペロシ氏の|訪台|前から
                yield from (
                    c
                    for c in pred.children
                    if c.dep_ == "nmod" and sx.case(c) in sx.GENITIVE and c.i < trigger.i
                )
            for other in trigger.children:  # ネパールの|コロンビアへの|非難: the parser hangs
                # the actor on the named recipient; a name takes no の-modifier of its own
                if other.i in self.token_ids and sx.case(other) in ("への", "に対する", "との"):
                    yield from (
                        c for c in other.children if c.dep_ == "nmod" and sx.case(c) == "の"
                    )
        elif slot == "compound":
            yield from (c for c in trigger.children if c.dep_ == "compound")
            # a noun right before the trigger noun with no particle between is a compound
            # whatever label the parser gave it (シンガポール入り: nmod)
            yield from (
                c
                for c in trigger.children
                if c.dep_ == "nmod" and c.i == trigger.i - 1 and not sx.case(c)
            )
            if trigger.dep_ == "compound":  # ロシア|訪問|中: the parser hangs both on 中
                yield from (
                    c for c in trigger.head.children if c.dep_ == "compound" and c.i < trigger.i
                )
                yield trigger.head
        elif slot == "relative_head":  # 武器を供与した|ケニアは: the clause leaves out its
            # subject (with a subject of its own, the noun is another argument: relative_gap)
            if (
                pred.dep_ == "acl"
                and pred.head.i > pred.i
                and not self._states_subject(pred)
                and not self._names_an_act(pred.head)
            ):
                yield from _noun_phrase_heads(pred.head)
            elif pred.dep_ == "nmod" and pred.lemma_ in self.rules.aspect_suffixes:
                yield from _noun_phrase_heads(pred.head)  # ロシアを訪問中のモディ首相
            following = self._relative_head_after(trigger)
            if following is not None:
                yield following
        elif slot == "item_owner":  # イラクに派遣された|日本の|陸上自衛隊: whose troops
            items = [
                *self.slot_heads("subject", trigger),
                *self.slot_heads("relative_head", trigger),
            ]
            for item in items:
                yield from (c for c in item.children if c.dep_ == "nmod" and sx.case(c) == "の")
            yield from items
        elif slot == "relative_gap":  # ケニアが戦車を供与した|フィンランドは: a clause with
            # its own subject leaves out the argument the noun it modifies is
            if pred.dep_ == "acl" and pred.head.i > pred.i and self._states_subject(pred):
                yield from _noun_phrase_heads(pred.head)
        elif slot == "summoned":  # 日本の大使を呼んで抗議: the envoy's state is protested to
            for clause in pred.children:
                if (
                    clause.dep_ == "advcl"
                    and clause.i < pred.i
                    and clause.lemma_ in self.rules.summon_verbs
                ):
                    yield from (c for c in clause.children if sx.case(c) == "を")
        elif slot == "apposed":  # 訪問先の|パリで: the noun the trigger names with の
            if trigger.dep_ == "nmod" and sx.case(trigger) == "の" and trigger.head.i > trigger.i:
                yield trigger.head
        elif slot == "relative_place":  # 訪問していたキーウで: the noun the clause modifies
            # (not a の-modifier in front of it: 訪れた|同国の|首相 modifies 首相), and only a
            # noun that is itself a name (サイトを訪れた|東京在住の|男性: not 東京)
            head = pred.head
            if pred.dep_ == "acl" and head.i > pred.i and sx.case(head) != "の":
                if head.i in self.token_ids:
                    yield head
        elif slot == "quote_subject":
            yield from self._quote_subject_hung_on(pred)
            for clause in sx.quoted_clauses([*trigger.children, *pred.children, *carried]):
                stray = sx.stray_arguments(clause, ("が",))
                yield from sx.subjects(list(clause.children) + stray, topics=False)
                yield from sx.bracketed_topics(clause)

    def _bare_title(self, token: Token) -> bool:
        """A title with no name in its phrase (外相, 同国の首相): whoever holds it."""
        return self.gazetteer.is_title(token.text) and not any(
            self.token_kind.get(t.i) == "Person" for t in token.subtree if t.i != token.i
        )

    def _names_an_act(self, noun: Token) -> bool:
        """A verbal noun that is no name (…に渡り、|大学院留学): what a clause leads into,
        not who did it."""
        return "サ変" in noun.tag_ and noun.i not in self.token_ids

    def relative_head_unnamed(self, trigger: Token, role: Role) -> bool:
        """Whether the trigger's clause modifies a noun that is its left-out subject but
        names no one (…に到着した、20代の女性): then no other sentence's topic is it."""
        pred = self.predicate_head(trigger)
        head = pred.head
        return (
            "relative_head" in role.slots
            and pred.dep_ == "acl"
            and head.i > pred.i
            and head.pos_ in ("NOUN", "PROPN")
            and not self._states_subject(pred)
            and not self._names_an_act(head)
            and head.lemma_ not in self.rules.nominalizers | self.rules.modal_nouns
            and head.lemma_ not in self.rules.adverbial_nouns | self.rules.content_nouns
            and not self.phrase_entities(head, role.kinds)
            # 視察していた|モンバサで: a place, where the clause's subject was, not its subject
            and not any(self.kind(i) == "Place" for i in self.phrase_entities(head, ()))
        )

    @staticmethod
    def _states_subject(pred: Token) -> bool:
        """Whether a relative clause states its subject (ケニアが|供与した, ケニアの|供与した)."""
        return any(
            c.dep_ == "nsubj" and sx.case(c) in ("が", "の") and c.i < pred.i for c in pred.children
        )

    def _subject_heads(self, pred: Token, children: list[Token]) -> list[Token]:
        """Subjects of a predicate, with the comma rule of Japanese news prose: a subject
        set off by a comma (米ホワイトハウスが、…) governs the main predicate, even where the
        parser hangs it on a clause nominalised by こと; that clause's own subject is the
        nearest が-phrase inside it."""
        hung = self._quote_subject_hung_on(pred)
        subjects = [
            c for c in sx.subjects(children + sx.stray_arguments(pred, ("が",))) if c not in hung
        ]
        if pred.dep_ == "acl":  # は never marks a relative clause's subject
            subjects = [c for c in subjects if sx.case(c) != "は"]
        else:  # …so a は-phrase (or a が-phrase set off by a comma) the parser gave to a
            # relative clause is the main subject
            subjects += [
                t
                for t in pred.subtree
                if t.i < pred.i
                and t.dep_ == "nsubj"
                and (sx.case(t) == "は" or sx.case(t) == "が" and sx.comma_after(t))
                and t.head.dep_ == "acl"
                and t.head.i != pred.i
            ]
        if self._nominalised(pred):
            subjects = [c for c in subjects if not sx.comma_after(c)]
            if not subjects:
                inner = [t for t in pred.subtree if t.i < pred.i and sx.case(t) == "が"]
                subjects = inner[-1:]
        for argument in children:
            if argument.lemma_ in self.rules.nominalizers and argument.dep_ in ("obj", "obl"):
                for clause in argument.children:
                    if clause.dep_ == "acl":
                        subjects += [
                            c for c in sx.subjects(list(clause.children)) if sx.comma_after(c)
                        ]
        if not subjects and any(sx.case(c) == "を" for c in children):
            subjects = self._subject_before_reason(pred)
        if not subjects:
            subjects = self._headline_subject(pred, children)
        if not sx.in_brackets(pred):  # a quotation's topic is not its speaker
            subjects = [c for c in subjects if not sx.in_brackets(c)]
        elif not self._speaks_of_self(pred):  # …「…を訪れた人は…」と呼びかけた: nor the
            subjects = [c for c in subjects if sx.in_brackets(c)]  # speaker its subject
        return subjects

    def _quote_subject_hung_on(self, pred: Token) -> list[Token]:
        """AはBが…したと非難: a が-phrase the parser hung on an accusing predicate beside
        its topic, right before a clause quoted with と, is that clause's subject.  (A
        verb reporting one's own side, AはBが…したと発表, keeps the reading it had.)"""
        if sx.lemma(pred) in self.rules.self_report_verbs:
            return []
        subjects = [
            c for c in pred.children if c.dep_ == "nsubj" and c.i < pred.i and not sx.in_brackets(c)
        ]
        if len(subjects) < 2 or sx.case(subjects[0]) not in ("は", "も"):
            return []
        quotes = sx.quoted_clauses(list(pred.children))
        return [
            c
            for c in subjects[1:]
            if sx.case(c) == "が" and any(c.i < q.left_edge.i and q.i < pred.i for q in quotes)
        ]

    @staticmethod
    def _in_speech(trigger: Token) -> bool:
        """Whether the trigger stands in brackets that hold a clause (「…を訪れ、…相談して
        ほしい」), not a phrase set off in brackets (「遺憾の意」を表明)."""
        if not sx.in_brackets(trigger):
            return False
        doc = trigger.doc
        start = next(
            (i for i in range(trigger.i, trigger.sent.start - 1, -1) if doc[i].text in "「『"),
            trigger.i,
        )
        end = next(
            (i for i in range(trigger.i, trigger.sent.end) if doc[i].text in "」』"), trigger.i
        )
        return any(t.pos_ == "VERB" and t.i != trigger.i for t in doc[start:end])

    def _speaks_of_self(self, pred: Token) -> bool:
        """Whether the verb quoting a predicate in brackets reports the speaker's own doing
        (「…を訪れた」と語った), so that a subject outside the brackets may be its subject."""
        governor = sx.quote_governor(pred, self.rules.content_nouns)
        return governor is None or sx.lemma(governor) in self.rules.self_report_verbs

    def _headline_subject(self, pred: Token, children: list[Token]) -> list[Token]:
        """A headline's subject, set off by a comma with no particle (モディ首相、ウクライナを
        初訪問), wherever the parser hung it, for the first predicate after it."""
        subject = sx.headline_subject(pred.sent, frozenset(self.token_ids))
        if (
            subject is None
            or subject.i > pred.i
            or subject in pred.subtree
            and subject.head == pred
        ):
            return [subject] if subject is not None and subject.head == pred else []
        between = pred.doc[subject.right_edge.i + 1 : pred.i]
        if any(t.pos_ == "VERB" and t.dep_ in ("advcl", "conj", "ROOT") for t in between):
            return []  # an earlier predicate takes it
        return [subject]

    def _subject_before_reason(self, pred: Token) -> list[Token]:
        """Aが、[Bを招いているとして] Cを批判: a comma-set subject the parser gave to a quoted
        reason clause before a predicate that has its own object is that predicate's
        subject (the reason's left-out subject is the object).  Without an object of its
        own (Aが、Cに武器を供与しているとして非難) A stays in the quotation."""
        for clause in pred.children:
            if clause.dep_ != "advcl" or clause.i > pred.i:
                continue
            quoted = [clause, *(c for c in clause.children if c.dep_ == "advcl")]
            for verb in quoted:
                found = [c for c in sx.subjects(list(verb.children)) if sx.comma_after(c)]
                if found and (sx.quoted(verb) or verb.lemma_ == "する"):
                    return found[:1]
        return []

    def _nominalised(self, pred: Token) -> bool:
        return pred.dep_ == "acl" and pred.head.lemma_ in self.rules.nominalizers

    def _relative_head_after(self, trigger: Token) -> Token | None:
        """The noun a relative clause modifies, read off the surface where the parse is
        unsure: 訪朝した ロシアの クリボルチコ国防次官 → クリボルチコ.  Only a clause that
        ends in its attributive form right before a noun phrase qualifies."""
        doc = trigger.doc
        i = trigger.i + 1
        if i < len(doc) and doc[i].lemma_ in self.rules.aspect_suffixes:
            suffix = i  # ペルーを訪問中だった|チリのバチェレ大統領
            i += 1
            while i < len(doc) and doc[i].dep_ in ("aux", "cop") and doc[i].head.i == suffix:
                i += 1
            if doc[i - 1].text not in ("た", "の"):
                return None
            return self._person_after(doc, i)
        while i < len(doc) and doc[i].dep_ == "aux" and doc[i].head.i == trigger.i:
            i += 1
        if i == trigger.i + 1 or i >= len(doc) or doc[i - 1].lemma_ not in ("た", "する", "いる"):
            return None
        if doc[i - 1].text not in ("た", "する", "している", "いる"):
            return None
        return self._person_after(doc, i)

    def _person_after(self, doc: Doc, i: int) -> Token | None:
        """The first person named in the noun phrase starting at ``i`` (its の-modifiers
        stepped over: チリの|バチェレ大統領)."""
        for token in doc[i : i + 8]:
            if token.is_punct or (token.pos_ == "ADP" and token.text != "の"):
                return None
            if self.token_kind.get(token.i) == "Person":
                return token
        return None

    def _carrier(self, trigger: Token) -> Token | None:
        """The noun carrying a trigger to a light verb (遺憾の|意を|表明), if any."""
        head = trigger.head
        if (
            (
                trigger.dep_ in ("nmod", "advmod", "compound")
                or trigger.dep_ in ("acl", "amod")
                and trigger.pos_ == "ADJ"  # 批判的な|姿勢を示す
            )
            and head.lemma_ in self.rules.carrier_nouns
            and head.dep_ == "obj"
            and head.head.lemma_ in self.rules.light_verbs
        ):
            return head
        return None

    def predicate_head(self, trigger: Token) -> Token:
        """Where arguments attach: the trigger, the light verb a nominal trigger is the
        object of (懸念を表明した → 表明; 派兵を続ける → 続ける), or the aspect suffix it
        is compounded with (訪問中 → 中)."""
        head = trigger.head
        if trigger.dep_ == "compound" and head.lemma_ in self.rules.aspect_suffixes | {"後", "前"}:
            # 訪問中, 視察後: the suffix carries the trigger's arguments
            return head
        if trigger.dep_ == "advcl" and head.i == trigger.i - 1 and head.pos_ == "VERB":
            return head  # 取り|交わした: a compound verb the parser split; its first part heads
        carrier = self._carrier(trigger)
        if carrier is not None:
            return carrier.head  # 遺憾の意を表明: the light verb carries the arguments
        doc = trigger.doc
        if (
            trigger.i + 2 < len(doc)
            and doc[trigger.i + 1].text in ("・", "、")
            and head.i == trigger.i + 2
            and trigger.dep_ in ("obl", "nmod", "compound", "conj")
        ):
            return head  # 非難・けん制している: the predicate it is coordinated with
        verbs = self.rules.light_verbs | self.rules.refusal_verbs | self.rules.postponing_verbs
        if sx.is_nominal(trigger) and trigger.dep_ == "obj" and head.lemma_ in verbs:
            return head
        return trigger

    def gapped_pairs(self, rule: Rule, trigger: Token) -> list[tuple[list[str], list[str]]]:
        """Gapping (スウェーデンがケニアに、ノルウェーがウガンダに物資を送った; AがBを、CがDを非難):
        each subject with the argument written right after it, when the predicate has two or
        more such pairs, the first ones closed by a comma; [] otherwise."""
        if rule.target is None:
            return []
        cases = {"object": ("を",), "dative": sx.DATIVE}
        wanted = tuple(c for slot in rule.target.slots for c in cases.get(slot, ()))
        pred = self.predicate_head(trigger)
        phrases = sorted(
            {c for c in (*pred.children, *trigger.children) if c.i < trigger.i},
            key=lambda t: t.i,
        )
        marked = [
            (p, "S" if sx.case(p) == "が" else "T")
            for p in phrases
            if sx.case(p) == "が" or sx.case(p) in wanted
        ]
        if (
            len(marked) < 4
            or len(marked) % 2
            or any(kind != "ST"[n % 2] for n, (_, kind) in enumerate(marked))
        ):
            return []
        pairs = [(marked[n][0], marked[n + 1][0]) for n in range(0, len(marked), 2)]
        if not all(sx.comma_after(target) for _, target in pairs[:-1]):
            return []
        found = []
        for subject, target in pairs:
            agents = self.phrase_entities(subject, rule.agent.kinds)
            targets = self.phrase_entities(target, rule.target.kinds)
            if agents and targets:
                found.append((agents, targets))
        return found if len(found) == len(pairs) else []

    def excluded(self, sent: Span) -> set[str]:
        """Entities a sentence sets apart (漁業協定を除き): what an exclusion verb takes."""
        found: set[str] = set()
        for verb in sent:
            if verb.lemma_ in self.rules.exclusion_verbs:
                for phrase in verb.children:
                    if sx.case(phrase) == "を":
                        found.update(self.phrase_entities(phrase, ()))
        return found

    def sent_to_fight(self, trigger: Token) -> bool:
        """Troops sent to fight where they go (侵攻のため部隊を派遣, 兵士を派遣して戦わせる):
        a purpose phrase of fighting, or a clause of fighting the dispatch leads into."""
        combat = self.rules.combat_words
        pred = self.predicate_head(trigger)
        for purpose in (*pred.children, *trigger.children):
            if purpose.lemma_ in ("ため", "目的") and purpose.i < trigger.i:
                if any(t.lemma_ in combat for t in purpose.subtree):
                    return True
        if sx.tense(trigger) != "conjunctive":
            return False
        following = next(  # 派遣し、…と戦わせている: the next predicate, however it is parsed
            (t for t in trigger.doc[trigger.i + 1 : trigger.sent.end] if t.pos_ == "VERB"), None
        )
        return following is not None and following.lemma_ in combat

    def phrase_entities(self, head: Token, kinds: tuple[str, ...]) -> list[str]:
        """Entities a noun phrase names: its head, else its compounds, else its の-modifiers;
        for a count the names it gives as examples (ペルーなど3カ国)."""
        named = self._named(head, kinds)
        if named or head.i in self.token_ids:
            return named
        examples = [c for c in head.children if sx.case(c) in ("など", "などの") and c.i < head.i]
        found = [i for c in examples for i in self._named(c, kinds)]
        return list(dict.fromkeys(found))

    def _named(self, head: Token, kinds: tuple[str, ...]) -> list[str]:
        compounds = [
            c for c in head.children if c.dep_ in ("compound", "flat") and not sx.posted_to(c)
        ]  # タンザニアの駐ケニア大使: Kenya is where he serves, Tanzania whose he is
        genitives = [c for c in head.children if c.dep_ == "nmod" and sx.case(c) in sx.GENITIVE]
        agents = [c for c in genitives if sx.case(c) == "による"]
        genitives = agents or genitives  # イスラエルによるシリアの…空爆: the actor, not the place
        if head.lemma_ in self.rules.patient_nouns:
            genitives = agents  # ブットー氏の殺害: the victim is no actor
        if head.lemma_ in self.rules.associate_nouns and head.i not in self.token_ids:
            # ブットー氏の支持者: not Bhutto; but ルト大統領とその側近: Ruto, coordinated
            return list(
                dict.fromkeys(i for m in sx.conjuncts(head) for i in self._ids_in(m, kinds))
            )
        if head.lemma_ in self.rules.origin_nouns and head.i not in self.token_ids:
            return []  # ギニア国籍の女性: not Guinea
        if (
            head.text in self.rules.team_nouns
            and head.i > 0
            and self.token_kind.get(head.i - 1) == "State"
        ):
            return []  # 日本|代表は成田空港に到着: the national team, not the state
        groups = [[head], compounds, genitives]
        if "サ変" in head.tag_ and head.i not in self.token_ids:
            groups = [genitives, compounds]  # プーチンの北朝鮮訪問を批判: the actor, not the place
        listed: list[str] = []  # members of a list the head closes (A、B、Cの3カ国)
        for group in groups:
            ids: list[str] = []
            # 衢州市の|化工会社と締結: a place before an actor's noun says where it is; the
            # place acts only when it is the noun itself (高雄市は…協定を結んだ)
            group_kinds = kinds
            if group is genitives and "Person" in kinds:
                group_kinds = tuple(k for k in kinds if k != "Place")
            for token in group:
                ids.extend(self._ids_in(token, group_kinds))
                for member in sx.conjuncts(token):
                    found = self._ids_in(member, group_kinds)
                    if not found and "サ変" in member.tag_ and member.i not in self.token_ids:
                        found = self._named(member, group_kinds)  # Xの発言や取り組み: X
                    (ids if ids or token is not head else listed).extend(found)
            if ids:
                ids = self._prefer_people(list(dict.fromkeys(ids + listed)))
                return ids + self._people_coordinated_over(genitives, ids)
        if not listed and "サ変" in head.tag_ and head.i not in self.token_ids:
            for thing in genitives:  # 日本の|処理水の|放出: the act's actor owns its object
                if thing.i not in self.token_ids and thing.pos_ == "NOUN":
                    listed += [
                        i
                        for c in thing.children
                        if c.dep_ == "nmod" and sx.case(c) == "の"
                        for i in self._ids_in(c, kinds)
                    ]
        if not listed:
            for holder in genitives:
                if holder.i not in self.token_ids and self.gazetteer.is_title(holder.text):
                    # パキスタンの外相の発言: an unnamed office holder acts for the state named
                    listed += self.phrase_entities(holder, kinds)
        return self._prefer_people(list(dict.fromkeys(listed)))

    def _people_coordinated_over(self, genitives: list[Token], ids: list[str]) -> list[str]:
        """AとイランのB大統領: a person coordinated with the head but hung on its の-modifier."""
        if not ids or self.kind(ids[0]) != "Person":
            return []
        found = []
        for modifier in genitives:
            for conjunct in sx.conjuncts(modifier):
                found += [i for i in self._ids_in(conjunct, ("Person",)) if i not in ids]
        return found

    def _ids_in(self, token: Token, kinds: tuple[str, ...]) -> list[str]:
        """Entities at a token, at the name compounded into it (プーチン|氏), or at the name
        a title follows (金正恩(キム・ジョンウン)総書記と…: 書記 → 金正恩)."""
        found = self._ids_at(token, kinds)
        if not found and token.i not in self.token_ids:
            owner = self._title_owner(token)  # ザハロワ|ロシア外務省|報道官: the person
            if owner is not None:
                found.extend(self._ids_at(owner, kinds))
        if not found and token.i not in self.token_ids:
            for part in token.children:
                if part.dep_ in ("compound", "flat") and not sx.posted_to(part):
                    found.extend(self._ids_at(part, kinds))
        return found

    def _title_owner(self, title: Token) -> Token | None:
        """The last token of the person's name that a title token follows, if any: the
        words between are the title's (副|書記長) or its body's (金英哲|党|副委員長)."""
        doc = title.doc
        start = title.i
        while (
            start > 0
            and title.i - start < 4
            and start - 1 < doc[start - 1].head.i <= title.i  # within the phrase
            and doc[start - 1].dep_ in ("compound", "nmod")
            and doc[start - 1].pos_ in ("NOUN", "PROPN")
            and not sx.case(doc[start - 1])
            # ロペス|駐チリ|大使: the state an envoy is posted to is part of his title
            and (
                self.token_kind.get(start - 1) in (None, "Organization")
                or sx.posted_to(doc[start - 1])
            )
        ):
            start -= 1
        if not any(
            self.gazetteer.is_title("".join(t.text for t in doc[s : title.i + 1]))
            for s in range(start, title.i + 1)
        ):
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
        if token.i in self.sites and self._home_of_topic(token) in self.token_ids[token.i]:
            return []  # 日本政府は…現地に派遣: the site is not the sender's own state
        for entity_id in self.token_ids.get(token.i, ()):
            entity_id = self._metonym(entity_id, kinds)
            if not kinds or self.kind(entity_id) in kinds:
                out.append(entity_id)
        return out

    def _home_of_topic(self, token: Token) -> str | None:
        """The state of the sentence's topic (its first は-phrase outside quotation marks)."""
        for candidate in token.sent:
            if candidate.i >= token.i:
                break
            if sx.case(candidate) == "は" and not sx.in_brackets(candidate):
                for entity_id in self.phrase_entities(
                    candidate, ("Person", "State", "Organization")
                ):
                    home = (
                        entity_id if self.kind(entity_id) == "State" else self.home_state(entity_id)
                    )
                    if home:
                        return home
                return None
        return None

    def _facility(self, head: Token) -> list[str]:
        """A body named by its building (自民党本部, 札幌競馬場): the place visited."""
        facilities = self.rules.word_lists.get("facility_words", frozenset())
        if not any(head.text.endswith(word) for word in facilities):
            return []
        return self.phrase_entities(head, ("Organization",))

    def _antecedent_actor(
        self, pronoun: Token, trigger: Token, kinds: tuple[str, ...]
    ) -> list[str]:
        """これを非難: the actor of the clause before, in the same sentence (ハマスの民兵が襲撃を
        行い、イスラエル政府がこれを非難した → Hamas)."""
        own = {c.i for c in self.predicate_head(trigger).children if c.dep_ == "nsubj"}
        before = [
            t
            for t in pronoun.sent
            if t.i < pronoun.i
            and t.dep_ == "nsubj"
            and sx.case(t) in ("が", "は")
            and t.i not in own
            and not sx.in_brackets(t)
        ]
        for subject in reversed(before):
            ids = self.phrase_entities(subject, kinds)
            if ids:
                return ids
        return []

    def _actor_of_act(self, head: Token, kinds: tuple[str, ...]) -> list[str]:
        """Who does an act a noun names, written as the subject of a relative clause on it
        (レバノンが行おうとしている|武装解除協議, 政府の提示した|改革案)."""
        for clause in head.children:
            if clause.dep_ == "acl" and clause.i < head.i:
                for subject in clause.children:
                    if subject.dep_ == "nsubj" and sx.case(subject) in ("が", "の"):
                        ids = self.phrase_entities(subject, kinds)
                        if ids:
                            return ids
        return []

    def _clause_entities(self, nominalizer: Token, kinds: tuple[str, ...]) -> list[str]:
        """条約を締結したことに懸念: the clause's object, else its subject."""
        for clause in nominalizer.children:
            if clause.dep_ != "acl":
                continue
            for slot in ("object", "subject"):
                for head in self.slot_heads(slot, clause):
                    ids = self.phrase_entities(head, kinds)
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

    def news_medium(self, entity_id: str) -> bool:
        """Whether an organization is a news medium (by its name: see news_media_names and
        news_media_endings in the rules)."""
        if self.kind(entity_id) != "Organization":
            return False
        entry = self.gazetteer.entries.get(entity_id)
        names = [entry.label_ja, *entry.aliases] if entry else [entity_id.rsplit("/", 1)[-1]]
        lists = self.rules.word_lists
        media, endings = lists.get("news_media_names", ()), lists.get("news_media_endings", ())
        return any(n in media or n.endswith(tuple(endings)) for n in names)

    def kind(self, entity_id: str) -> str:
        entry = self.gazetteer.entries.get(entity_id)
        return entry.kind if entry else entity_id.partition("/")[0].capitalize()

    def _prefer_people(self, ids: list[str]) -> list[str]:
        """米ブリンケン国務長官: the person, not the state that modifies the name."""
        people = [i for i in ids if self.kind(i) == "Person"]
        return people or ids

    def item(self, rule: Rule, trigger: Token) -> str | None:
        if rule.item is None:
            return None
        for slot in rule.item.slots:
            for head in self.slot_heads(slot, trigger):
                phrase = "".join(t.text for t in head.subtree if t.dep_ not in ("case", "punct"))
                for item in self.rules.supply_items:
                    if item in phrase:
                        return item
        if trigger.text.endswith("兵"):  # 派兵: the trigger names its own item
            return "兵力"
        if not rule.require_item and trigger.lemma_ in self.rules.supply_items:
            return trigger.lemma_  # 援助を行った: aid is what is given
        return None

    def inherited_subject(
        self, trigger: Token, role: Role, ctx: SentenceContext, relation: str = ""
    ) -> list[str]:
        """A left-out subject: an earlier clause's, the governing predicate's, or the topic.

        A clause quoted by a verb that accuses or acts on others (…を提供したとして制裁,
        …したと非難) does not take that verb's subject: the accuser is not the actor; its
        subject is found inside the quotation or not at all (遠征で訪れた函館市で暴行を
        加えたとされる: the one who assaulted visited).
        """
        governor = sx.quote_governor(trigger, self.rules.content_nouns)
        inside: set[int] | None = None  # the tokens of the quotation the search stays in
        if governor is not None and sx.lemma(governor) not in self.rules.self_report_verbs:
            inside = {t.i for t in sx.quoted_clause(trigger).subtree}
            hung = self._quote_subject_hung_on(governor)
            if hung:  # AはBが武器を供与したと非難: B, hung on 非難 by the parser, supplied
                return self.phrase_entities(hung[0], role.kinds)
        node = self.predicate_head(trigger)
        apposed = self.apposed(trigger)
        if apposed:  # 訪問先の|パリで|語った: who spoke was there
            node = trigger.head.head  # 訪問先のパリで語った|首相: the noun its clause modifies
            ids = self.fill(role, node) or self.earlier_clause_subject(node, role, 0)
            if ids:
                return ids  # else the clause's own left-out subject, found as any other's
        elif (
            sx.is_nominal(trigger) and node.i == trigger.i and trigger.dep_ not in ("ROOT", "conj")
        ):
            return []  # プーチン氏の訪問を批判: the critic did not visit
        ids = self.earlier_clause_subject(node, role, depth=0)
        for _ in range(4):
            if ids or not self._embedded(node):
                break
            relative = node.dep_ == "acl" and node.head.dep_ in ("obl", "obj")
            setting = False  # 出張していた|東京で事故に遭い、…戻った: the place of a clause
            if relative and node.head.i > node.i:
                node = node.head  # 訪問していたウクライナで記者団に語った: the teller visited
                setting = sx.bare_case(node) in ("で", "では") and node.dep_ == "obl"
            elif node.dep_ == "nmod" and node.lemma_ in self.rules.aspect_suffixes:
                place = self._scene_of(node)  # 来日中の|東京都内の|病院で死去: who died came
                if place is False:
                    return []  # 訪日中の|大統領の|妻: an unnamed person was there
                if place is not None:
                    node, relative = place, True
                    if node.head.dep_ == "acl" and node.head.head.i > node.head.i:
                        # …病院で死去した|男性: the noun the clause modifies, if it names anyone
                        return self.phrase_entities(node.head.head, role.kinds)
            if inside is not None and node.head.i not in inside:
                break  # …と非難した: the accuser is no actor of what is quoted
            fronted = self._fronted_clause(node)
            node = node.head
            # the governing predicate's own arguments, not the noun it modifies in turn
            subject = Role(tuple(s for s in role.slots if s != "relative_head"), role.kinds)
            ids = (
                self.fill(subject, node, before=trigger.i)
                or self.earlier_clause_subject(node, role, 0)
                or (self._fronted_clause_topic(node, trigger, role) if fronted else [])
            )
            if relative and not setting:
                break  # one hop from a relative clause: no further up (but from the
                # place a clause sets, on to whose clause that is: its subject was there)
        if ids or inside is not None:
            return ids
        if self._has_own_subject(trigger) or sx.cleft(node):
            return []
        if self._in_speech(trigger) and (
            governor is None or sx.lemma(governor) not in self.rules.self_report_verbs
        ):
            return []  # 厚労省は「…を訪れた人は…」と呼びかけた: speech has its own subject
        if "source" in role.slots and next(self.slot_heads("source", trigger), None):
            return []  # 選手側から「…」と抗議: the protester is named, if not known
        topic = self.sentence_topic(trigger, role)
        if topic or self._subject_before(trigger):
            return topic  # そこでは人々が…と非難した: the sentence names its own subject
        if relation == "visited" and ctx.reporting:
            return []  # a body that reported (厚労省は…と発表した) did not travel after
        return [t for t in ctx.topic if self.kind(t) in role.kinds]

    def reporting_body(self, sent: Span, topic: tuple[str, ...]) -> bool:
        """Whether a sentence's topic is a body (a ministry, an agency, a university) that
        reports, announces or appeals (…と発表した, …を呼びかけた): what follows is what it
        said of others."""
        subject = next(
            (t for t in sent if t.dep_ == "nsubj" and sx.case(t) == "は" and t.i in self.token_ids),
            None,
        )  # the topic's own phrase: a ministry acts for its state, but it is a body
        if subject is None or not any(
            self.token_kind.get(t.i) == "Organization" for t in subject.subtree
        ):
            return False
        return any(
            t.dep_ == "ROOT" and sx.lemma(t) in self.rules.reporting_body_verbs for t in sent
        )

    def _scene_of(self, suffix: Token) -> Token | None | bool:
        """The place a …中の phrase sets the scene of, through a chain of の-modifiers
        (訪問中の|パリの|ホテルで): a で-phrase of its governing predicate.  False for a chain
        through a person, named or by title (訪日中の|大統領の|別荘で): that person's."""
        node = suffix
        while (
            node.head.dep_ in ("nmod", "compound")
            and node.head.pos_ in ("NOUN", "PROPN")
            and node.head.i > node.i
        ):
            node = node.head
            if self.token_kind.get(node.i) == "Person" or self.gazetteer.is_title(node.text):
                return False
        head = node.head
        if (
            head.dep_ == "obl"
            and head.i > node.i
            and head.pos_ in ("NOUN", "PROPN")
            and sx.bare_case(head) == "で"
            and not self.gazetteer.is_title(head.text)
        ):
            return head
        return None

    def apposed(self, trigger: Token) -> bool:
        """A trigger noun naming, with の, the place its clause's subject is at (訪問先の)."""
        # 外遊|先: a trigger written as two tokens is found on its last one
        compounded = "".join(
            c.text for c in trigger.children if c.dep_ == "compound" and c.i < trigger.i
        )
        words = (trigger.lemma_, trigger.text, compounded + trigger.text)
        rules = [r for w in dict.fromkeys(words) for r in self.rules.by_word.get(w, [])]
        return (
            trigger.dep_ == "nmod"
            and sx.case(trigger) == "の"
            and any(r.target is not None and "apposed" in r.target.slots for r in rules)
        )

    def has_subject_phrase(self, trigger: Token) -> bool:
        """Whether the trigger's own clause states a subject (a が-phrase on it), named or
        not: then no subject is carried over from elsewhere."""
        pred = self.predicate_head(trigger)
        return any(
            c.dep_ == "nsubj" and sx.case(c) == "が" and c.i < pred.i and not sx.in_brackets(c)
            for c in [*pred.children, *trigger.children]
        )

    def sentence_topic(self, trigger: Token, role: Role) -> list[str]:
        """The sentence's own topic before the trigger (Xは…), wherever the parser hung it:
        a は-phrase outside quotation marks speaks of the whole sentence."""
        for token in trigger.sent:
            if token.i >= trigger.i:
                break
            if (
                sx.case(token) == "は"
                and token.dep_ in ("nsubj", "obl")
                and not sx.in_quotation(token)
            ):
                ids = self.phrase_entities(token, role.kinds)
                if sx.in_brackets(token):  # 「自由ケニア運動」は: a body's name in brackets
                    # (a storm's or a ship's, 「ハリー」は, is no actor)
                    ids = [i for i in ids if self.kind(i) == "Organization"]
                if ids:
                    return ids
        return []

    def _embedded(self, node: Token) -> bool:
        """A clause whose left-out subject is its governor's: a subordinate clause, a
        nominalised one (…供給していることを指摘した), or a time phrase (訪韓中の8日、)."""
        return (
            node.dep_ in sx.CLAUSE_DEPS
            or (node.dep_ in ("nmod", "ccomp") and node.pos_ == "VERB" and sx.quoted(node))
            or (
                node.lemma_
                in self.rules.nominalizers | self.rules.content_nouns | self.rules.modal_nouns
                and node.dep_ in ("obj", "obl", "nsubj")
            )
            or (
                node.lemma_ in self.rules.aspect_suffixes | {"後", "前"}
                and node.dep_ in ("nmod", "obl")
            )
            or (node.dep_ == "obl" and "助数詞" in node.tag_)
            or (node.text == "どう" and any(c.text == "か" for c in node.children))  # かどうか
        )

    def earlier_clause_subject(self, node: Token, role: Role, depth: int) -> list[str]:
        """A subject stated in a clause before ``node`` (AはXし、Yした: A is Y's subject too)."""
        if depth > 4:
            return []
        for child in node.children:
            if child.i > node.i:
                continue
            clauses = [child] if child.dep_ in sx.CLAUSE_DEPS and not sx.quoted(child) else []
            if child.lemma_ in self.rules.adverbial_nouns:  # 北朝鮮がウクライナに対抗するため
                clauses = [c for c in child.children if c.dep_ == "acl"]
            for clause in clauses:
                ids = self.fill(role, clause) or self.earlier_clause_subject(
                    clause, role, depth + 1
                )
                if ids:
                    return ids
        return []

    def _fronted_clause_topic(self, node: Token, trigger: Token, role: Role) -> list[str]:
        """The は-topic of a predicate written after the clause the trigger stands in
        (ロシア訪問後、金総書記は…: the topic scopes over the fronted clause, and is who
        visited); a が-subject there does not (…訪問した際、首相が出迎えた)."""
        for c in node.children:
            if (
                c.dep_ == "nsubj"
                and c.i > trigger.i
                and sx.case(c) == "は"
                and not sx.in_quotation(c)
            ):
                return self.phrase_entities(c, role.kinds)
        return []

    def _has_own_subject(self, trigger: Token) -> bool:
        """Whether a predicate on the trigger's path to the root has a subject: before the
        trigger, or after it for the predicate a fronted clause holding the trigger depends
        on (北京到着後、代表団は…: whoever 代表団 is, it arrived).  A は-topic does not count
        for a verb chained with 、 (永井氏は…同市を訪れ、…チェックイン): the sentence's topic is
        its left-out subject, however the parser chained the clauses."""
        chained = not sx.is_nominal(trigger) and sx.tense(trigger) == "conjunctive"
        node, fronted = trigger, False
        for _ in range(8):
            if any(
                c.dep_ == "nsubj"
                and (c.i < trigger.i or fronted)
                and not sx.in_quotation(c)
                and not (chained and sx.case(c) == "は")
                for c in node.children
            ):  # a quotation's own subject is not the clause's
                return True
            if node.head.i == node.i:
                return False
            fronted = self._fronted_clause(node)
            node = node.head
        return False

    def _fronted_clause(self, node: Token) -> bool:
        """A clause that only sets the time or scene of the predicate it hangs on (到着|後、
        訪問した|際、), whose subject that predicate's subject is, written before or after."""
        return node.dep_ in ("obl", "advcl", "nmod") and (
            node.lemma_ in self.rules.aspect_suffixes | self.rules.adverbial_nouns | {"後", "前"}
            or any(
                c.dep_ in ("case", "mark") and c.lemma_ in self.rules.adverbial_nouns | {"後", "前"}
                for c in node.children
            )
        )

    def _subject_before(self, trigger: Token) -> bool:
        """Whether the sentence states a subject before the trigger (a が- or は-phrase outside
        quotation marks, named or not): then no earlier sentence's topic is its subject.  A
        clause the trigger quotes has its own (北朝鮮が…提供していると非難し: the critic is left
        out), unless it holds two (人々が…大統領が殺害したと非難: the first is the critic's)."""
        pred = self.predicate_head(trigger)
        path, node = [trigger, pred], pred  # the predicates the trigger's clause belongs to
        while node.head.i != node.i and len(path) < 12:
            node = node.head
            path.append(node)
        quoted = [
            t
            for c in sx.quoted_clauses([*trigger.children, *pred.children])
            for t in c.subtree
            if t.dep_ == "nsubj"
        ]
        on_path = {p.i for p in path}
        subjects = {
            t.i
            for t in trigger.sent
            if t.i < trigger.i
            and t.dep_ == "nsubj"
            and sx.case(t) in ("が", "は")
            and not sx.in_quotation(t)
            and not self._in_adverbial_clause(t, on_path)
        }
        # a は-topic is the sentence's, wherever the parser hung it (関係者は、北朝鮮が…と非難)
        inside = subjects & {t.i for t in quoted if sx.case(t) != "は"}
        return len(subjects) > len(inside) or len(inside) > 1

    def _in_adverbial_clause(self, token: Token, path: set[int]) -> bool:
        """Whether a phrase stands in a clause that only sets the scene of the trigger's
        (戦闘が起きた|際には, …のために), off the trigger's own path to the root."""
        adverbial = self.rules.adverbial_nouns
        node = token
        while node.head.i != node.i and node.i not in path:
            node = node.head
            if node.i in path:
                break
            if node.lemma_ in adverbial or any(
                c.dep_ in ("case", "mark") and c.lemma_ in adverbial for c in node.children
            ):  # 戦闘が起きた|際には: 際 hung on the clause as its marker
                return True
        return False

    def topic(self, sent: Span) -> tuple[str, ...]:
        """The actors a sentence is about (its first は-subject naming any), which a later
        sentence's left-out subject may be; a time (イ大統領在任中は, 会期中は) is no topic."""
        times = tuple(self.rules.adverbial_nouns | self.rules.aspect_suffixes)
        for token in sent:
            if token.i not in self.token_ids and token.text.endswith(times):
                continue  # 在任中は, 会期中は: when, not who
            if token.dep_ == "nsubj" and sx.case(token) == "は":
                ids = self.phrase_entities(token, ACTORS)
                if ids:
                    return tuple(ids)
        return ()

    # ---------------------------------------------------------------- modality


def _noun_phrase_heads(noun: Token) -> list[Token]:
    """The noun a relative clause modifies, then the heads of the noun phrases it is the
    の-modifier of, outermost last (訪問中の|自民党の|武部幹事長: the person comes last)."""
    heads = [noun]
    while noun.dep_ == "nmod" and sx.case(noun) == "の" and noun.head.i > noun.i:
        noun = noun.head
        heads.append(noun)
    return heads[::-1]


def _phrase(head: Token) -> str:
    """The bunsetu a slot's head word stands in (ロシアに, 条約に), as the trace shows it."""
    try:
        import ginza

        return ginza.bunsetu_span(head).text
    except Exception:  # no bunsetu data on this Doc
        return head.text
