"""Modality: whether a statement asserts a fact or only reports, plans, requests,
promises, supposes, denies or negates it.

Decided from the trigger's own clause (its auxiliaries and the words up to the next
comma), the verb that quotes it (…と報じた, …との報道を否定), and tense (news writes what
will happen in the non-past).  Only asserted and reported mentions make a direct triple.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from kg.model import Article
from kg.relations import syntax as sx
from kg.relations.arguments import ACTORS, Arguments
from kg.relations.rules import Role, RuleSet

MODALITIES = ("negated", "hypothetical", "requested", "promised", "planned", "speculative")
_BARE_DAY = re.compile(r"(?<![\d月年])(\d{1,2})日")  # 26日から (no month: this month)


@dataclass
class ModalityReader:
    """Decides the modality of the statements of one parsed unit of an article."""

    rules: RuleSet
    article: Article
    offset: int
    arguments: Arguments

    def decide(
        self, trigger: Token, sent: Span, relation: str = ""
    ) -> tuple[str, tuple[str, ...], str]:
        """The statement's modality, who it is attributed to, and why (for the trace)."""
        if self.arguments.apposed(trigger) and trigger.head.head.i > trigger.i:
            return self.decide(trigger.head.head, sent)  # 訪問先の|Xで|会見を開く方針: its clause's
        head = self.arguments.predicate_head(trigger)
        announcing = self.rules.word_lists.get("announcing_verbs", frozenset())
        if head.i != trigger.i and head.lemma_ in announcing and relation != "condemned":
            return "planned", (), f"announced, not reported done: {head.text}"
        if head.i != trigger.i and head.lemma_ in self.rules.refusal_verbs:
            return "negated", (), f"refused or called off: {head.text}"
        if head.i != trigger.i and head.lemma_ in self.rules.postponing_verbs:
            return "planned", (), f"put off: {head.text}"
        taker = self._taken_by(head)  # 滞在を否定, …訪れたことを否定, …非難することを拒否
        if taker is not None and sx.lemma(taker) in self.rules.denial_verbs:
            return "denied", (), f"what {taker.text} takes"
        if taker is not None and taker.lemma_ in self.rules.refusal_verbs:
            return "negated", (), f"refused or called off: {taker.text}"
        doc = trigger.doc
        if trigger.i + 1 < len(doc) and doc[trigger.i + 1].text == "へ" and sx.is_nominal(trigger):
            return "planned", (), "…へ: a headline's plan (訪米へ, 派遣へ)"
        after = doc[trigger.i + 1 : trigger.i + 10].text
        asked = next((p for p in self.rules.question_phrases if p in after[:8]), None)
        if asked and not any(c in after[: after.find(asked)] for c in "、。"):
            return "speculative", (), f"{asked}: whether it happens is asked"
        phrase = next((p for p in self.rules.planned_phrases if p in after), None)
        if phrase and not any(c in after[: after.find(phrase)] for c in "、。"):
            return "planned", (), f"{phrase}: a decision, not a deed"
        own = self._marked(sx.clause_tail(trigger, self._relative(trigger)), MODALITIES)
        if not own and head.i != trigger.i:  # 遺憾の意を表明することを要請, 示さなかった
            own = self._marked(sx.clause_tail(head, self._relative(head)), MODALITIES)
        if own:
            return own[0], (), f"{own[1]} in the trigger's clause"
        said = self._of_topic(trigger)  # Xの訪問は来月になる見通しだ: what is said of it
        if said:
            return said[0], (), f"{said[1]}: said of the trigger as a topic"
        for clause in self._governing_clauses(trigger):
            found = self._marked(sx.clause_tail(clause), MODALITIES[1:])  # not negation
            if found:
                return found[0], (), f"{found[1]} in the clause it leads into ({clause.text})"
        condition = self._condition(trigger)
        if condition:
            return "hypothetical", (), f"under the condition {condition}"
        governor = sx.quote_governor(trigger, self.rules.content_nouns)
        if governor is not None and governor.lemma_ in ("いう", "言う"):
            governor = governor.head  # …を続ける、という|こと
        if governor is not None and governor.lemma_ in self.rules.nominalizers:
            if governor.head.i != governor.i:  # …ということを|提案した: what takes the clause
                governor = governor.head
        wanted = self._marked([governor], MODALITIES[1:]) if governor is not None else None
        if wanted:  # …締結することを提案した, …するよう求めた: asked for, not done
            return wanted[0], (), f"{wanted[1]}: what the quoting verb does"
        if self._scheduled(trigger, sent) and not self._performative(trigger, governor):
            return "planned", (), "non-past: a schedule"
        if governor is not None:
            if sx.lemma(governor) in self.rules.evidential_verbs:
                reporters = (
                    () if sx.passive(governor) else tuple(self._reporters(governor, trigger))
                )
                if not reporters:
                    return "speculative", (), f"judged, by no one named: {governor.text}"
                return "reported", reporters, f"the judgement of {', '.join(reporters)}"
            if sx.lemma(governor) in self.rules.denial_verbs:
                return "denied", (), f"quoted by {governor.text}"
            if sx.lemma(governor) in self.rules.reporting_verbs:
                reporters = tuple(self._reporters(governor, trigger))
                return "reported", reporters, f"quoted by {governor.text}"
        marker = next((m for m in self.rules.reported_markers if m in sent.text), None)
        if marker:
            return "reported", (), f"{marker} in the sentence"
        return "asserted", (), "no modality word"

    def _taken_by(self, head: Token) -> Token | None:
        """The predicate that takes the trigger's clause (or the trigger noun) as its を-object:
        滞在を|否定, 訪れたことを|否定, 非難することを|拒否; None if none."""
        node = head
        if node.dep_ == "acl" and node.head.lemma_ in self.rules.nominalizers:
            node = node.head  # …訪れた|ことを
        if node.dep_ == "obj" and sx.case(node) == "を" and node.head.i > node.i:
            return node.head
        return None

    def _of_topic(self, trigger: Token) -> tuple[str, str] | None:
        """The modality of what a nominal trigger is the topic or subject of (Xの訪問は来月に
        なる見通しだ: planned; …訪問は実現の可能性が大きい: speculative)."""
        if not sx.is_nominal(trigger) or trigger.dep_ != "nsubj":
            return None
        said = trigger.head
        if said.i < trigger.i:
            return None
        # what is said of it: the predicate's own words and the phrases it takes directly
        # (来月に|なる|見通しだ, 実現の|可能性が|大きい), not a clause or quotation on it
        clauses = (*sx.CLAUSE_DEPS, "ccomp")
        words = [*sx.clause_tail(said), said] + [
            c
            for c in said.children
            if c.i > trigger.i and c.dep_ not in clauses and not sx.in_brackets(c)
        ]
        found = self._marked(words, MODALITIES[1:])
        if found:
            return found
        future = next((t.text for t in words if t.text in self.rules.future_markers), None)
        return ("planned", future) if future else None

    def _relative(self, trigger: Token) -> bool:
        """A relative clause on a noun that is what it speaks of, not its modality: any noun
        but a nominalizer or a modality word (訪問する予定, 署名した可能性); a past clause's
        agreement noun is what was agreed (締結された和平合意; 売却する契約 is a promise)."""
        head = trigger.head
        if trigger.dep_ != "acl" or head.i < trigger.i or head.lemma_ in self.rules.nominalizers:
            return False
        promised = self.rules.modality.get("promised", ())
        if head.lemma_ in promised or head.text in promised:
            return sx.tense(trigger) == "past"
        return head.lemma_ not in self.rules.modal_nouns and head.text not in self.rules.modal_nouns

    def _marked(self, tail: list[Token], modalities: tuple[str, ...]) -> tuple[str, str] | None:
        """The first of ``modalities`` a word of ``tail`` marks, with that word."""
        for modality in modalities:
            words = self.rules.modality.get(modality, ())
            seen = [
                t.text
                for t in tail
                if t.lemma_ in words or t.text in words and (t.pos_ != "VERB" or t.lemma_ in words)
            ]  # 考え (an intention) is no 考え|られる (a judgement)
            if seen:
                return modality, seen[0]
        return None

    def _governing_clauses(self, trigger: Token) -> list[Token]:
        """The predicates a chain of clauses leads the trigger into (訪れて、…協議する予定: the
        plan covers the visit too)."""
        found = []
        node = trigger
        for _ in range(6):
            if sx.tense(node) != "conjunctive" or not _chained(node):
                break
            node = node.head
            found.append(node)
        return found

    def _condition(self, trigger: Token) -> str:
        """A conditional clause before the trigger's predicate that governs it across a
        comma (実現すれば、…訪問となる), as written; "" if none."""
        hypothetical = self.rules.modality.get("hypothetical", ())
        node = trigger
        for _ in range(4):
            for clause in node.children:
                if clause.dep_ != "advcl" or clause.i > trigger.i or sx.quoted(clause):
                    continue  # a quotation is what is said, not a condition
                if any(
                    t.text in hypothetical or t.lemma_ in hypothetical
                    for t in sx.clause_tail(clause)
                ):
                    return clause.text + "".join(t.text for t in sx.clause_tail(clause)[:2])
            if node.head.i == node.i or node.dep_ not in (
                "obj",
                "nsubj",
                "obl",
                "acl",
                "advcl",
                "conj",
            ):
                break
            node = node.head
        return ""

    def _listing(self, predicate: Token) -> bool:
        """…を批判するなど: a non-past predicate followed by a listing word."""
        parts = [predicate, *(c for c in predicate.children if c.dep_ in ("aux", "mark", "fixed"))]
        end = max(t.i for t in parts if t.i >= predicate.i) + 1
        doc = predicate.doc
        return end < len(doc) and doc[end].text in self.rules.listing_markers

    def _performative(self, trigger: Token, governor: Token | None) -> bool:
        """「…を強く非難する」と述べた: a speech act in the non-past, quoted from its speaker,
        is done by being said, not scheduled."""
        return (
            governor is not None
            and sx.lemma(trigger) in self.rules.performatives
            and sx.lemma(governor) in self.rules.self_report_verbs
            and not any(  # 近く…を非難すると発表: announced for later, not done by saying it
                t.text in self.rules.future_markers
                for t in trigger.doc[governor.left_edge.i : trigger.i]
            )
        )

    def _scheduled(self, trigger: Token, sent: Span) -> bool:
        """Whether the statement is of a scheduled event, not a done one.

        News writes what will happen in the non-past (訪問する); done acts take た and
        ongoing ones ている.  A relative clause in the non-past (糾弾する声明) is no
        schedule (a clause a nominalizer makes a noun, 訪問することを発表, is), and a chain
        of clauses (訪問し、会談する) is one only with a future cue in the sentence (a day
        after publication, 来月 …): summaries also narrate the past in the non-past.
        """
        tense = sx.tense(trigger)
        if sx.is_headline(sent) and not self._future_cue(sent):
            return False  # 「首相、ペルーを訪ねる」: a headline tells what happened in the non-past
        if tense == "non-past":  # …滞在することを発表した: a clause made a noun is no relative
            nominalised = trigger.dep_ == "acl" and trigger.head.lemma_ in self.rules.nominalizers
            return (trigger.dep_ != "acl" or nominalised) and not self._listing(trigger)
        node = trigger
        for _ in range(6):
            if tense != "conjunctive" or not _chained(node):
                break
            node = node.head
            tense = sx.tense(node)
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
        found = self.arguments.fill(role, governor)
        if found:
            return found
        clause = trigger
        while clause.head.i not in (governor.i, clause.i):
            clause = clause.head
        for child in clause.children:
            if child.dep_ in ("nsubj", "dislocated") and sx.case(child) == "は":
                found.extend(self.arguments.phrase_entities(child, ACTORS))
        return found or self.arguments.earlier_clause_subject(governor, role, 0)


def _chained(node: Token) -> bool:
    """A clause chained to the next with its conjunctive form: a verb (訪問し、) or a noun
    made a verb by する that the parser hung as a phrase (ペルー入り|し、…予定: obl)."""
    return node.dep_ in ("advcl", "conj") or (
        node.dep_ == "obl" and any(c.dep_ == "aux" and c.lemma_ == "する" for c in node.children)
    )
