"""What the rule engine found and why: one record per sentence, trigger and rule.

The engine fills these as it works when asked to (``Extractor(..., trace=True)``), so
``kg explain`` shows the decisions the build makes, not a second reading of them:
every slot a rule searched with what filled it or why nothing did, the modality words
seen and the decision, and the events produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.model import Event


@dataclass
class SlotTrace:
    """One phrase (or none) looked at for one role in one slot."""

    role: str  # agent | target | item
    slot: str  # subject, object, dative …
    phrase: str  # the phrase as written ("" when the slot is empty)
    outcome: str  # "filled", or why not: "no entity", "wrong class", "adverbial noun" …
    ids: tuple[str, ...] = ()
    detail: str = ""


@dataclass
class RuleTrace:
    """One rule tried on one trigger."""

    rule_id: str
    relation: str
    trigger: str
    trigger_index: int
    slots: list[SlotTrace] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    modality: str | None = None
    modality_reason: str = ""
    attributed: tuple[str, ...] = ()
    events: list[Event] = field(default_factory=list)
    outcome: str = ""  # what became of it: events, or why none

    def slot(self, role: str, slot: str, phrase: str, outcome: str, **extra: object) -> None:
        self.slots.append(SlotTrace(role, slot, phrase, outcome, **extra))  # type: ignore[arg-type]


@dataclass
class TokenRow:
    """A token of the parse as the trace shows it."""

    index: int
    text: str
    tag: str
    dep: str
    head: int
    lemma: str


@dataclass
class BunsetuRow:
    """A bunsetu (phrase) of the sentence and the one it depends on."""

    index: int
    text: str
    head: int  # index of the bunsetu it depends on (itself for the root)
    dep: str  # dependency label of its head token


@dataclass
class MentionRow:
    text: str
    kind: str
    ids: tuple[str, ...]
    source: str


@dataclass
class SentenceTrace:
    """Everything the engine saw and decided in one sentence."""

    index: int
    text: str
    start: int  # character offset in the article's cleaned text
    tokens: list[TokenRow] = field(default_factory=list)
    bunsetu: list[BunsetuRow] = field(default_factory=list)
    mentions: list[MentionRow] = field(default_factory=list)
    rules: list[RuleTrace] = field(default_factory=list)
    topic: tuple[str, ...] = ()  # the topic carried to the next sentence
    note: str = ""  # why the sentence was passed over, if it was

    @property
    def events(self) -> list[Event]:
        return [event for rule in self.rules for event in rule.events]
