"""Japanese syntax over GiNZA's parse: the small readings the rule engine is built of.

Case markers (:func:`case`), subjects with が before は (:func:`subjects`), the corrections
Japanese grammar allows where the parser errs (:func:`adjacent_argument`,
:func:`stray_arguments`, :func:`displaced_object`, :func:`object_before_quote`),
coordination (:func:`conjuncts`), quotation (:func:`quoted_clauses`,
:func:`quote_governor`) and tense (:func:`tense`, :func:`clause_tail`).  Each is a plain
function of spaCy tokens, like textacy's ``extract`` helpers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Span, Token

from kg.model import Event

ARG_DEPS = frozenset({"nsubj", "obj", "obl", "nmod", "iobj", "csubj", "compound", "dislocated"})
DATIVE = ("に対して", "に対し", "に対する", "への", "に", "へ")
ABOUT = ("について", "に関して", "をめぐり", "を巡り", "をめぐって", "を巡って")
AGENT_BY = ("によって", "により", "による", "によつて")  # a passive's agent
QUOTE_DEPS = frozenset({"advcl", "ccomp", "obl", "acl", "nmod"})  # …と非難, …との報道
CLAUSE_DEPS = ("advcl", "conj", "acl")
GENITIVE = ("の", "による")  # プーチン氏の訪朝, ロシアによる侵攻
COORDINATORS = frozenset({"および", "及び", "並びに", "や", "と"})


def case(token: Token) -> str:
    """The case marker of a noun phrase: が, を, に対して, の …"""
    parts = [
        c.text
        for c in token.children
        if c.dep_ in ("case", "fixed", "mark") and c.i > token.i and c.pos_ in ("ADP", "SCONJ")
    ]
    for c in token.children:
        if c.dep_ == "case" and c.i > token.i:
            parts.extend(g.text for g in c.children if g.dep_ == "fixed")
    return "".join(parts)


def bare_case(token: Token) -> str:
    """The case marker without a topic's は or も after it (モロッコには → に, からも → から)."""
    marker = case(token)
    return marker[:-1] if len(marker) > 1 and marker.endswith(("は", "も")) else marker


def subjects(children: list[Token], topics: bool = True) -> Iterable[Token]:
    """Subjects, が before は: when the parser hangs a sentence topic on an embedded
    predicate that has its own が-subject, the が-subject is the embedded one's."""
    marked = [c for c in children if c.dep_ == "nsubj" or case(c) in ("が", "は")]
    ga = [c for c in marked if case(c) != "は"]
    wa = [c for c in marked if case(c) == "は"]
    return ga + wa if topics else ga


def adjacent_argument(trigger: Token, particles: tuple[str, ...]) -> list[Token]:
    """The phrase right before the predicate, when it carries one of ``particles``.

    In Japanese the phrase immediately before a predicate depends on it; this holds
    where the parser attached it further up (米ワシントンを訪問中の…大統領が出席).
    """
    start = min([trigger.i, *(c.i for c in trigger.children if c.dep_ == "compound")])
    if start == 0:
        return []
    particle = trigger.doc[start - 1]
    if particle.dep_ in ("case", "fixed") and particle.text in particles:
        head = particle.head
        while head.dep_ == "case" and head.head.i != head.i:  # に|対して chains
            head = head.head
        return [head] if head.i < start else []
    return []


def stray_arguments(pred: Token, particles: tuple[str, ...]) -> list[Token]:
    """Case-marked phrases the parser hung on a noun inside the predicate's own phrase.

    A noun takes no に-argument, so ロシアに in ロシアに自爆ドローンを供与 and
    ウクライナへの in ウクライナへの長距離ミサイルの供与 belong to the predicate.
    """
    found = []
    for token in clause_tokens(pred):
        if token.i >= pred.i or token.head.i == pred.i:
            continue
        head = token.head
        if case(token) in particles and (
            head.dep_ in ("compound", "nmod", "obj", "amod")
            and (head.pos_ in ("NOUN", "PROPN") or head.dep_ == "compound")
            # 16日、ペルーに対し、…抗議: the parser's fallback label on a time phrase
            or token.dep_ == "dep"
            and head.pos_ in ("NOUN", "PROPN")
        ):
            found.append(token)
    return found


def clause_tokens(pred: Token) -> Iterator[Token]:
    """The tokens of the predicate's own clause: its subtree minus embedded clauses."""
    stack = list(pred.children)
    while stack:
        token = stack.pop()
        if token.dep_ in ("advcl", "acl", "ccomp", "csubj") and token.pos_ in ("VERB", "ADJ"):
            continue
        yield token
        stack.extend(token.children)


def displaced_object(pred: Token) -> list[Token]:
    """A を-phrase the parser gave to an embedded verb that has its own を-object.

    A Japanese predicate takes one を-object; of two on one verb, the earlier one set off
    by a comma belongs to the main predicate (プーチンの訪問を、…支援を得るために…と批判).
    """
    found = []
    for verb in pred.subtree:
        if verb.i == pred.i or verb.i > pred.i:
            continue
        objects = [c for c in verb.children if case(c) == "を"]
        if len(objects) >= 2 and comma_after(objects[0]):
            found.append(objects[0])
    return found + object_before_quote(pred)


def object_before_quote(pred: Token) -> list[Token]:
    """XをYと非難した: a を-phrase before a quotation 「…」と belongs to the verb that quotes,
    though the parser hangs it on the quoted predicate (中国の行為を「違法だ」と非難)."""
    found = []
    for clause in pred.children:
        if clause.i > pred.i or not any(
            c.dep_ == "case" and c.text == "と" for c in clause.children
        ):
            continue
        opening = next((t for t in clause.subtree if t.text in ("「", "『")), None)
        if opening is None:
            continue
        found += [
            t
            for t in clause.subtree
            if t.i < opening.i and case(t) == "を" and t.head.i > opening.i
        ]
    return found


_TRAILING = ("dep", "flat", "compound", "fixed")


def comma_after(token: Token) -> bool:
    """Whether the phrase headed by ``token`` is followed by a comma (X が、)."""
    doc = token.doc
    markers = [c for c in token.children if c.dep_ == "case"]
    fixed = [g for c in markers for g in c.children if g.dep_ == "fixed"]  # に|対し|て、
    end = max([token.i, *(c.i for c in markers + fixed)]) + 1
    while end < len(doc) and doc[end].head.i == token.i and doc[end].dep_ in _TRAILING:
        end += 1  # ハイサム|国王(スルタン)、: a title the parser hangs on the name
    if end < len(doc) and doc[end].text in ("(", "（"):  # 国王(スルタン)、: past a gloss
        close = next((j for j in range(end, min(end + 12, len(doc))) if doc[j].text in ")）"), None)
        end = close + 1 if close is not None else end
    return end < len(doc) and doc[end].text in ("、", ",", "，")


def partners(children: list[Token]) -> list[Token]:
    """The nouns a predicate is done together with: a と-phrase that is an argument of its
    own (ネパールと結んだ), not a member of a list (AとBが) or a quotation (…と述べた), and
    the noun of …との間で."""
    found = []
    for child in children:
        if child.dep_ != "obl" or child.pos_ not in ("NOUN", "PROPN"):
            continue
        if case(child) == "と":
            found.append(child)
        elif child.lemma_ == "間" and case(child) == "で":
            found += [c for c in child.children if c.dep_ == "nmod" and case(c) == "との"]
    return found


def posted_to(token: Token) -> bool:
    """A state an envoy is posted to (駐|ケニア|大使, 駐ケニア): where he serves, not whose
    he is."""
    doc = token.doc
    start = token.left_edge.i
    return token.text.startswith("駐") or start > 0 and doc[start - 1].text == "駐"


def conjuncts(token: Token) -> list[Token]:
    """The nouns coordinated with ``token``: 北朝鮮とロシア, 米国および韓国, and lists set off
    by commas (ペルー、チリ、コロンビアの3カ国; A大統領、B首相ら各国首脳), at any depth."""
    out = []
    for child in token.children:
        if child.dep_ == "conj" or (
            child.dep_ == "nmod"
            and (
                case(child) in ("と", "や")
                or any(g.dep_ == "cc" and g.text in COORDINATORS for g in child.children)
            )
        ):
            out.append(child)
        elif child.dep_ in ("nmod", "compound") and child.i < token.i and listed(child):
            out.append(child)
        elif child.dep_ == "nmod" and not case(child) and _joined_by_cc(child, token):
            out.append(child)  # ニコリッチ氏|および|デリッチ氏: the parser hangs および on B
        elif child.dep_ in ("nmod", "compound") and not case(child) and _bracket_run(child):
            out.append(child)  # 「エル・ムンド」「エル・パイス」紙: names in a row of brackets
        elif child.dep_ == "acl" and child.i < token.i:
            out += _first_coordinated(child)  # [Aと][…に本店を置く]B: A hung inside B's clause
    members = out + [member for child in out for member in conjuncts(child)]
    for child in token.children:  # A首相、Bの|C首相ら: the parser hangs A on Bの or on C
        if child.dep_ in ("nmod", "compound") and case(child) in ("の", "") and child.i < token.i:
            if child not in out:
                members += [
                    m
                    for m in conjuncts(child)
                    if listed(m)
                    or m in members
                    or case(m) in ("と", "や")
                    and (comma_after(m) or child.dep_ == "compound")
                ]  # A社長と、B|C|GMが; A大統領と|ユネスコ|親善|大使: と joins the whole phrase
    return list(dict.fromkeys(members))


def _first_coordinated(clause: Token) -> list[Token]:
    """The と-phrase a relative clause begins with, which the parser hung inside it
    (徳島市に本店を置く徳島銀行と|高松市に本店を置く|香川銀行: 徳島銀行 is coordinated with
    香川銀行, not an argument of 置く)."""
    start = clause.left_edge.i
    return [
        t
        for t in clause.subtree
        if t.left_edge.i == start
        and t.i != clause.i
        and t.pos_ in ("NOUN", "PROPN")
        and case(t) in ("と", "や")
        and t.dep_ in ("nmod", "obl")
    ][:1]


def _bracket_run(token: Token) -> bool:
    """Whether a name in 「」 is followed right away by another in 「」 (「A」「B」紙)."""
    doc = token.doc
    end = token.right_edge.i + 1
    return (
        end < len(doc)
        and doc[end].text == "「"
        and (doc[end - 1].text == "」" or end > 0 and doc[token.i + 1].text == "」")
    )


def _joined_by_cc(child: Token, token: Token) -> bool:
    """Whether a coordinator (および, 並びに …) hung on ``token`` stands between it and
    ``child`` (Aおよび B, parsed as A ← B with および ← B)."""
    return any(
        g.dep_ == "cc" and g.text in COORDINATORS and child.i < g.i < token.i
        for g in token.children
    )


def listed(token: Token) -> bool:
    """A noun phrase with no case particle, set off by a comma: a member of a list (not a
    headline's subject: 韓国、日本に抗議)."""
    return not case(token) and comma_after(token) and headline_subject(token.sent) != token


_OPENERS = ("「", "『", "【", "(", "（", "■", "◆")


def is_headline(sent: Span) -> bool:
    """A sentence written as a headline: no full stop at its end (ペルー首相、チリを訪問)."""
    return not sent.text.rstrip().endswith(("。", "。」", "。）", "」", "）"))


def headline_subject(sent: Span, names: frozenset[int] = frozenset()) -> Token | None:
    """The subject of a headline (a sentence without 。), written first and set off by a
    comma with no particle (モディ首相、ウクライナを初訪問; 韓国、日本に抗議).  ``names``: the
    tokens of entity mentions, which make the first phrase a subject where the parse of
    an unknown name is garbled (キスペ|国防相、 with キスペ read as a verb)."""
    if sent.text.rstrip().endswith(("。", "。」", "。）")):
        return None
    start = sent.start
    while start < sent.end and sent.doc[start].text in _OPENERS:
        start += 1
    heads = [
        t
        for t in sent
        if t.left_edge.i == start and t.pos_ in ("NOUN", "PROPN") and not case(t) and comma_after(t)
    ]
    doc = sent.doc
    if heads:
        head = max(heads, key=lambda t: t.right_edge.i)
        if head.dep_ == "ROOT" or any(c.dep_ == "case" for c in head.children):
            return None
    else:
        head = _named_first_phrase(sent, start, names)
        if head is None:
            return None
    j = head.i + 1
    while j < sent.end and doc[j].text not in ("、", ",", "，"):
        j += 1
    j += 1  # the first word after the comma; the phrase it opens ends at a particle
    while j < sent.end - 1 and not (
        case(doc[j])
        or comma_after(doc[j])
        or doc[j].pos_ == "VERB"
        and doc[j].dep_ != "compound"  # リマニ|人民解放戦線 (a name)
    ):
        j += 1
    if j < sent.end and _ends_headline(doc[j], sent):
        return head  # キスペ国防相、訪米; ベナニ外相、ベトナム入り: the predicate itself
    if j < sent.end and case(doc[j]) == "の" and not _plural(doc[j].head):
        return head  # 北朝鮮、日本の経済制裁発動を非難: の says whose act, not a list
    if j < sent.end and (case(doc[j]) in ("の", "が", "は", "と", "や") or not case(doc[j])):
        return None  # ペルー、チリの2カ国; 米国、英国が: a list
    return head


_PLURAL_HEADS = frozenset(
    {"首脳", "外相", "首相", "大統領", "政府", "代表", "両国", "各国", "閣僚"}
)


def _plural(noun: Token) -> bool:
    """A noun that names several (2カ国, 両国, 首脳): what a list before it ends in."""
    text = noun.text
    return (
        text in _PLURAL_HEADS
        or text[:1].isdigit()
        or text[:1] in "両各諸二三四五六七八九"
        or any(c.dep_ == "nummod" for c in noun.children)
    )


def _named_first_phrase(sent: Span, start: int, names: frozenset[int]) -> Token | None:
    """The last name of a headline's first phrase when it ends at a comma, holds a name and
    no particle (キスペ国防相、); None otherwise."""
    doc = sent.doc
    comma = next((t.i for t in sent if t.text in ("、", ",", "，")), None)
    if comma is None or comma - start > 8:
        return None
    phrase = doc[start:comma]
    if any(t.pos_ in ("ADP", "SCONJ", "AUX", "PUNCT") for t in phrase):
        return None
    named = [t for t in phrase if t.i in names]
    return named[-1] if named else None


def _ends_headline(token: Token, sent: Span) -> bool:
    """Whether a word after a headline's comma is its predicate (訪米), or compounded into
    the predicate that closes it (ベトナム|入り)."""
    root = sent.root
    last = max((t.i for t in sent if not t.is_punct), default=root.i)
    if root.i != last or case(token):
        return False
    return token.i == root.i or token.head.i == root.i and token.dep_ == "compound"


def passive(predicate: Token) -> bool:
    """A predicate in the passive voice (調印された, 非難される, 供与された)."""
    return any(
        c.dep_ == "aux" and c.lemma_ in ("れる", "られる") and c.i > predicate.i
        for c in predicate.children
    )


def is_nominal(token: Token) -> bool:
    """A trigger used as a noun (訪問を批判, プーチン氏の訪朝), not as a verb (訪問した,
    訪れた)."""
    if token.tag_.startswith(("動詞", "形容詞")):
        return False  # a verb (訪れる, 結ぶ) is never a noun
    return not any(c.dep_ in ("aux", "cop") and c.lemma_ in ("する", "だ") for c in token.children)


def quoted_clauses(children: list[Token]) -> list[Token]:
    """Clauses quoted with と among ``children``, also behind として (…しているとして懸念)."""
    found = []
    for clause in children:
        if clause.dep_ in QUOTE_DEPS and clause.pos_ == "VERB" and quoted(clause):
            found.append(clause)
        elif clause.lemma_ == "する" and clause.dep_ in QUOTE_DEPS:
            found += [c for c in clause.children if c.pos_ == "VERB" and quoted(c)]
    return found


def bracketed_topics(clause: Token) -> list[Token]:
    """は-phrases of a quoted clause that stand inside its 「」 (「イスラエル軍は…」と): the
    quotation's own subject, not the speaker's topic hung on it."""
    opening = next((t for t in clause.subtree if t.text in ("「", "『")), None)
    if opening is None:
        return []
    return [
        c
        for c in clause.children
        if c.dep_ == "nsubj" and case(c) == "は" and opening.i < c.i < clause.i
    ]


def in_brackets(token: Token) -> bool:
    """Whether a token stands inside 「」 or 『』 that close in its sentence."""
    depth = 0
    for t in token.sent:
        if t.i >= token.i:
            return depth > 0
        depth += sum(c in "「『" for c in t.text) - sum(c in "」』" for c in t.text)
    return False


def in_quotation(token: Token) -> bool:
    """Whether a token stands inside a quotation (「…と述べた」), not merely a name put in
    brackets: 「マリア」は上陸した names its subject, whose particle follows the bracket."""
    if not in_brackets(token):
        return False
    marker = next((c for c in token.children if c.dep_ == "case"), None)
    if marker is None or marker.i < token.i:
        return True
    return not any(t.text in ("」", "』") for t in token.doc[token.i + 1 : marker.i])


def cleft(pred: Token) -> bool:
    """A clause nominalised with の and topicalised (…到着したのは…便だった): its subject
    is what the sentence's predicate names, not anyone said before."""
    return (
        pred.dep_ in ("csubj", "nsubj")
        and any(c.lemma_ == "の" and c.dep_ == "mark" for c in pred.children)
        and any(c.lemma_ == "は" for c in pred.children)
    )


def quoted(clause: Token) -> bool:
    return any(c.text == "と" and c.dep_ in ("case", "mark") for c in clause.children)


def quoted_clause(trigger: Token) -> Token:
    """The clause quoted with と that holds the trigger (itself, or the first ancestor
    marked with と); the trigger where none is."""
    node = trigger
    for _ in range(6):
        if node.dep_ in QUOTE_DEPS and quoted(node):
            return node
        if node.head.i == node.i:
            break
        node = node.head
    return trigger


def quote_governor(trigger: Token, content_nouns: frozenset[str]) -> Token | None:
    """The verb whose と-quoted clause contains the trigger (…を提供していると非難), seen
    through a noun that carries the quote (…を供与したとの報道を否定した → 否定)."""
    node = trigger
    for _ in range(4):
        if node.dep_ in QUOTE_DEPS and quoted(node) and node.head.i != node.i:
            governor = node.head
            # …との報道を否定 / …として懸念を表明: the noun or する carrying the quote
            # hands it on to the predicate it depends on.
            if (governor.lemma_ in content_nouns or lemma(governor) == "する") and (
                governor.head.i != governor.i
            ):
                return governor.head
            return governor
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def lemma(predicate: Token) -> str:
    """A predicate's lemma, with a light する read with its word (明らかにした → 明らかにする)."""
    doc = predicate.doc
    if predicate.lemma_ == "する" and predicate.i >= 2 and doc[predicate.i - 1].text == "に":
        word = doc[predicate.i - 2]
        if word.pos_ in ("ADJ", "NOUN"):
            return f"{word.text}にする"
    return predicate.lemma_


def tense(predicate: Token) -> str:
    """'past', 'progressive', 'non-past', 'conjunctive' (し、/て) or 'none' (a noun)."""
    parts = [c for c in predicate.children if c.dep_ in ("aux", "mark", "cop")]
    parts += [g for c in parts for g in c.children if g.dep_ == "fixed"]
    parts = sorted((t for t in parts if t.i > predicate.i), key=lambda t: t.i)
    while parts and parts[-1].text in ("と", "って", "とも"):  # 訪問すると(明らかにした): a quote
        parts.pop()
    lemmas = {t.lemma_ for t in parts}
    if "た" in lemmas:
        return "past"
    if lemmas & {"いる", "おる", "ある"}:
        return "progressive"
    if not parts:
        if predicate.pos_ != "VERB" or "サ変" in predicate.tag_:
            return "none"
        return "non-past" if predicate.text == predicate.lemma_ else "conjunctive"
    last = parts[-1].text
    if last in ("する", "ます", "れる", "られる"):
        return "non-past"
    if last in ("し", "て", "で"):
        return "conjunctive"
    return "none"


def clause_tail(trigger: Token, modifies_noun: bool = False) -> list[Token]:
    """The trigger's auxiliaries and the words after it up to the next comma or clause;
    ``modifies_noun``: the trigger's clause modifies the noun after it, which is none of
    its words (締結された|和平合意)."""
    tail = [c for c in trigger.children if c.dep_ in ("aux", "mark", "fixed", "cop")]
    end = trigger.i + 8
    if modifies_noun:
        end = min(end, trigger.right_edge.i + 1)
    for token in trigger.doc[trigger.i + 1 : end]:
        if token.is_punct or token.i >= trigger.sent.end:
            break
        tail.append(token)
    return tail


def unique_events(events: list[Event]) -> list[Event]:
    seen, out = set(), []
    for event in events:
        key = (event.relation, event.agent, event.target, event.evidence.start, event.rule_id)
        if key not in seen:
            seen.add(key)
            out.append(event)
    return out
