"""The entity stage's data: GiNZA's labels (ontology/ne_labels.yaml) and what the words of
a name say about it (ontology/names.yaml), read once per process."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from spacy.tokens import Doc, Token

from kg.gazetteer import Gazetteer, normalize, without_gloss
from kg.resources import ontology_file, read_yaml

HONORIFICS = frozenset({"氏", "さん", "様", "君"})
_KATAKANA = re.compile(r"^[\u30a1-\u30fa\u30fc\u30fb・＝=]+$")
_LATIN = re.compile(r"^[A-Za-zＡ-Ｚａ-ｚ0-9０-９&＆.'’-]+$")
_HAS_LATIN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")
NAME_JOINERS = frozenset({"・", "＝", "=", "･", "·"})


@cache
def _ne_data() -> dict:
    return read_yaml(ontology_file("ne_labels.yaml")) or {}


def ne_label_map() -> dict[str, str]:
    """GiNZA NE label → ontology class, from ontology/ne_labels.yaml."""
    return dict(_ne_data().get("labels") or {})


def agreement_heads() -> tuple[str, ...]:
    """Nouns a named agreement ends in (条約, 協定 …)."""
    return tuple(_ne_data().get("agreement_heads") or ())


@dataclass(frozen=True)
class NameWords:
    """ontology/names.yaml: heads that give a compound its class, and generic modifiers."""

    organs: frozenset[str]
    organizations: frozenset[str]  # organs included
    weak: frozenset[str]  # heads that need a name word in front (調査団 is no name)
    places: frozenset[str]
    province: str
    generic: frozenset[str]
    deictic: frozenset[str]  # generic words never part of a name (同, 各, 前)
    not_names: frozenset[str]
    not_endings: frozenset[str]
    weather: tuple[str, ...]
    body_verbal_nouns: frozenset[str]
    appositive: frozenset[str]
    quoted_classes: tuple[tuple[str, str], ...]  # (class noun, class), longest noun first
    quoted_suffixes: tuple[tuple[str, str], ...]  # 「ビルト」紙: (suffix word, class)
    agreements: frozenset[str]
    agreements_when_signed: frozenset[str]
    signing: frozenset[str]
    longest_head: int

    def head_kind(self, text: str) -> str | None:
        """The class a compound's head word gives it, if any.

        >>> words = name_words()
        >>> words.head_kind("海軍"), words.head_kind("州"), words.head_kind("会談")
        ('Organization', 'Place', None)
        """
        if text in self.organizations:
            return "Organization"
        if text in self.places:
            return "Place"
        return None


@cache
def name_words() -> NameWords:
    data = read_yaml(ontology_file("names.yaml")) or {}
    heads = data.get("organization_heads") or {}
    organs = frozenset(heads.get("organs") or ())
    organizations = organs | frozenset(heads.get("other") or ())
    places = frozenset(data.get("place_heads") or ())
    nouns = data.get("agreement_nouns") or {}
    every = organizations | places
    return NameWords(
        organs=organs,
        organizations=organizations,
        weak=frozenset(data.get("weak_organization_heads") or ()),
        places=places,
        province=data.get("province_head") or "省",
        generic=frozenset(data.get("generic_modifiers") or ()),
        deictic=frozenset(data.get("deictic_modifiers") or ()),
        not_names=frozenset(data.get("not_names") or ()),
        not_endings=frozenset(data.get("not_name_endings") or ()),
        weather=tuple(data.get("weather_words") or ()),
        body_verbal_nouns=frozenset(data.get("body_verbal_nouns") or ()),
        appositive=frozenset(data.get("appositive_nouns") or ()),
        quoted_classes=tuple(
            sorted(
                (
                    (noun, kind)
                    for kind, nouns in (data.get("quoted_name_classes") or {}).items()
                    for noun in nouns
                ),
                key=lambda pair: -len(pair[0]),
            )
        ),
        quoted_suffixes=tuple(
            (noun, kind)
            for kind, nouns in (data.get("quoted_name_suffixes") or {}).items()
            for noun in nouns
        ),
        agreements=frozenset(nouns.get("always") or ()),
        agreements_when_signed=frozenset(nouns.get("when_signed") or ()),
        signing=frozenset(data.get("signing_words") or ()),
        longest_head=max(map(len, every), default=1),
    )


def agreement_head(name: str) -> str | None:
    """The shortest agreement noun a name or description ends in: what says which kind
    of agreement it is (…円滑化協定 and 枠組み協定 → 協定; 合意文書 → 文書).

    >>> agreement_head("日比円滑化協定"), agreement_head("合意文書"), agreement_head("会談")
    ('協定', '文書', None)
    """
    words = name_words()
    nouns = words.agreements | words.agreements_when_signed | frozenset(agreement_heads())
    for size in range(1, min(len(name), 6) + 1):
        if name[-size:] in nouns:
            return name[-size:]
    return None


def is_agreement_noun(word: str) -> bool:
    """A word that is itself an agreement noun (条約, 共同声明, 合意文書)."""
    words = name_words()
    return word in words.agreements | words.agreements_when_signed


# --- What a token looks like. ---


def is_katakana(text: str) -> bool:
    """A word written in katakana (with ・ or ー), as foreign names are.

    >>> is_katakana("ソガバレ"), is_katakana("ナンシー・ペロシ"), is_katakana("首相")
    (True, True, False)
    """
    return bool(_KATAKANA.match(text)) and any(c not in NAME_JOINERS for c in text)


def is_kanji(text: str) -> bool:
    """A word written in kanji only (趙, 薛祥).

    >>> is_kanji("薛祥"), is_kanji("ロシア"), is_kanji("")
    (True, False, False)
    """
    return bool(text) and all("\u4e00" <= ch <= "\u9fff" for ch in text)


def is_latin(text: str) -> bool:
    """A word in Latin letters (an acronym or a foreign name): CNN, AFP, Reuters."""
    return bool(_LATIN.match(text)) and bool(_HAS_LATIN.search(text))


def is_proper(token: Token) -> bool:
    return "固有名詞" in token.tag_


def is_person_name(token: Token) -> bool:
    """A token Sudachi knows as part of a person's name (姓 or 名)."""
    return "人名" in token.tag_


def is_nounish(token: Token) -> bool:
    """A token that can sit inside a noun compound (names, nouns, prefixes, suffixes)."""
    if token.text in NAME_JOINERS:
        return True
    return token.tag_.startswith(("名詞", "接頭辞", "接尾辞")) and not is_number_like(token)


def is_number_like(token: Token) -> bool:
    """Numbers, counters and time nouns end a compound on the left (19日ロシア国防省)."""
    parts = token.tag_.split("-")
    if "助数詞可能" in parts and token.i > 0 and token.doc[token.i - 1].like_num:
        return True  # 1979|年, 第2|回: a counter after its number
    return bool({"数詞", "助数詞", "副詞可能"} & set(parts)) or token.like_num


def looks_named(token: Token) -> bool:
    """A token that makes a compound a name: a proper noun, katakana or Latin letters."""
    return is_proper(token) or is_katakana(token.text) or is_latin(token.text)


# --- Titles in a parse. ---


@lru_cache(maxsize=8192)
def _first_char(char: str) -> str:
    return normalize(char)


def title_at(doc: Doc, i: int, gaz: Gazetteer) -> str | None:
    """The longest title starting at token ``i`` and ending at a token boundary (or where
    a one-token title's gloss in brackets begins: 国王(スルタン))."""
    if i >= len(doc) or not doc[i].text:
        return None
    if _first_char(doc[i].text[0]) not in gaz.title_starts and not is_kanji(doc[i].text[:1]):
        return None
    text = ""
    ends = set()
    for token in doc[i : i + 6]:
        bare = without_gloss(token.text)
        if bare != token.text:  # 国王(スルタン) is one token: the title ends before its gloss
            ends.add(len(normalize(text + bare)))
        text += token.text
        ends.add(len(normalize(text)))
    title = gaz.title_at(normalize(text))
    while title is not None and len(title) not in ends:
        title = gaz.title_at(title[:-1]) if len(title) > 1 else None
    return title
