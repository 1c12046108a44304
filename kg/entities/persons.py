"""Persons named by the title after them (ソガバレ首相, チェ・ソンヒ外相, ナンシー・ペロシ下院
議長): the words right before a title from ``ontology/titles.yaml`` are a person's name
when they are name words (Sudachi's 人名, katakana, Latin letters), whether the gazetteer
or GiNZA knows the person or not."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from kg.entities.lexicon import (
    NAME_JOINERS,
    is_kanji,
    is_katakana,
    is_latin,
    is_person_name,
    is_proper,
    name_words,
    title_at,
)
from kg.entities.names import Known, _suffix_kind, split_state_suffix
from kg.gazetteer import Gazetteer, normalize, without_gloss
from kg.model import Mention

MAX_NAME_TOKENS = 6


def titled_persons(doc: Doc, gaz: Gazetteer, known: Known) -> list[tuple[Span, Mention]]:
    """Every name followed directly by a title, as a Person mention with that title."""
    found = []
    inside = set()  # tokens of a title that starts earlier (副|報道局|長: not 報道局長)
    for i in range(1, len(doc)):
        title = title_at(doc, i, gaz)
        if title is None or i in inside:
            continue
        j = i
        while j < len(doc) and len(normalize(doc[i : j + 1].text)) <= len(title):
            inside.add(j)
            j += 1
        end = _before_reading(doc, i)  # ソンサイ（ソンサイ・シーパンドン）党副書記長
        end = _past_body(doc, end, known)  # ブラッター|前|FIFA|会長
        if title in PERSONAL_SUFFIXES and _kanji_surname(doc, end, known):
            name = doc[end - 1 : end]  # 足高|氏, 青葉|容疑者: only a person takes these
            found.append((name, _titled_mention(name, title, gaz)))
            continue
        start = _given_name_start(doc, end, known)  # 趙|立|堅: a surname, then one-kanji words
        read = end < i  # a reading in brackets spells out the whole name: its kanji all count
        while start > max(0, end - MAX_NAME_TOKENS) and (
            _name_part(doc[start - 1], known)
            or read
            and _read_kanji(doc[start - 1], known)
            or start == end
            and title not in LOCAL_OFFICES
            and _place_surname(doc[start - 1], known)
        ):
            if _script_break(doc, start - 1):
                break  # グルノーブル・|田部和良: a katakana name's ・ joins no kanji name
            start -= 1
        while start < end and doc[start].text in NAME_JOINERS:
            start += 1
        if start == end or doc[end - 1].text in NAME_JOINERS:
            continue
        name = doc[start:end]
        surname = len(name) == 1 and title not in LOCAL_OFFICES and _place_surname(name[0], known)
        if not surname and not any(
            is_person_name(t) or is_latin(t.text) or _katakana_name(t) for t in name
        ):
            continue  # 大島|国連大使: a surname Sudachi reads as a place is the one exception
        if len(name) == 1 and is_latin(name.text) and name.text.isupper():
            continue  # an acronym before a title is an organization (NATO事務総長)
        text, state = split_state_suffix(without_gloss(name.text), gaz)  # 彬子(あきこ)
        mention = Mention(
            text,
            name.start_char,
            name.start_char + len(text),
            "Person",
            None,
            title=title,
            source="titled",
            related=(state,) if state else (),
        )
        found.append((name, mention))
    return found


# Offices of a place: the place named before one is whose office it is (京都市長), no name.
LOCAL_OFFICES = frozenset(
    {"知事", "市長", "町長", "村長", "区長", "府知事", "県知事", "州知事", "都知事", "市議", "県議",
     "町議", "村議", "署長", "市議会議長", "県議会議長"}
)  # fmt: skip

# Titles that follow only a person's name (never a body's or a place's): a kanji word
# before them is a surname, whatever the dictionary says of it (足高氏, 青葉容疑者).
PERSONAL_SUFFIXES = frozenset({"氏", "さん", "さま", "君", "ちゃん", "親方", "容疑者", "被告"})
_NOT_SURNAMES = frozenset(
    {"同", "両", "各", "故", "前", "元", "当", "本", "諸", "他", "皆", "一部", "双方"}
)


def _kanji_surname(doc: Doc, end: int, known: Known) -> bool:
    """A one-word kanji name of one to three characters right before a personal suffix,
    that no finder knows as something else and no dictionary gives as a given name or a
    full name (those the general path reads)."""
    if end == 0:
        return False
    word = doc[end - 1]
    before = doc[end - 2] if end > 1 else None
    return (
        is_kanji(word.text)
        and 1 < len(word.text) <= 3
        and word.pos_ in ("NOUN", "PROPN")
        and word.text not in _NOT_SURNAMES
        and not known.named(word)
        and not is_person_name(word)
        and not (before is not None and (is_person_name(before) or is_kanji(before.text)))
        and "地名-国" not in word.tag_  # 青葉容疑者 (a surname Sudachi takes for a place)
    )


def _titled_mention(name: Span, title: str, gaz: Gazetteer) -> Mention:
    return Mention(
        name.text, name.start_char, name.end_char, "Person", None, title=title, source="titled"
    )


def _script_break(doc: Doc, i: int) -> bool:
    """Whether the joiner at ``i`` stands between a katakana word and a kanji one (a club or
    a place, then a Japanese name: グルノーブル・田部和良), not inside one name."""
    if doc[i].text not in NAME_JOINERS or i == 0 or i + 1 >= len(doc):
        return False
    return is_katakana(doc[i - 1].text) and is_kanji(doc[i + 1].text[:1])


def _past_body(doc: Doc, end: int, known: Known) -> int:
    """Where a name ends that stands before the body whose title follows, written as an
    acronym or a name the gazetteer knows, with 前/元 between or not (ブラッター|前|FIFA|会長,
    バッハ|IOC|会長); ``end`` if no name stands there."""
    j = end
    while (
        j > 0
        and end - j < 3
        and (
            is_latin(doc[j - 1].text)
            and doc[j - 1].text.isupper()
            and len(doc[j - 1].text) > 1
            or known.kinds.get(j - 1) == "Organization"
        )
    ):
        j -= 1
    if j == end:
        return end
    if j > 0 and doc[j - 1].text in ("前", "元", "現"):
        j -= 1
    if j > 0 and (_name_part(doc[j - 1], known) or _place_surname(doc[j - 1], known)):
        return j
    return end


def _place_surname(word: Token, known: Known) -> bool:
    """A kanji word Sudachi reads as a place that is a surname before a body and a title
    (大島|国連|大使): no place names an office by the body's name after it."""
    return (
        is_kanji(word.text)
        and len(word.text) <= 3
        and "地名" in word.tag_
        and "地名-国" not in word.tag_
        and not known.named(word)
    )


def _given_name_start(doc: Doc, end: int, known: Known) -> int:
    """Where a name starts that is a surname (Sudachi's 人名-姓) followed by a given name
    split into one-kanji words of any tag (趙|立|堅 before 副報道局長); ``end`` if none."""
    j = end
    while (
        j > 0
        and end - j < 2
        and len(doc[j - 1].text) == 1
        and is_kanji(doc[j - 1].text)
        and not known.named(doc[j - 1])
        and "人名-姓" not in doc[j - 1].tag_
    ):
        j -= 1
    if j < end and j > 0 and "人名-姓" in doc[j - 1].tag_ and not known.named(doc[j - 1]):
        return j - 1
    return end


def _before_reading(doc: Doc, i: int) -> int:
    """Where a name ends that a reading in brackets separates from its title at ``i``
    (丁薛祥（てい・せつしょう）副首相); ``i`` when there is none."""
    if i < 3 or doc[i - 1].text not in (")", "）"):
        return i
    for j in range(i - 2, max(0, i - 10), -1):
        if doc[j].text in ("(", "（"):
            reading = doc[j + 1 : i - 1]
            if reading and all(
                is_katakana(t.text)
                or all("\u3041" <= c <= "\u309f" for c in t.text)  # 彬子(あきこ)さま
                or t.text in NAME_JOINERS
                or "人名" in t.tag_
                or t.is_alpha
                or t.text in ("-", "‐", "－")  # ( GordanaPop - Lazić): the original spelling
                for t in reading
            ):
                return j
            return i
    return i


def _name_part(token: Token, known: Known) -> bool:
    """A word that can be part of a name right before a title."""
    if known.named(token):
        return False  # a state, an organization or a known person is not this name
    if token.text in NAME_JOINERS or is_person_name(token):
        return True
    if is_katakana(token.text) or is_latin(token.text):
        return not _common_word(token.text)
    return is_proper(token) and "地名" not in token.tag_ and _suffix_kind(token.text) is None


def _read_kanji(token: Token, known: Known) -> bool:
    """A kanji noun that a reading in brackets after it shows to be part of a name (丁|薛祥)."""
    return (
        token.pos_ in ("NOUN", "PROPN")
        and not known.named(token)
        and not _has_case(token)
        and is_kanji(token.text)
    )


def _has_case(token: Token) -> bool:
    return any(c.dep_ == "case" for c in token.children)


def _katakana_name(token: Token) -> bool:
    """A katakana word that can be a name before a title: also one letter, as Korean
    surnames are written (イ大統領, パク氏), unless it abbreviates a state (ロ外相)."""
    return is_katakana(token.text) and not _common_word(token.text)


def _common_word(text: str) -> bool:
    """Katakana or Latin words that are no names (チーム, センター)."""
    words = name_words()
    return text in words.not_names or words.head_kind(text) is not None


def title_references(
    doc: Doc, gaz: Gazetteer, taken: set[int], states: dict[int, str] | None = None
) -> list[tuple[Span, Mention]]:
    """Titles standing for a person named before (首相は…, 同大統領, 韓国大統領の訪問): a
    title that follows no name and heads no compound (大統領選), with 同 or a state
    (``states``: its tokens' ids) in front, or nothing.  The resolver gives them the person
    last named with that title in the article (of that state, where one is written)."""
    states = states or {}
    found = []
    inside = set()  # tokens of a longer title that starts earlier (国務|長官)
    for i in range(len(doc)):
        title = title_at(doc, i, gaz)
        end = i
        while title is not None and end < len(doc) and len(normalize(doc[i:end].text)) < len(title):
            end += 1
        if i in states:  # 韓国|大統領: a title written with a state's name is no title here
            continue
        if i in inside or title is None or len(title) < 2:
            inside.update(range(i + 1, end))
            continue
        inside.update(range(i + 1, end))
        start = i - 1 if i > 0 and doc[i - 1].text == "同" else i
        if any(t in taken for t in range(start, end)):
            continue
        state = _state_before(doc, i, states)
        if (
            start == i
            and i > 0
            and state is None
            and (_name_part(doc[i - 1], Known({}, {})) or is_proper(doc[i - 1]))
        ):
            continue  # a name the finders did not take: not a reference
        if (
            end < len(doc)
            and doc[end].pos_ in ("NOUN", "PROPN")
            and doc[end].text not in NAME_JOINERS
        ):
            continue  # 大統領選, 首相官邸: a compound
        span = doc[start:end]
        mention = Mention(
            span.text,
            span.start_char,
            span.end_char,
            "Person",
            None,
            title=title,
            source="title",
            related=(state,) if state else (),
        )
        found.append((span, mention))
    return found


def _state_before(doc: Doc, i: int, states: dict[int, str]) -> str | None:
    """The state written right before a title (韓国|大統領, 韓国の|大統領), if any."""
    if i > 0 and i - 1 in states:
        return states[i - 1]
    if i > 1 and doc[i - 1].text == "の" and i - 2 in states:
        return states[i - 2]
    return None
