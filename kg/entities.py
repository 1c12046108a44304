"""Find entity mentions in a parsed paragraph: the gazetteer first, GiNZA after.

The gazetteer is matched over token boundaries of the parse (so 米国務長官, which
Sudachi splits 米|国務|長官, yields 米 and never 米国), longest alias first.  GiNZA's
named entities then fill the gaps, mapped to ontology classes through
``ontology/ne_labels.yaml`` and corrected by the part-of-speech tags Sudachi gives
(a span tagged 人名 is a person whatever the NER label says).  This runs on the
finished parse, an equivalent of spaCy's ``entity_ruler`` before ``ner`` that lets
the gazetteer change without re-parsing.
"""

from __future__ import annotations

import re
from functools import cache

from spacy.tokens import Doc, Span, Token

from kg.gazetteer import Gazetteer, normalize
from kg.model import Mention
from kg.resources import ontology_file, read_yaml

MAX_ALIAS_TOKENS = 12
HONORIFICS = frozenset({"氏", "さん", "様", "君"})
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]")
_HAS_WORD = re.compile(r"[\u3040-\u30ff\u4e00-\u9fffA-Za-z]")
_PAREN = re.compile(r"^[（(][^）)]{0,30}[）)]")


@cache
def _ne_data() -> dict:
    return read_yaml(ontology_file("ne_labels.yaml")) or {}


def ne_label_map() -> dict[str, str]:
    """GiNZA NE label → ontology class, from ontology/ne_labels.yaml."""
    return dict(_ne_data().get("labels") or {})


def agreement_heads() -> tuple[str, ...]:
    """Nouns an agreement's name ends in (条約, 協定 …)."""
    return tuple(_ne_data().get("agreement_heads") or ())


def find_mentions(doc: Doc, offset: int, gazetteer: Gazetteer) -> list[Mention]:
    """All entity mentions of a parsed unit, in text order, offsets in article coordinates."""
    found = _gazetteer_mentions(doc, gazetteer)
    for span in _named_agreements(doc):
        # the longest name wins: states named inside an agreement's name (「中国・ソロモン諸島
        # 安全保障協力枠組み協定」, 「日比円滑化協定」) are part of it, not mentions of their own
        inside = [span.start <= s.start and s.end <= span.end for s, _ in found]
        crossing = [s.start < span.end and span.start < s.end for s, _ in found]
        if any(c and not i for c, i in zip(crossing, inside, strict=True)):
            continue
        if any(i and m.kind == "Agreement" for i, (_, m) in zip(inside, found, strict=True)):
            continue  # the gazetteer knows it
        found = [pair for pair, i in zip(found, inside, strict=True) if not i]
        mention = Mention(
            span.text, span.start_char, span.end_char, "Agreement", None, source="pattern"
        )
        found.append((span, mention))
    taken = {i for span, _ in found for i in range(span.start, span.end)}
    for ent in doc.ents:
        if any(i in taken for i in range(ent.start, ent.end)):
            continue
        mention = _ginza_mention(ent, gazetteer)
        if mention is not None:
            found.append((ent, mention))
            taken.update(range(ent.start, ent.end))
    found.sort(key=lambda pair: pair[0].start)
    return [_with_title(span, m, offset, gazetteer) for span, m in found]


def _named_agreements(doc: Doc) -> list[Span]:
    """Agreements the gazetteer does not know, named the way news names them: in 「」
    (「…に関する条約」) or with an acronym after the name (円滑化協定(RAA))."""
    heads = "|".join(map(re.escape, agreement_heads()))
    patterns = (
        re.compile(rf"「([^「」]{{4,40}}(?:{heads}))」"),  # not a bare 「同盟条約」
        re.compile(rf"([\u4e00-\u9fff\u30a0-\u30ff・]{{2,30}}(?:{heads}))[（(][A-Z]{{2,10}}[)）]"),
    )
    spans = []
    for pattern in patterns:
        for match in pattern.finditer(doc.text):
            span = doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
            if span is not None:
                spans.append(span)
    return spans


def _gazetteer_mentions(doc: Doc, gaz: Gazetteer) -> list[tuple[Span, Mention]]:
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
    if before is not None and before.tag_.startswith(("名詞", "接頭辞", "接尾辞")):
        return False
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


def _ginza_mention(ent: Span, gaz: Gazetteer) -> Mention | None:
    kind = ne_label_map().get(ent.label_)
    tags = [t.tag_ for t in ent]
    if any("人名" in tag for tag in tags):
        kind = "Person"
    elif kind == "State" and not any("地名-国" in tag for tag in tags):
        kind = "Place" if any("地名" in tag for tag in tags) else None
    if kind is None or (kind == "Agreement" and not ent.text.endswith(agreement_heads())):
        return None
    text = _strip_title(ent.text, gaz)
    if len(text) < 2 or not _HAS_WORD.search(text) or any(c in text for c in "「」『』"):
        return None
    # A span with no proper noun in it is a common noun GiNZA over-read (当局者, 未明),
    # unless it is a katakana name Sudachi does not know (ブリンケン).
    if not (_KATAKANA.search(text) or any("固有名詞" in t for t in tags)):
        return None
    return Mention(text, ent.start_char, ent.start_char + len(text), kind, None, source="ginza")


def _strip_title(text: str, gaz: Gazetteer) -> str:
    for cut in range(1, len(text)):
        if gaz.title_at(text[cut:]) == text[cut:] or text[cut:] in HONORIFICS:
            return text[:cut]
    return text


def _with_title(span: Span, mention: Mention, offset: int, gaz: Gazetteer) -> Mention:
    title = None
    if mention.kind == "Person":
        rest = span.doc.text[mention.end :]
        rest = _PAREN.sub("", rest, count=1)  # 金正恩(キム・ジョンウン)総書記
        title = gaz.title_at(normalize(rest[:20]))
    return Mention(
        mention.text,
        mention.start + offset,
        mention.end + offset,
        mention.kind,
        mention.entity_id,
        title=title,
        source=mention.source,
        members=mention.members,
    )
