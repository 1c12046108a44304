"""Names the gazetteer knows exactly, matched over the parse's token boundaries.

So 米国務長官, which Sudachi splits 米|国務|長官, yields 米 and never 米国; the longest
alias wins left to right (金日成広場 beats 金日成).  Besides canonical names and aliases
it finds names fused with the title after them (トランプ大統領), short forms that need
context (金氏), 両首脳-style pairs, 同条約-style definites and abbreviation compounds
(日米韓).
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from kg.entities.lexicon import HONORIFICS
from kg.gazetteer import Gazetteer, normalize
from kg.model import Mention

MAX_ALIAS_TOKENS = 12


def gazetteer_mentions(doc: Doc, gaz: Gazetteer) -> list[tuple[Span, Mention]]:
    """Longest gazetteer matches over token boundaries, left to right.

    Keys grow token by token and stop as soon as they are no prefix of any known
    surface form, so only spans that can match are ever built.
    """
    pieces = [normalize(token.text) for token in doc]
    found: list[tuple[Span, Mention]] = []
    i = 0
    while i < len(doc):
        best: tuple[int, Mention] | None = None
        for j in _candidate_ends(pieces, i, gaz):
            match = _match(doc[i:j], gaz)
            if match is not None and (best is None or j > best[0]):
                best = (j, match)
        if best is None:
            i += 1
            continue
        found.append((doc[i : best[0]], best[1]))
        i = best[0]
    return found


def _candidate_ends(pieces: list[str], start: int, gaz: Gazetteer) -> list[int]:
    """Span ends worth testing from token ``start``: keys that are known surface forms,
    a name fused with the title after it, or a run of state abbreviations."""
    ends = []
    key = ""
    stop = min(len(pieces), start + MAX_ALIAS_TOKENS)
    for j in range(start, stop):
        piece = pieces[j]
        if any(key + piece[:cut] in gaz.name_keys for cut in range(1, len(piece))):
            ends.append(j + 1)  # トランプ大統領, 金正|恩氏: the name ends inside this token
        key += piece
        if key in gaz.surface_keys:
            ends.append(j + 1)
        if key not in gaz.prefixes:
            break
    key = ""
    for j in range(start, stop):
        key += pieces[j]
        if not key or not all(c in gaz.abbreviation_chars for c in key) or len(key) > 5:
            break
        ends.append(j + 1)
    return ends


def _match(span: Span, gaz: Gazetteer) -> Mention | None:
    key = normalize("".join(t.text for t in span))
    if not key or len(key) > gaz.max_alias_len + 1 and not _all_abbreviations(key, gaz):
        return None
    entity_id = gaz.aliases.get(key)
    if entity_id is not None:
        kind = gaz.entries[entity_id].kind
        return Mention(span.text, span.start_char, span.end_char, kind, entity_id)
    named = _name_before_title(span, key, gaz)
    if named is not None:
        return named
    if key in gaz.pairs:
        return Mention(
            span.text, span.start_char, span.end_char, gaz.pairs[key], None, source="pair"
        )
    if key in gaz.definites and _stands_alone(span):
        return Mention(
            span.text, span.start_char, span.end_char, gaz.definites[key], None, source="definite"
        )
    if key in gaz.context_aliases:
        kind = gaz.entries[gaz.context_aliases[key][0]].kind
        return Mention(span.text, span.start_char, span.end_char, kind, None, source="context")
    if _all_abbreviations(key, gaz) and _abbreviation_stands_alone(span, len(key)):
        members = tuple(dict.fromkeys(gaz.abbreviations[c] for c in key if c in gaz.abbreviations))
        entity_id = members[0] if len(members) == 1 else None
        return Mention(
            span.text,
            span.start_char,
            span.end_char,
            "State",
            entity_id,
            source="abbreviation",
            members=members,
        )
    return None


def _name_before_title(span: Span, key: str, gaz: Gazetteer) -> Mention | None:
    """A name Sudachi fused with the title after it (トランプ大統領, 金正|恩氏, 金|与|正副|部長).

    The name must end inside the span's last token and a title or honorific must start
    right there; a title standing as tokens of its own is left to the title splitter.
    """
    last = span[-1]
    if len(last.text) < 2 or key != span.text.replace(" ", ""):
        return None
    for cut in range(len(span.text) - 1, len(span.text) - len(last.text), -1):
        name = span.text[:cut]
        entity_id = gaz.aliases.get(normalize(name))
        context = normalize(name) in gaz.context_aliases
        if entity_id is None and not context:
            continue
        after = span.doc.text[span.start_char + cut : span.start_char + cut + 20]
        if gaz.title_at(normalize(after)) is None and after[:1] not in HONORIFICS:
            continue
        end = span.start_char + cut
        if entity_id is not None:
            return Mention(name, span.start_char, end, gaz.entries[entity_id].kind, entity_id)
        kind = gaz.entries[gaz.context_aliases[normalize(name)][0]].kind
        return Mention(name, span.start_char, end, kind, None, source="context")
    return None


def _stands_alone(span: Span) -> bool:
    """A noun not compounded with the noun before it or after it (…を謳う条約に)."""
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    inside = range(span.start, span.end)
    if (
        before is not None
        and before.tag_.startswith(("名詞", "接頭辞", "接尾辞"))
        and (before.head.i in inside or "副詞可能" not in before.tag_)
    ):
        return False  # 防衛条約; but not ため|現地 (a clause ends in ため)
    return after is None or not after.tag_.startswith(("名詞", "接尾辞"))


def _all_abbreviations(key: str, gaz: Gazetteer) -> bool:
    """日米韓, 朝ロ, 米欧 (a region may join states, never stand alone)."""
    states = sum(c in gaz.abbreviations for c in key)
    regions = sum(c in gaz.region_abbreviations for c in key)
    return (
        1 <= len(key) <= 5
        and states >= 1
        and states + regions == len(key)
        and (regions == 0 or len(key) >= 2)
    )


def _abbreviation_stands_alone(span: Span, chars: int) -> bool:
    """日米韓 or 米 as a modifier: not the tail of a word (19日) nor a word's first half."""
    doc = span.doc
    before: Token | None = doc[span.start - 1] if span.start > 0 else None
    after: Token | None = doc[span.end] if span.end < len(doc) else None
    if before is not None and before.tag_.startswith(("名詞", "接頭辞")):
        return False
    if any(t.tag_.startswith("接尾辞") for t in span):
        return False
    if chars == 1:  # a lone 米 / 露 must modify the noun right after it (米国務長官, 露外務省)
        return after is not None and after.pos_ in {"NOUN", "PROPN"}
    return True
