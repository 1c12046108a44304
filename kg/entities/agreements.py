"""Agreements: named ones the gazetteer does not know, and ones described rather than named.

Named: in 「」 (「…に関する条約」) or with an acronym after the name (円滑化協定(RAA)).
Described: a noun phrase headed by an agreement noun (``agreement_nouns`` in
``ontology/names.yaml``: 協定, 条約, 合意文書 …; 合意, 宣言, 文書 only as what is signed) is an
Agreement labelled with the phrase as written, its modifiers included (地域協定,
クリミアをロシアに編入する条約, 治安維持をめぐる協力に関する協定).  The rule engine reads
its head (the mention's ``anchor``), so the states named in the description stay mentions
of their own.  A bare head (条約に署名) or one with only 同/この/両 is a reference to an
agreement named before, not a new one (``ontology/anaphora.yaml``).
"""

from __future__ import annotations

import re
from functools import cache

from spacy.tokens import Doc, Span, Token

from kg.entities.lexicon import agreement_heads, is_nounish, is_number_like, name_words
from kg.model import Mention

MAX_DESCRIPTION_CHARS = 50


@cache
def _name_patterns(heads: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    alternatives = "|".join(map(re.escape, heads))
    return (
        re.compile(rf"「([^「」]{{4,40}}(?:{alternatives}))」"),  # not a bare 「同盟条約」
        re.compile(
            rf"([\u4e00-\u9fff\u30a0-\u30ff・]{{2,30}}(?:{alternatives}))[（(][A-Z]{{2,10}}[)）]"
        ),
    )


def named_agreements(doc: Doc) -> list[tuple[Span, Mention]]:
    """Agreements named in 「」 or with an acronym after the name."""
    text = doc.text
    if "「" not in text and "(" not in text and "（" not in text:
        return []
    found = []
    for pattern in _name_patterns(tuple(agreement_heads())):
        for match in pattern.finditer(text):
            span = doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
            if span is not None:
                mention = Mention(
                    span.text, span.start_char, span.end_char, "Agreement", None, source="pattern"
                )
                found.append((span, mention))
    return found


def described_agreements(
    doc: Doc, taken: set[int], references: frozenset[str]
) -> list[tuple[Span, Mention]]:
    """Agreements described by a noun phrase; ``taken``: tokens already in a mention;
    ``references``: bare words that refer back rather than describe (条約, 協定)."""
    words = name_words()
    nouns = words.agreements | words.agreements_when_signed
    endings = _endings(nouns)
    found = []
    for token in doc:
        if token.text not in endings or token.i in taken:
            continue
        if not _ends_phrase(token) and not _signed_after(token, words.signing):
            continue
        head = _head(doc, token.i + 1, nouns)
        if head is None or any(i in taken for i in range(head, token.i + 1)):
            continue
        noun = doc[head : token.i + 1].text
        if noun not in words.agreements and not _signed(token, words.signing):
            continue
        anchor = _compound_start(doc, head, taken)
        start = _description_start(doc, anchor, token)
        if _refers_back(doc[start:anchor], doc[anchor:head], noun, references):
            continue
        span = doc[start : token.i + 1]
        mention = Mention(
            span.text,
            span.start_char,
            span.end_char,
            "Agreement",
            None,
            source="description",
            anchor=doc[anchor].idx,
        )
        found.append((span, mention))
    return found


def _refers_back(described: Span, inner: Span, noun: str, references: frozenset[str]) -> bool:
    """A phrase that refers to an agreement named before rather than describing one: a
    reference word alone (条約, 協定文書), one with only 同/この/両 in front (同条約), or a
    bare noun that is a document only when signed (文書, 合意).  ``described``: the
    modifiers before the compound; ``inner``: the compound's words before ``noun``."""
    generic = name_words().generic
    modifiers = [*described, *inner]
    if not described and inner.text + noun in references:
        return True
    if modifiers and all(t.text in generic for t in modifiers):
        return True
    return not modifiers and noun not in name_words().agreements


@cache
def _endings(nouns: frozenset[str]) -> frozenset[str]:
    """Every ending of an agreement noun: the words its last token can be (書, 文書 …)."""
    return frozenset(noun[i:] for noun in nouns for i in range(len(noun)))


def _ends_phrase(token: Token) -> bool:
    """The last word of a noun phrase: no noun follows it (条約機構 is no agreement)."""
    following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return following is None or not is_nounish(following) or is_number_like(following)


def _signed_after(token: Token, signing: frozenset[str]) -> bool:
    """An agreement noun compounded with the signing that follows it (自由貿易協定|調印,
    平和条約|締結): the compound names the act, the agreement is its object."""
    following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return following is not None and following.text in signing and "サ変" in following.tag_


def _head(doc: Doc, end: int, nouns: frozenset[str]) -> int | None:
    """Where the longest agreement noun ending at token ``end`` starts (合意|文書, 条約)."""
    best, text = None, ""
    for start in range(end - 1, max(-1, end - 4), -1):
        text = doc[start].text + text
        if text in nouns:
            best = start
    return best


def _signed(token: Token, signing: frozenset[str]) -> bool:
    """Whether the phrase is what a signing verb or noun takes (…宣言に署名, 合意を結んだ)."""
    governor = token.head
    if governor.i != token.i and (governor.lemma_ in signing or governor.text in signing):
        return True
    head = token.doc[token.i]  # 締結された|和平合意, 結んだ|合意: a relative clause signs it
    while head.dep_ == "compound" and head.head.i > head.i:
        head = head.head
    return any(
        c.dep_ == "acl" and c.i < token.i and (c.lemma_ in signing or c.text in signing)
        for c in head.children
    )


def _compound_start(doc: Doc, head: int, taken: set[int]) -> int:
    """The first word of the noun compound the head ends (地域|協定, 円滑化|協定)."""
    start = head
    while start > 0 and start - 1 not in taken:
        numeral = _name_numeral(doc[start - 1], doc[head])
        if not numeral and (not is_nounish(doc[start - 1]) or is_number_like(doc[start - 1])):
            break
        start -= 1
    return start


def _name_numeral(token: Token, head: Token) -> bool:
    """A kanji numeral compounded into an agreement's name, or the word it makes with the
    noun after it (二|重|課税|防止|条約); not a date or a count written in figures before it
    (11月|停戦合意, 2024年|協定)."""
    if token.head.i != head.i or token.dep_ != "compound":
        return False
    doc = token.doc
    if token.i > 0 and _kanji_numeral(doc[token.i - 1]):
        return True  # 二|重: the noun after a kanji numeral
    return _kanji_numeral(token)


def _kanji_numeral(token: Token) -> bool:
    return "数詞" in token.tag_.split("-") and not any(
        c.isdigit() or c.isascii() for c in token.text
    )


def _description_start(doc: Doc, anchor: int, last: Token) -> int:
    """Where the description begins: the compound, and before it the modifiers the parse
    hangs on it (Xの, Xとの, a relative clause in the non-past or …に関する), whole and
    unbroken by punctuation, within MAX_DESCRIPTION_CHARS."""
    start = anchor
    heads = {t.i for t in doc[anchor : last.i + 1]}
    for child in sorted(
        (c for i in heads for c in doc[i].children if c.i < anchor), key=lambda c: -c.i
    ):
        if not _describes(child):
            break
        left = child.left_edge.i
        if child.right_edge.i + 1 < start and not _only_particles(
            doc[child.right_edge.i + 1 : start]
        ):
            break
        cut = [t.i for t in doc[left:start] if t.is_punct or t.is_space]
        if cut:  # …に加え、報酬を追加して授受する契約: the clause after the last comma
            commas = doc[cut[-1]].text in ("、", ",", "，") and not any(
                t.text in "「」『』()（）" for t in doc[cut[-1] : start]
            )
            if commas and cut[-1] + 1 < start and child.i > cut[-1]:
                start = cut[-1] + 1
            break
        if last.idx + len(last.text) - doc[left].idx > MAX_DESCRIPTION_CHARS:
            break
        start = left
    while start < anchor and (
        is_number_like(doc[start]) or doc[start].text in name_words().deictic
    ):
        start += 1  # 同日|国交回復の文書: a time word before the description is no part of it
    return start


def _describes(child: Token) -> bool:
    """A modifier that says which agreement: a noun phrase (Xの) or a clause that is no
    report of its making (編入する条約, 協力に関する協定; not 署名した条約)."""
    if child.dep_ in ("nmod", "compound", "amod", "nummod"):
        if [c.text for c in child.children if c.dep_ == "case"] == ["と"]:
            return False  # チリと|漁業協定を締結: the partner (チリとの協定 describes it)
        return not any(t.ent_type_ in ("Date", "Time") for t in child.subtree)
    if child.dep_ == "acl":
        signing = name_words().signing
        return child.lemma_ not in signing and not any(
            c.lemma_ in signing for c in child.children if c.dep_ == "compound"
        )
    return False


def _only_particles(tokens: Span) -> bool:
    return all(t.pos_ in ("ADP", "SCONJ", "AUX") for t in tokens)
