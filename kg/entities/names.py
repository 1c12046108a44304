"""Names the gazetteer does not know: GiNZA's spans with their class corrected, and noun
compounds headed by an organization's or a place's word.

GiNZA finds many spans right and labels them wrong (朝鮮中央通信 as a Person, アメリカ海軍
as a School), so a span's class comes from its words first: the head word of the
compound (``ontology/names.yaml``: 通信, 海軍, 党 → Organization; 州, 島 → Place), then
Sudachi's tags (a Person is made of name words), and only then GiNZA's label.  A span is
a name when a word in it is a proper noun, katakana, Latin letters or a known name, or,
for a compound of common nouns (国際原子力機関, 国土交通省), when GiNZA marked exactly
that span and a head word gives its class.  Lists (民主党・社民党・日本共産党) are split
into their members.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from kg.entities.lexicon import (
    HONORIFICS,
    NAME_JOINERS,
    agreement_heads,
    is_katakana,
    is_latin,
    is_nounish,
    is_person_name,
    is_proper,
    looks_named,
    name_words,
    ne_label_map,
    title_at,
)
from kg.gazetteer import Gazetteer, normalize
from kg.model import Mention

_BRACKETS = frozenset("「」『』（）()[]【】〈〉《》\"'“”")
_BREAKS = frozenset("、。，,！？!?：:；;.．")


@dataclass(frozen=True)
class Known:
    """The gazetteer's matches of a unit, by token: what compounds may contain."""

    ids: dict[int, tuple[str, ...]]  # token index → entity ids of the name it is in
    kinds: dict[int, str]

    def named(self, token: Token) -> bool:
        return token.i in self.ids


def ginza_names(doc: Doc, gaz: Gazetteer, known: Known) -> list[tuple[Span, Mention]]:
    """GiNZA's entities as mentions, class by their words, lists split into members."""
    labels = ne_label_map()
    found = []
    for ent in doc.ents:
        label_kind = labels.get(ent.label_)
        for piece in _members(ent, known):
            span = _trimmed(piece)
            if span is None or _apposition_to_known(span, known):
                continue
            person = _person_before_body(span, gaz, known)
            if person is not None:  # バッハ|国際オリンピック委員会|会長
                found.append(person)
                span = span.doc[person[0].end : span.end]
                label_kind = None
            mention = _classified(span, label_kind, gaz, known, from_ginza=True)
            if mention is not None:
                found.append(mention)
    return found


def _apposition_to_known(span: Span, known: Known) -> bool:
    """隣国ラオス, 首都キーウ: a common noun set before a name the gazetteer knows; the
    gazetteer's mention of the name stands, the span is no name of its own."""
    words = name_words().appositive
    for cut in range(span.start + 1, min(span.end, span.start + 3)):
        if span.doc[span.start : cut].text in words:
            rest = span.doc[cut : span.end]
            ids = {known.ids.get(t.i) for t in rest}
            return len(ids) == 1 and None not in ids
    return False


def compound_names(doc: Doc, gaz: Gazetteer, known: Known) -> list[tuple[Span, Mention]]:
    """Noun compounds headed by an organization's or a place's word, with a name in front
    (アメリカ海軍, 吉川工業, ロシア国防省, 米軍), found whether GiNZA marked them or not."""
    words = name_words()
    found = [_proper_organization(token, known) for token in doc]
    found = [pair for pair in found if pair is not None]
    for end in range(1, len(doc) + 1):
        head = _head_start(doc, end, words.organizations | words.places)
        proper = False
        if head is None and _proper_organization(doc[end - 1], known) is not None:
            head, proper = end - 1, True  # デンマーク|社会民主党: a proper noun, a head's ending
        if head is None:
            continue
        start = head
        while start > 0 and is_nounish(doc[start - 1]) and not _list_joiner(doc, start - 1):
            start -= 1
        while start < head and (
            doc[start].text in words.deictic | NAME_JOINERS
            or doc[start].text in words.generic
            and not any(looks_named(t) or known.named(t) for t in doc[start + 1 : head + 1])
        ):
            start += 1  # 同|省, 地元|警察; not 国際|陸上競技連盟
        start = _past_ordinal(doc, start, head)
        if start == head:
            continue
        span = doc[start:end]
        proper = proper or head < end and doc[head].text not in words.organizations | words.places
        if not any(looks_named(t) or known.named(t) for t in doc[start : head + proper]):
            continue  # (国際|陸上競技連盟: the proper noun ending in the head names it)
        person = _person_before_body(span, gaz, known)
        if person is not None:  # バッハ|国際オリンピック委員会|会長
            found.append(person)
            span = doc[person[0].end : end]
        mention = _classified(span, None, gaz, known, from_ginza=False)
        if mention is not None and mention[1].kind in ("Organization", "Place"):
            found.append(mention)
    return found


def _person_before_body(span: Span, gaz: Gazetteer, known: Known) -> tuple[Span, Mention] | None:
    """A person's name fused with the body whose title follows the span (バッハ|国際オリン
    ピック委員会|会長, ポズドニャコフ|ロシアオリンピック委員会|会長): the name, as a
    titled Person; the caller keeps the body.  None unless a title follows and the span
    opens with name words (人名, or katakana no one knows) before a known name or a body."""
    doc = span.doc
    title = title_at(doc, span.end, gaz)
    if title is None:
        return None
    end = span.start
    while (
        end < span.end - 1
        and not known.named(doc[end])
        and (
            is_person_name(doc[end])
            or is_katakana(doc[end].text)
            and _suffix_kind(doc[end].text) is None
        )
    ):
        end += 1
    if end == span.start or end == span.end:
        return None
    rest = doc[end : span.end]
    if not (known.named(rest[0]) or _suffix_kind(rest.text) == "Organization"):
        return None
    name = doc[span.start : end]
    if len(name) == 1 and not is_person_name(name[0]) and len(name.text) < 3:
        return None
    mention = Mention(
        name.text, name.start_char, name.end_char, "Person", None, title=title, source="titled"
    )
    return name, mention


def _person_before_title(
    doc: Doc, start: int, head: int, end: int, gaz: Gazetteer, known: Known
) -> bool:
    """Whether a compound's head word begins a title (党|書記長) and the words before it
    are a person's name, not a known state or body (ロシア|外務省報道官 stays a body)."""
    title = title_at(doc, head, gaz)
    if title is None or len(title) <= len(normalize(doc[head:end].text)):
        return False
    name = doc[start:head]
    kinds = [known.kinds.get(t.i) for t in name]
    return not any(kind not in (None, "Person") for kind in kinds) and any(
        kind == "Person" or is_person_name(t) or is_katakana(t.text)
        for kind, t in zip(kinds, name, strict=True)
    )


def _proper_organization(token: Token, known: Known) -> tuple[Span, Mention] | None:
    """One proper noun with an organization's ending (北海道新聞, 社民党, 阪急電鉄)."""
    if not is_proper(token) or is_person_name(token) or known.named(token):
        return None
    if _suffix_kind(token.text) != "Organization" or _generic_prefix(token.text):
        return None
    span = token.doc[token.i : token.i + 1]
    mention = Mention(
        token.text,
        token.idx,
        token.idx + len(token.text),
        "Organization",
        None,
        source="compound",
        organ=is_organ(token.text),
    )
    return span, mention


def quoted_names(doc: Doc) -> list[tuple[Span, Mention]]:
    """Names in 「」 right after the noun of their class (反政府組織「正義と平等運動」,
    日曜紙「サンデー・インディペンデント」, 新協定「…パートナーシップ」)."""
    classes = name_words().quoted_classes
    found = []
    for i, token in enumerate(doc[:-2]):
        if doc[i + 1].text != "「" or token.pos_ not in ("NOUN", "PROPN"):
            continue
        kind = next((k for noun, k in classes if token.text.endswith(noun)), None)
        close = next((j for j in range(i + 2, min(i + 30, len(doc))) if doc[j].text == "」"), None)
        if kind is None or close is None or close == i + 2:
            continue
        span = doc[i + 2 : close]
        if any(t.text in "「」、。" for t in span) or len(span.text) > 40:
            continue
        found.append(
            (span, Mention(span.text, span.start_char, span.end_char, kind, None, source="pattern"))
        )
    return found + _quoted_before_suffix(doc)


def _quoted_before_suffix(doc: Doc) -> list[tuple[Span, Mention]]:
    """Names in 「」 right before a word that says their class (「ビルト」紙), each name of
    a run of them (「コリエーレ・デッラ・セーラ」「ラ・レプブリカ」紙)."""
    suffixes = dict(name_words().quoted_suffixes)
    found = []
    for i, token in enumerate(doc[1:], 1):
        kind = suffixes.get(token.text)
        close = i - 1
        while kind is not None and close > 0 and doc[close].text == "」":
            start = next(
                (j for j in range(close - 1, max(-1, close - 30), -1) if doc[j].text in "「」"),
                None,
            )
            if start is None or doc[start].text != "「" or start + 1 == close:
                break
            span = doc[start + 1 : close]
            if any(t.text in "、。" for t in span) or len(span.text) > 40:
                break
            found.append(
                (
                    span,
                    Mention(
                        span.text, span.start_char, span.end_char, kind, None, source="pattern"
                    ),
                )
            )
            close = start - 1
    return found


def _list_joiner(doc: Doc, i: int) -> bool:
    """A ・ that joins two names in a list (自由党・保守党), not the parts of one name: the
    word before it ends in an organization's or a place's word."""
    if doc[i].text not in NAME_JOINERS or i == 0:
        return False
    before = doc[i - 1].text
    if _suffix_kind(before) is not None or before.isascii() and before.isupper():
        return True  # 自由党・保守党, JR・滋賀県
    words = name_words()
    head = _head_start(doc, i, words.organizations | words.places)  # 滋賀|県|・甲賀市
    return head is not None and head > 0 and is_nounish(doc[head - 1])


def _head_start(doc: Doc, end: int, heads: frozenset[str]) -> int | None:
    """Where the head word ending at token ``end`` starts (the longest listed word made
    of whole tokens: 国防|総省, 省), or None."""
    best = None
    text = ""
    for start in range(end - 1, max(-1, end - 4), -1):
        text = doc[start].text + text
        if text in heads:
            best = start
    return best


def _members(ent: Span, known: Known) -> Iterator[Span]:
    """A span, or its members when it lists several names (民主党・社民党・日本共産党,
    ロシア・モスクワ): pieces between joiners, each a known name or headed by a head word."""
    words = name_words()
    heads = words.organizations | words.places
    cuts = [t.i for t in ent if t.text in NAME_JOINERS | {"、"}]
    if not cuts:
        yield ent
        return
    bounds = [ent.start, *[c + 1 for c in cuts]]
    pieces = [ent.doc[a:b] for a, b in zip(bounds, [*cuts, ent.end], strict=True)]
    named = [
        bool(p)
        and (
            all(known.named(t) for t in p)
            or _head_start(ent.doc, p.end, heads) is not None
            and p.end - p.start > 1
            or len(p) == 1
            and _suffix_kind(p.text) is not None
            or all(is_person_name(t) and not is_katakana(t.text) for t in p)  # 西沢・高木
        )
        for p in pieces
    ]
    if sum(named) >= 2 and all(named):
        yield from pieces
    else:
        yield ent


def _trimmed(span: Span) -> Span | None:
    """The span without brackets, punctuation or honorifics at its ends; None if it holds
    a break (、。) or a bracket inside (a clause, a quotation, a headline fragment)."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].text in _BRACKETS or doc[start].is_space):
        start += 1
    endings = name_words().not_endings
    while end > start and (
        doc[end - 1].text in _BRACKETS | _BREAKS | endings or doc[end - 1].is_space
    ):
        end -= 1
    start = _past_ordinal(doc, start, end)
    inner = doc[start:end]
    if not inner or any(t.text in _BRACKETS | _BREAKS or t.is_space for t in inner):
        return None
    return inner


_ORDINAL_COUNTERS = ("回", "次", "期", "度")


def _past_ordinal(doc: Doc, start: int, end: int) -> int:
    """Where a span starts past an ordinal of meetings in front of it (第12回|南アジア…;
    a 第7艦隊 keeps its number: 艦隊 is no meeting counter)."""
    i = start
    while i < end and (doc[i].text == "第" or doc[i].like_num):
        i += 1
    if i < end - 1 and doc[i].text in _ORDINAL_COUNTERS:
        return i + 1
    return start


def _ends_in_title(span: Span, gaz: Gazetteer) -> bool:
    """Whether a span is a name and the person's title after it (ベナニ|外相)."""
    doc = span.doc
    for i in range(span.start + 1, span.end):
        title = title_at(doc, i, gaz)
        if title is not None and len(normalize(doc[i : span.end].text)) == len(title):
            return True
    return False


def _classified(
    span: Span, label_kind: str | None, gaz: Gazetteer, known: Known, from_ginza: bool
) -> tuple[Span, Mention] | None:
    """The mention a span makes, with the class its words give it; None if no name."""
    words = name_words()
    head = _head_start(span.doc, span.end, words.organizations | words.places)
    kind = None
    if head is not None and head > span.start:
        if _person_before_title(span.doc, span.start, head, span.end, gaz, known):
            return None  # 金英哲|党副委員長: the head word begins a person's title
        kind = words.head_kind(span.doc[head : span.end].text)
        if span.doc[head : span.end].text == words.province:
            kind = "Place" if _place_word(span.doc[head - 1]) else "Organization"
    elif from_ginza and _tagged_person(span, label_kind):
        kind = "Person"
    elif len(span) > 1 and _proper_organization(span[-1], known) is not None:
        kind, head = "Organization", span.end - 1  # デンマーク|社会民主党
    elif len(span) == 1 and not is_person_name(span[0]):
        kind = _suffix_kind(span[0].text)  # one word: 朝鮮中央通信, 公明党, 国土交通省
        head = span.start if kind else None
    if kind is None:
        kind = label_kind
        if kind in ("Organization", "Place") and _ends_in_title(span, gaz):
            return None  # ベナニ外相 labelled an organization: a person, whom titles find
        if kind in ("Organization", "Place") and span.text.endswith(tuple(words.agreements)):
            kind = "Agreement"  # アフリカ大陸自由貿易圏 labelled an organization or a place
        if (
            kind == "Organization"
            and from_ginza
            and len(span) > 1
            and "サ変" in span[-1].tag_
            and span[-1].text not in words.body_verbal_nouns
            and not is_katakana(span[-1].text)
            and not span.text.startswith(("株式会社", "有限会社"))
        ):
            return None  # コーラン焼却: an act named after its object, no body
    if kind is None or kind == "Agreement" and not span.text.endswith(agreement_heads()):
        return None
    if span.text.startswith(words.weather) or span.text in words.not_names:
        return None  # ハリケーン・ウィルマ, UTC: no actor
    if kind == "Person":
        span = _person_name(span, gaz, known, labelled=label_kind == "Person")
        if span is None:
            return None
    elif kind == "State" and not _state_like(span, known):
        kind = "Place"
    if not _is_name(span, head, from_ginza, known):
        return None
    organ = kind == "Organization" and is_organ(span.text)
    text, state = span.text, None
    if kind == "Person":
        text, state = split_state_suffix(text, gaz)
    mention = Mention(
        text,
        span.start_char,
        span.start_char + len(text),
        kind,
        None,
        source="ginza" if from_ginza else "compound",
        organ=organ,
        related=(state,) if state else (),
    )
    return span, mention


def is_organ(name: str) -> bool:
    """Whether an organization's name ends in a word for a body that acts for its state.

    >>> is_organ("アメリカ海軍"), is_organ("国土交通省"), is_organ("日本民主党")
    (True, True, False)
    """
    return any(name.endswith(head) for head in name_words().organs)


def _suffix_kind(text: str) -> str | None:
    """The class a single proper noun's ending gives it (公明党, 時事通信社, 阪急電鉄).

    >>> _suffix_kind("朝鮮中央通信"), _suffix_kind("ミネソタ州"), _suffix_kind("ペロシ")
    ('Organization', 'Place', None)
    """
    words = name_words()
    for size in range(min(len(text) - 1, words.longest_head), 0, -1):
        kind = words.head_kind(text[-size:])
        if kind is not None:
            return kind
    return None


def _place_word(token: Token) -> bool:
    return "地名" in token.tag_ and "国" not in token.tag_.split("-")


def _state_like(span: Span, known: Known) -> bool:
    """A Country span the gazetteer does not know is a state only as one country word."""
    return len(span) == 1 and "地名-国" in span[0].tag_


def _person_name(span: Span, gaz: Gazetteer, known: Known, labelled: bool) -> Span | None:
    """The person's name in a span: the states and titles around it cut off (米ブリンケン
    国務長官 → ブリンケン), a given name after a surname and the parts of a foreign name
    joined by ・ taken in (小宮山|昌友, ヨハン・フリードリヒ|・ヘルバルト); None unless it is
    made of name words.  ``labelled``: GiNZA labelled the span a Person."""
    doc = span.doc
    start, end = span.start, span.end
    while start < end and (known.kinds.get(start) == "State" or doc[start].text in NAME_JOINERS):
        start += 1
    while end > start and (
        doc[end - 1].text in HONORIFICS
        or doc[end - 1].text in NAME_JOINERS
        or known.kinds.get(end - 1) in ("State", "Organization")  # アモリム|ブラジル外相
    ):
        end -= 1
    end = _before_title(doc, start, end, gaz)
    while end - start > 1 and not _name_word(doc[start]):
        start += 1  # 指導者|エルネスト, FW|大久保
    if end - start > 1 and is_latin(doc[start].text) and not is_latin(doc[start + 1].text):
        start += 1
    while end - start > 1 and not _name_word(doc[end - 1]):
        end -= 1
    if start >= end:
        return None
    start, end = _whole_name(doc, start, end, known)
    name = doc[start:end]
    if not all(_name_word(t) for t in name):
        return None
    if not (
        any(is_person_name(t) for t in name)
        or labelled
        and any(is_katakana(t.text) or is_latin(t.text) or is_proper(t) for t in name)
    ):
        return None
    if len(name) == 1 and is_latin(name.text) and name.text.isupper():
        return None  # CNN, FIFA: acronyms name organizations
    return name


def _before_title(doc: Doc, start: int, end: int, gaz: Gazetteer) -> int:
    """Where a title at the end of ``doc[start:end]`` begins (…大統領), or ``end``."""
    for cut in range(start + 1, end):
        rest = normalize(doc[cut:end].text)
        if gaz.title_at(rest) == rest:
            return cut
    return end


def _whole_name(doc: Doc, start: int, end: int, known: Known) -> tuple[int, int]:
    """The name widened over a given name after a surname (小宮山|昌友) and over foreign
    name parts joined by ・ on either side (ヨハン・フリードリヒ|・ヘルバルト)."""
    while end < len(doc) and not known.named(doc[end]):
        token = doc[end]
        if "人名-名" in token.tag_ and "人名-姓" in doc[end - 1].tag_:
            end += 1
        elif (
            token.text in NAME_JOINERS
            and end + 1 < len(doc)
            and _foreign(doc[end + 1])
            and _foreign(doc[end - 1])
            and not known.named(doc[end + 1])  # クライスキー|・オーストリア: a state follows
        ):
            end += 2
        else:
            break
    while start >= 2 and doc[start - 1].text in NAME_JOINERS and _foreign(doc[start - 2]):
        if not _foreign(doc[start]) or known.named(doc[start - 2]):
            break
        start -= 2
    return start, end


def _foreign(token: Token) -> bool:
    """A word of a foreign name: katakana or Latin letters, not a common word."""
    return (is_katakana(token.text) or is_latin(token.text)) and token.text not in (
        name_words().not_names
    )


def _tagged_person(span: Span, label_kind: str | None) -> bool:
    """Whether Sudachi's tags make a span a person's name whatever GiNZA's label says:
    all its words are 人名, and it is a whole name (姓 and 名, or a foreign name) or
    GiNZA called it a Person (a lone surname may be a place: 大月, 山口)."""
    words = [t for t in span if t.text not in NAME_JOINERS]
    if not words or not all(is_person_name(t) for t in words):
        return False
    whole = len(words) >= 2 or "人名-一般" in words[0].tag_
    return whole or label_kind == "Person"


def _name_word(token: Token) -> bool:
    """A word a person's name can be made of."""
    return (
        is_person_name(token)
        or is_katakana(token.text)
        or is_latin(token.text)
        or token.text in NAME_JOINERS
        or is_proper(token)
        and "地名" not in token.tag_
    )


def _is_name(span: Span, head: int | None, from_ginza: bool, known: Known) -> bool:
    """Whether a span names something rather than describing it (当局者, 地元警察)."""
    modifiers = [t for t in span if head is None or t.i < head] or list(span)
    if any(looks_named(t) or known.named(t) for t in modifiers):
        return True
    words = name_words()
    if (
        not from_ginza
        and head is not None
        and head == span.end - 1
        and is_proper(span.doc[head])
        and span.doc[head].text not in words.organizations | words.places
    ):
        return True  # 国際|陸上競技連盟: a proper noun ending in a head word names it
    if head is None or not from_ginza or len(span.text) < 3:
        return False
    if head == span.start:  # one word with a head's ending: 国土交通省, not 同省
        weak = any(span.text.endswith(w) for w in words.weak)
        return _suffix_kind(span.text) is not None and not weak and not _generic_prefix(span.text)
    if span.doc[head : span.end].text in words.weak:
        return False  # 調査団, 救助隊: a group, not a name
    return any(t.text not in words.generic for t in modifiers)


def _generic_prefix(text: str) -> bool:
    """A word made of a generic modifier and a head (同省, 各党, 両軍)."""
    words = name_words()
    return any(text.startswith(g) and words.head_kind(text[len(g) :]) for g in words.generic)


def split_state_suffix(name: str, gaz: Gazetteer) -> tuple[str, str | None]:
    """A person's name the tokenizer fused with the state or organization written after
    it (アモリムブラジル外相 → アモリム and Brazil; 潘基文国際連合事務総長 → 潘基文 and the UN),
    or the name as it is.

    >>> from kg.gazetteer import load_gazetteer
    >>> split_state_suffix("ケルソ・アモリムブラジル", load_gazetteer())
    ('ケルソ・アモリム', 'Brazil')
    >>> split_state_suffix("潘基文国際連合", load_gazetteer())
    ('潘基文', 'United_Nations')
    >>> split_state_suffix("チェ・ソンヒ", load_gazetteer())
    ('チェ・ソンヒ', None)
    """
    for cut in range(2, len(name) - 2):
        entity_id = gaz.aliases.get(normalize(name[cut:]))
        if entity_id and gaz.entries[entity_id].kind in ("State", "Organization"):
            return name[:cut].rstrip("・"), entity_id
    return name, None
