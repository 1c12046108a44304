"""Find entity mentions in a parsed paragraph.

Several finders propose names, each over the finished parse (an equivalent of spaCy's
``entity_ruler`` beside ``ner`` that lets the data change without re-parsing):

* :mod:`~kg.entities.gazetteer_spans`: what the gazetteer knows exactly (aliases,
  titles fused with names, 日米韓, 両首脳, 同条約);
* :mod:`~kg.entities.agreements`: agreements named in 「」 or with an acronym;
* :mod:`~kg.entities.names`: GiNZA's entities with their class corrected by their words,
  and noun compounds headed by an organization's or a place's word (アメリカ海軍);
* :mod:`~kg.entities.persons`: names followed by a title (ソガバレ首相), and titles that
  stand for a person named before (首相は …, resolved by the article's resolver).

**One arbitration rule decides between them: the longest well-formed span wins.**  Spans
are taken longest first (in characters); on a tie the gazetteer wins, then a named
agreement or a name before a person's title, then GiNZA, then a compound.  A span is
well-formed when its finder accepted it (see each module), it does not cut through a
name the gazetteer knows, and it is not merely a list of known names (ロシア・モスクワ).
So アメリカ海軍 is one Organization and not アメリカ, and 国際連合児童基金 is not 国際連合.
What a winning span holds or follows is kept as its ``related`` entities: the state in an
organization's name (アメリカ海軍 → the United States, its organ), an organization in
another's (国際連合児童基金 → the UN), a person in an organization's name (トランプ政権),
the state before a person (ソロモン諸島のソガバレ首相).

Agreements described rather than named (:func:`~kg.entities.agreements.described_agreements`)
come last, over what is left: their phrase may hold other mentions (クリミアをロシアに
編入する条約), which stay.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from kg.entities.agreements import described_agreements, named_agreements
from kg.entities.gazetteer_spans import gazetteer_mentions
from kg.entities.lexicon import (
    HONORIFICS,
    agreement_heads,
    is_katakana,
    name_words,
    ne_label_map,
    title_at,
)
from kg.entities.names import Known, compound_names, ginza_names, quoted_names
from kg.entities.persons import title_references, titled_persons
from kg.gazetteer import Gazetteer, normalize
from kg.model import Mention

__all__ = ["find_mentions", "HONORIFICS", "agreement_heads", "ne_label_map"]

_PARENTHESIS = ("(", "（")
_ACRONYM = re.compile(r"^[A-ZＡ-Ｚ][A-Za-zＡ-Ｚａ-ｚ0-9&.・-]{1,9}$")
# Finders in the order that wins a tie between spans of the same length.
RANKS = {
    "gazetteer": 0,
    "context": 0,
    "pair": 0,
    "counted": 0,
    "definite": 0,
    "abbreviation": 0,
    "title": 0,
    "acronym": 0,
    "pattern": 1,
    "titled": 1,  # a name right before a person's title is a person, whatever GiNZA says
    "ginza": 2,
    "compound": 3,
}
Found = tuple[Span, Mention]


def find_mentions(
    doc: Doc, offset: int, gazetteer: Gazetteer, storms: set[str] | None = None
) -> list[Mention]:
    """All entity mentions of a parsed unit, in text order, offsets in article coordinates.

    ``storms``: the names of storms the article has named so far (ハリケーン・カトリーナ …),
    shared by its units: a later bare use (「カトリーナ」は…上陸した) is no actor either.

    Katakana words Sudachi fused with a state's name before a title are split first (in
    the Doc itself, so that the rules read the same tokens): see :func:`split_fused_states`.
    """
    split_fused_states(doc, gazetteer)
    known_found = gazetteer_mentions(doc, gazetteer)
    known = _known(known_found)
    candidates = [
        *known_found,
        *counted_states(doc),
        *_unknown_agreements(named_agreements(doc), known_found),
        *quoted_names(doc),
        *ginza_names(doc, gazetteer, known),
        *compound_names(doc, gazetteer, known),
        *titled_persons(doc, gazetteer, known),
    ]
    chosen = []
    for span, mention in sorted(arbitrate(candidates, known_found), key=lambda p: p[0].start):
        chosen.append((span, _with_related(span, mention, chosen, known_found, gazetteer)))
    references = [(span, m) for span, m in chosen if m.source == "definite"]
    taken = {i for span, m in chosen if m.source != "definite" for i in range(span.start, span.end)}
    described = described_agreements(doc, taken, frozenset(gazetteer.definites))
    taken |= {i for span, _ in described for i in range(span.start, span.end)}
    states = {
        i: m.entity_id
        for span, m in chosen
        if m.kind == "State" and m.entity_id
        for i in range(span.start, span.end)
    }
    titles = title_references(doc, gazetteer, taken, states)
    chosen = [
        pair for pair in chosen if pair not in references or not _inside_any(pair[0], described)
    ]
    chosen = sorted(chosen + described, key=lambda p: p[0].start)
    chosen = _acronyms(doc, _no_storms(chosen, set() if storms is None else storms))
    chosen += titles
    chosen.sort(key=lambda pair: pair[0].start)
    return [_placed(span, m, offset, gazetteer) for span, m in chosen]


_COUNTED = {
    "State": re.compile(r"^[2-9２-９二三四五六七八九](?:カ|か|ヶ|ケ|ヵ)国$"),
    "Person": re.compile(r"^[2-9２-９二三四五六七八九]人$"),
}
_COUNT_STARTS = frozenset("23456789２３４５６７８９二三四五六七八九")


def counted_states(doc: Doc) -> list[Found]:
    """Counted references to states or persons named before (3カ国を批判, 米英豪の3カ国;
    A氏とB氏、C氏の3人が): the resolver gives them the ones named just before.  Not
    where a noun in front says which they are (アジア3カ国, 周辺4カ国, 日本人3人): those are
    named later, if at all."""
    found = []
    for i in range(len(doc) - 1):
        if doc[i].text[:1] not in _COUNT_STARTS:
            continue
        text, end, kind = "", None, None
        for j in range(i, min(i + 3, len(doc))):
            text += doc[j].text
            kind = next((k for k, pattern in _COUNTED.items() if pattern.match(text)), None)
            if kind is not None:
                end = j + 1
                break
        if end is None:
            continue
        before = doc[i - 1] if i > 0 else None
        if before is not None and before.pos_ in ("NOUN", "PROPN") and before.text != "の":
            continue  # アジア|3カ国: which ones, the noun says
        span = doc[i:end]
        found.append(
            (
                span,
                Mention(span.text, span.start_char, span.end_char, kind, None, source="counted"),
            )
        )
    return found


def split_fused_states(doc: Doc, gazetteer: Gazetteer) -> None:
    """Split katakana words that fuse a name with a state's name (ザハロワロシア|外務省|
    報道官, ジューコフロシアオリンピック|委員会|会長): Sudachi runs unknown katakana
    together.  Only before a title within three words, and only around a state name of
    three or more letters with three or more letters in front of it."""
    states = gazetteer.katakana_states
    splits = []
    for token in doc:
        text = token.text
        if len(text) < 6 or not is_katakana(text) or gazetteer.lookup(text):
            continue
        found = next(((i, name) for name in states for i in [text.find(name, 3)] if i >= 3), None)
        if found is None or not _title_follows(doc, token.i + 1, gazetteer):
            continue
        i, name = found
        pieces = [p for p in (text[:i], name, text[i + len(name) :]) if p]
        splits.append((token, pieces))
    if not splits:
        return
    for token, pieces in reversed(splits):  # GiNZA's per-token data, before indices shift
        _shift_ginza_data(doc, token.i, len(pieces) - 1)
    with doc.retokenize() as retokenizer:
        for token, pieces in splits:
            last = len(pieces) - 1
            heads = [(token, n + 1) for n in range(last)] + [
                token.head if token.head.i != token.i else (token, last)
            ]
            tags = ["名詞-固有名詞-人名-姓", "名詞-固有名詞-地名-国", token.tag_][: len(pieces)]
            retokenizer.split(
                token,
                pieces,
                heads=heads,
                attrs={
                    "TAG": tags,
                    "POS": ["PROPN"] * last + [token.pos_],
                    "DEP": ["compound"] * last + [token.dep_],
                    "LEMMA": pieces,
                },
            )


def _shift_ginza_data(doc: Doc, i: int, added: int) -> None:
    """Make room in GiNZA's per-token lists (bunsetu and clause data in ``doc.user_data``)
    for ``added`` tokens split off after token ``i``: they join token ``i``'s bunsetu."""
    data = doc.user_data

    def shifted(j: int) -> int:
        return j + added if j > i else j

    if isinstance(data.get("bunsetu_bi_labels"), list):
        data["bunsetu_bi_labels"][i + 1 : i + 1] = ["I"] * added
    if isinstance(data.get("bunsetu_position_types"), list):
        data["bunsetu_position_types"][i:i] = ["CONT"] * added
    if isinstance(data.get("sub_tokens"), list):
        data["sub_tokens"][i + 1 : i + 1] = [[[], []] for _ in range(added)]
    if "bunsetu_heads" in data:
        data["bunsetu_heads"] = type(data["bunsetu_heads"])(
            shifted(j) + (added if j == i else 0) for j in data["bunsetu_heads"]
        )
    if isinstance(data.get("clause_heads"), list):
        heads = [shifted(j) for j in data["clause_heads"]]
        heads[i + 1 : i + 1] = [heads[i]] * added
        data["clause_heads"] = heads
    if isinstance(data.get("clauses"), dict):
        data["clauses"] = {
            shifted(head): sorted(
                {shifted(j) for j in members}
                | ({i + n for n in range(1, added + 1)} if i in members else set())
            )
            for head, members in data["clauses"].items()
        }


def _title_follows(doc: Doc, i: int, gazetteer: Gazetteer) -> bool:
    """Whether a title starts within the three words from ``i`` (…|外務省|報道官)."""
    return any(title_at(doc, j, gazetteer) for j in range(i, min(i + 3, len(doc))))


def arbitrate(candidates: list[Found], known: list[Found]) -> list[Found]:
    """The longest well-formed spans, none overlapping another (see the module docstring).

    A candidate that cuts through a gazetteer name (overlaps it without holding it) is
    not well-formed and never chosen.
    """
    names = [(span.start, span.end) for span, _ in known]
    covered = {i for span, _ in known for i in range(span.start, span.end)}
    chosen: list[Found] = []
    taken: set[int] = set()
    order = sorted(
        candidates,
        key=lambda pair: (
            -(pair[1].end - pair[1].start),
            RANKS.get(pair[1].source, 9),
            pair[0].start,
        ),
    )
    for span, mention in order:
        if any(i in taken for i in range(span.start, span.end)):
            continue
        if any(_cuts(span, start, end) for start, end in names):
            continue
        if RANKS.get(mention.source) != 0 and _list_of_known(span, known, covered):
            continue
        chosen.append((span, mention))
        taken.update(range(span.start, span.end))
    return chosen


def _list_of_known(span: Span, known: list[Found], covered: set[int]) -> bool:
    """A span made of two or more known names and nothing but joiners between them
    (ロシア・モスクワ), or of known names one of which only refers (米比|両国) or is a
    person (金正恩|朝鮮労働党): a list, whose members win.  A state and an organization
    written together with no joiner (スーダン|解放軍) are one name."""
    inside = [m for s, m in known if span.start <= s.start and s.end <= span.end]
    rest = [t for t in span if t.i not in covered]
    if len(inside) < 2 or not all(t.is_punct or t.text in ("・", "と", "、") for t in rest):
        return False
    refers = any(m.source in ("pair", "definite", "abbreviation") for m in inside)
    person = any(m.kind == "Person" for m in inside)  # 金正恩|朝鮮労働党|総書記
    return bool(rest) or refers or person


def _no_storms(chosen: list[Found], names: set[str]) -> list[Found]:
    """The mentions less the names of storms: a name right after a weather word, with only
    numbers, brackets, the storm's other name or …となった between (台風21号「ドリアン」
    (Durian), ハリケーン・ウィルマ, ハリケーンとなった「アーネスト」) is no actor, nor a
    name in ``names`` (the storms named before; this unit's are added to it)."""
    weather = name_words().weather
    if chosen:
        names.update(_storms_named(chosen[0][0].doc, weather))
    kept, storms = [], set()
    for span, mention in chosen:
        if RANKS.get(mention.source) != 0 and (
            mention.text.startswith(weather)
            or _after_weather(span, weather, storms)
            or _storm_name(mention.text, weather) in names
        ):
            storms.update(range(span.start, span.end))
            names.add(_storm_name(mention.text, weather))
            continue
        kept.append((span, mention))
    return kept


def _storms_named(doc: Doc, weather: tuple[str, ...]) -> set[str]:
    """The katakana names written right after a weather word (ハリケーン・カトリーナ,
    台風18号「マンクット」)."""
    found = set()
    for token in doc:
        if not token.text.startswith(weather):
            continue
        rest = token.text[len(next(w for w in weather if token.text.startswith(w))) :]
        if rest.lstrip("・") and is_katakana(rest.lstrip("・")):
            found.add(rest.lstrip("・"))
            continue
        for following in doc[token.i + 1 : token.i + 6]:
            if is_katakana(following.text) and following.text not in _STORM_GLUE:
                found.add(following.text)
                break
            if not (following.text in _STORM_GLUE or following.like_num):
                break
    return found


def _storm_name(text: str, weather: tuple[str, ...]) -> str:
    """A storm's own name, its weather word cut (ハリケーン・カトリーナ → カトリーナ)."""
    for word in weather:
        if text.startswith(word):
            return text[len(word) :].lstrip("・ ")
    return text


_STORM_GLUE = frozenset("「」『』()（）・、 号第") | {"と", "なっ", "た", "に"}


def _after_weather(span: Span, weather: tuple[str, ...], storms: set[int]) -> bool:
    opening = _bracket_opening(span)  # 台風21号(アジア名:ドリアン、Durian)
    start = span.start if opening is None else opening
    quoted = False  # inside 「…」 read backwards: the storm's name in Japanese
    for i in range(start - 1, max(-1, start - 10), -1):
        token = span.doc[i]
        if token.text.startswith(weather):
            return True
        if token.text in ("」", "』"):
            quoted = True
        elif token.text in ("「", "『"):
            quoted = False
        glue = (
            token.text in _STORM_GLUE
            or token.like_num
            or i in storms
            or token.is_space
            or is_katakana(token.text)  # ハリケーン・イルマ(Irma): the name in katakana
        )
        if not (glue or quoted):
            return False
    return False


def _bracket_opening(span: Span) -> int | None:
    """The index of the round bracket the span stands in, if it opened a few tokens before."""
    for i in range(span.start - 1, max(-1, span.start - 8), -1):
        text = span.doc[i].text
        if text in ("(", "（"):
            return i
        if text in (")", "）", "。"):
            return None
    return None


def _acronyms(doc: Doc, chosen: list[Found]) -> list[Found]:
    """A short form in parentheses right after a name (アフリカ連合(AU), 正義と平等運動
    (JEM)) is that name's acronym in the article: found or not by a finder, it becomes a
    mention the resolver gives the name's entity, and later uses of it too."""
    ends = {span.end: mention for span, mention in chosen}
    by_start = {pair[0].start: pair for pair in chosen}
    out = [pair for pair in chosen]
    for i in range(1, len(doc) - 2):
        named = i if doc[i - 1].text not in "」』" else i - 1  # 「正義と平等運動」(JEM)
        if doc[i].text not in _PARENTHESIS or named not in ends:
            continue
        close = next((j for j in range(i + 2, min(i + 5, len(doc))) if doc[j].text in ")）"), None)
        if close is None:
            continue
        span = doc[i + 1 : close]
        if not _ACRONYM.match(span.text):
            continue
        mention = Mention(
            span.text, span.start_char, span.end_char, ends[named].kind, None, source="acronym"
        )
        out = [p for p in out if p is not by_start.get(span.start) or p[0].end != span.end]
        out.append((span, mention))
    return out


def _inside_any(span: Span, others: list[Found]) -> bool:
    return any(o.start <= span.start and span.end <= o.end for o, _ in others)


def _cuts(span: Span, start: int, end: int) -> bool:
    overlaps = span.start < end and start < span.end
    holds = span.start <= start and end <= span.end
    inside = start <= span.start and span.end <= end
    return overlaps and not holds and not inside


def _unknown_agreements(named: list[Found], known: list[Found]) -> list[Found]:
    """Named agreements, less those holding an agreement the gazetteer knows."""
    return [
        (span, m)
        for span, m in named
        if not any(
            k.kind == "Agreement" and span.start <= s.start and s.end <= span.end for s, k in known
        )
    ]


def _known(found: list[Found]) -> Known:
    ids: dict[int, tuple[str, ...]] = {}
    kinds: dict[int, str] = {}
    for span, mention in found:
        entity_ids = mention.members or ((mention.entity_id,) if mention.entity_id else ())
        for token in span:
            ids[token.i] = entity_ids
            kinds[token.i] = mention.kind
    return Known(ids, kinds)


def _with_related(
    span: Span, mention: Mention, chosen: list[Found], known: list[Found], gaz: Gazetteer
) -> Mention:
    """The mention with the known entities its name holds (アメリカ海軍 → the US), or, when
    it holds none, the state named right before it (ソロモン諸島の|ソガバレ首相, 米|ブリンケン,
    シンガポールの|チャンギ国際空港)."""
    if RANKS.get(mention.source) == 0:
        return mention
    related: list[str] = []
    if mention.kind != "Person":
        for inner, found in known:
            if span.start <= inner.start and inner.end <= span.end and found is not mention:
                related.extend(found.members or ((found.entity_id,) if found.entity_id else ()))
    if not related and mention.kind in ("Person", "Place", "Organization"):
        related = _state_before(span, chosen, gaz, mention.kind)
    if not related:
        return mention
    return _replace(mention, related=tuple(dict.fromkeys(related)))


def _state_before(span: Span, chosen: list[Found], gaz: Gazetteer, kind: str) -> list[str]:
    """The state of the mention right before a name of class ``kind``, adjacent or with の
    (``chosen``: the mentions before it); a city's state for a place in it (台北の|松山空港)."""
    doc = span.doc
    for before, mention in chosen[-1:]:
        gap = doc[before.end : span.start]
        if before.end > span.start or len(gap) > 1 or gap and gap[0].text != "の":
            continue
        candidates = list(mention.members) or [mention.entity_id or ""]
        candidates += list(mention.related) if mention.kind == "Organization" else []
        for entity_id in candidates:
            state = gaz.state_of(entity_id) if entity_id else None
            if state and (
                mention.kind in ("State", "Organization")
                or mention.kind == "Place"
                and kind in ("Place", "Organization")
            ):
                return [state]
    return []


def _replace(mention: Mention, **changes: object) -> Mention:
    from dataclasses import replace

    return replace(mention, **changes)


def _placed(span: Span, mention: Mention, offset: int, gaz: Gazetteer) -> Mention:
    """The mention in article coordinates, with a person's title read after the name."""
    title = mention.title
    if mention.kind == "Person" and title is None:
        rest = span.doc.text[mention.end :]
        if rest.startswith(_PARENTHESIS):  # 金正恩(キム・ジョンウン)総書記
            close = min((rest.find(c) for c in ")）" if c in rest), default=-1)
            rest = rest[close + 1 :] if 0 < close <= 30 else rest
        title = gaz.title_at(normalize(rest[:20]))
    title_state = _title_state(title, gaz)
    related = mention.related
    if title_state and title_state not in related:
        related = (*related, title_state)
    return _replace(
        mention,
        start=mention.start + offset,
        end=mention.end + offset,
        title=title,
        related=related,
        anchor=None if mention.anchor is None else mention.anchor + offset,
    )


def _title_state(title: str | None, gaz: Gazetteer) -> str | None:
    """The state a title names in front (米国務長官 → the United States)."""
    if title and len(title) > 2 and title[0] in gaz.abbreviations:
        return gaz.abbreviations[title[0]]
    return None
