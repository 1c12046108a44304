"""``python -m kg.bench constructions``: relation × trigger × construction matrix of
generated sentences.

Every trigger word of ``ontology/rules.yaml`` (active and passive rules; for a prefix rule
such as 訪 + a state abbreviation, a few words made with the gazetteer's abbreviations:
訪米, 訪中, 来日) is written into every construction a news sentence can put it in (active
with が and は, passive, relative clauses, nominal uses, coordination, quotation,
headlines, gapping, organs …) and into traps that must give no fact (planned, requested,
hypothetical, negated, denied, refused, an excluded target, the direction reversed,
troops sent to fight).  Names are ones kg has never seen: invented persons with a title,
organizations and agreements, and real states other than the few the rules were tuned on.

A trigger added to rules.yaml enters the matrix with no code change: its *frame* (what
arguments it takes and how) follows from its rule (:func:`frame_of`), its conjugation
from its part of speech and conjugation type as SudachiPy gives them through GiNZA's
tokenizer (:func:`word_class`), and :data:`LEXICON` only adds what a word needs beyond
that (a particle, an item, a place, the light verb that fits it).  A cell that cannot be
written with a trigger is *not applicable*, with the reason.

All sentences are parsed in one ``nlp.pipe`` and extracted article by article exactly as
``kg build`` does (:func:`kg.pipeline.extract_article`).  A positive cell passes when
every expected fact comes out asserted or reported and no other fact of its relation
does; a trap passes when no fact it forbids comes out.  Facts are matched on the labels
of the resolved entities (a person's name without title, a state's Japanese name).

Example::

    python -m kg.bench constructions                      # the table and the failing cells
    python -m kg.bench constructions --relation visited --triggers
    python -m kg.bench constructions --construction headline --failures 5 --names
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import string
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.cache import ArticleFacts
    from kg.gazetteer import Gazetteer
    from kg.model import Article
    from kg.relations.rules import Rule, RuleSet

PUBLISHED = dt.date(2024, 6, 20)  # every sentence is read as news of this day

# ============================================================================ names
# Real states, other than the ones the rules were written around.  All are in the
# gazetteer (CLDR); a test checks that.
STATES: tuple[str, ...] = (
    "ペルー", "ケニア", "ベトナム", "ポーランド", "チリ", "ガーナ", "ラオス", "フィンランド",
    "タンザニア", "ウルグアイ", "ノルウェー", "ネパール", "モロッコ", "コロンビア",
)  # fmt: skip
LANDLOCKED = ("ラオス", "ネパール")  # no navy passes a strait for them
# Gazetteer ids of the states the rules were tuned on: never in STATES.
AVOIDED_STATES = ("Russia", "North_Korea", "Ukraine", "Japan", "United_States")

# Invented persons: (state, name, title), written as a new article would
# (ケニアのオティエノ外相).  One per state, so a person's state is never a target's.
PERSONS: tuple[tuple[str, str, str], ...] = (
    ("ケニア", "オティエノ", "外相"),
    ("タンザニア", "ムコンゴ", "大統領"),
    ("ペルー", "キスペ", "国防相"),
    ("ウルグアイ", "バレンティ", "大統領"),
    ("ガーナ", "アサモア", "外相"),
    ("ポーランド", "コヴァルチク", "首相"),
    ("フィンランド", "ヴィルタネン", "外相"),
    ("ベトナム", "ファム・ミン・トゥアン", "国防相"),
    ("ラオス", "ポンサワン", "首相"),
    ("チリ", "ロハス", "大統領"),
    ("ノルウェー", "ハウゲン", "首相"),
    ("ネパール", "シュレスタ", "外相"),
    ("モロッコ", "ベナニ", "外相"),
    ("コロンビア", "ベセラ", "国防相"),
)
ENVOY_TITLES = ("外相", "国防相")  # whom a state sends as its envoy (派遣)
# Invented organizations, by what they plausibly do (head words kg knows: 機構, 連合,
# 解放戦線, 党, 同盟).
BODIES = (
    "南太平洋漁業機構",
    "西アフリカ保健機構",
    "アンデス開発連合",
    "カリブ沿岸諸国連合",
    "北極海運機構",
)
ARMED_GROUPS = ("モラバ人民解放戦線", "オルダ民族解放戦線", "リマニ人民解放戦線")
PARTIES = ("自由ケルダ党", "国民刷新党", "カナン民主同盟")
# Invented agreements (described, not named: kg has no entry for any of them).
AGREEMENTS = (
    "港湾協力協定", "漁業協定", "相互防衛条約", "投資保護協定", "文化交流協定", "航空協定",
    "犯罪人引き渡し条約", "二重課税防止条約",
)  # fmt: skip
MEMORANDA = ("漁業協力覚書", "観光協力覚書", "港湾開発覚書")  # what is exchanged (交換)
# Real places that are not in the gazetteer: straits passed (通過), islands landed on (上陸).
STRAITS = ("マラッカ海峡", "ロンボク海峡", "スンダ海峡")
ISLANDS = ("チロエ島", "ガラパゴス諸島", "フアン・フェルナンデス諸島")
TEMPLES = ("ボロブドゥール寺院", "タートルアン寺院", "バイヨン寺院")  # where one worships (参拝)
# Invented states: only probed (are they recognised at all?), never used in a cell.
INVENTED_STATES = ("ザンバラ共和国", "ノヴァリア王国", "ケルダニア連邦", "ロンバルディア共和国")

DAYS = (3, 5, 8, 10, 12, 14, 16)  # a cell's day; the day before and after are used too
# Prefix rules (訪 + 米 …): the abbreviations to write, where the gazetteer has them.
PREFIX_ABBREVIATIONS = {"訪": ("米", "中", "韓"), "来": ("日", "韓"), "渡": ("米", "英", "仏")}
PREFIX_WORDS_PER_RULE = 3  # for a prefix not listed above: its first abbreviations

# ============================================================================ constructions
CONSTRUCTIONS: dict[str, str] = {
    "active_ga": "active, が",
    "active_wa": "active, は",
    "passive_by": "passive, によって",
    "passive_from": "passive, から",
    "passive_at": "passive, で (…の間で)",
    "relative_agent": "relative clause on the agent",
    "relative_target": "relative clause on the target",
    "nominal": "nominal + light verb / carrier",
    "genitive": "genitive + compound (AのT訪問)",
    "ongoing": "compound + 中 (T訪問中の)",
    "coord_agents": "coordinated agents (AとBは)",
    "coord_targets": "coordinated targets (AとBを)",
    "quoted": "quoted clause (…と非難 / と発表)",
    "ni_taishi": "に対し / に対して",
    "carried_clause": "subject carried: previous clause",
    "carried_sentence": "subject carried: previous sentence",
    "fronted_clause": "fronted clause, topic after (…した後、Aは)",
    "headline": "headline (no 。)",
    "gapping": "gapping (AがBに、CがDに)",
    "organ": "organ for its state (X外務省は)",
    "spokesperson": "spokesperson (X外務省の報道官は)",
}
TRAPS: dict[str, str] = {
    "planned": "planned (予定, 方針, 来月)",
    "requested": "requested (要請, 求めた)",
    "hypothetical": "hypothetical (すれば, 場合)",
    "negated": "negated (しなかった, せず)",
    "denied": "denied (…との報道を否定)",
    "refused": "refused (拒否, 見送った)",
    "exclusion": "exclusion (Xを除く)",
    "reversed": "reversed direction (Bから非難された)",
    "sent_to_fight": "troops sent to fight (侵攻のため)",
}
PASSIVE_CONSTRUCTIONS = ("passive_by", "passive_from", "passive_at")
NOT_WRITTEN = "not written in this construction"


@dataclass(frozen=True)
class Template:
    """A sentence pattern (str.format fields, see :func:`_slots`) and its facts: pairs of
    roles (agent, target); ``*`` stands for any entity."""

    text: str
    facts: tuple[tuple[str, str], ...] = (("S", "T"),)


@dataclass(frozen=True)
class NotApplicable:
    """A construction that cannot be written with a trigger, and why."""

    reason: str


Entry = Template | NotApplicable


def _t(text: str, *facts: tuple[str, str]) -> Template:
    return Template(text, facts or (("S", "T"),))


def _no(text: str, *facts: tuple[str, str]) -> Template:
    """A trap: by default, no fact of the relation at all may come out."""
    return Template(text, facts or (("*", "*"),))


def _na(reason: str) -> NotApplicable:
    return NotApplicable(reason)


# Template fields (filled by _slots):
#   actors   S, S2 agents (Sh: as a headline names one; Sq: after its own state's organ),
#            A, A2 persons a state sends (dispatch), C a partner (…との間で交わした),
#            O an organ (ケニア外務省), R a reporter (…外務省は…と発表した), Q a requester
#   targets  T as the trigger takes it (チリの軍備増強), Tn its name, Th/Ts short forms,
#            T2/T2n a second target, TT both, TX/TXK inside an exclusion (除く/除き)
#   items    X (XO "X を", XN "X の", XC bare or empty), XF troops sent to fight
#   words    W the trigger, P its target's particle (Pn the の-form), PT/PTn the partner
#   forms    V past, Vs stem, Vd plain, Vn negated, Vz せず, Vc conditional, Vp/Vpd
#            passive, H headline, Hp a plan's headline, N noun, ONG 中 where it is said
#   phrases  ARGS what the predicate takes (ARGS2 with TT, ARGSX/ARGSXK with TX/TXK),
#            NP+LV a nominal and its light verb, GN a compound (ペルー訪問), NR/NRp a
#            nominal naming the act (plain/past), QA what a condemned target is said to do
#   setting  D0 D D2 days, FUT when a plan is for, PRE/PREP a clause before the
#            trigger's (te-form/past), TAISHI に対し or に対して
GENERIC: dict[str, Entry] = {
    "active_ga": _t("{D}、{S}が{ARGS}{V}。"),
    "active_wa": _t("{S}は{D}、{ARGS}{V}。"),
    "relative_agent": _t("{ARGS}{V}{S}は{D2}、記者会見を開いた。"),
    "nominal": _t("{S}は{D}、{NP}{LV}。"),
    "coord_agents": _t("{S}と{S2}は{D}、{ARGS}{V}。", ("S", "T"), ("S2", "T")),
    "coord_targets": _t("{S}は{D}、{ARGS2}{V}。", ("S", "T"), ("S", "T2")),
    "quoted": _t("{R}は{D}、{Sq}が{ARGS}{V}と発表した。"),
    "carried_clause": _t("{S}は{D}、{PRE}、{ARGS}{V}。"),
    "carried_sentence": _t("{S}は{D0}、{PREP}。{D}には{ARGS}{V}。"),
    "fronted_clause": _t("{D}、{ARGS}{V}後、{S}は記者会見を開いた。"),
    "headline": _t("{Sh}、{ARGS}{H}"),
    "organ": _t("{O}は{D}、{ARGS}{V}。", ("O", "T")),
    "spokesperson": _na("a spokesperson speaks: only a condemnation is done by saying it"),
    "ongoing": _na("中 (…中の) is said of a stay, not of this act"),
    "ni_taishi": _na("no role of this relation is marked by に対して"),
}
_NO_PASSIVE_VISIT = "news Japanese does not put a visit in the passive (ペルーは…に訪問された)"
_IN_WORD = "the target is written inside the trigger word"
POSITIVE: dict[str, dict[str, Entry]] = {
    "sign": {
        "passive_by": _t("{T}は{D}、{S}によって{Vp}。"),
        "passive_from": _na("から does not mark who signs: an agreement is signed by its parties"),
        "passive_at": _t("{T}は{D}、{S}と{S2}の間で{Vp}。", ("S", "T"), ("S2", "T")),
        "relative_target": _t("{S}が{D}に{PT}{V}{T}は、両国の協力の枠組みを定めている。"),
        "genitive": _t("{S}の{GN}は、初めてとなる。"),
        "gapping": _t("{S}が{T}{P}、{S2}が{T2}{P}{V}。", ("S", "T"), ("S2", "T2")),
    },
    "visit": {
        "passive_by": _na(_NO_PASSIVE_VISIT),
        "passive_from": _na(_NO_PASSIVE_VISIT),
        "passive_at": _na(_NO_PASSIVE_VISIT),
        "relative_target": _t("{S}が{D}に{V}{T}では、{D2}に記念式典が開かれた。"),
        "genitive": _t("{S}の{GN}は、5年ぶりとなる。"),
        "ongoing": _t("{T}{N}{ONG}の{S}は{D}、記者会見を開いた。"),
        "gapping": _t("{S}が{T}{P}、{S2}が{T2}{P}{V}。", ("S", "T"), ("S2", "T2")),
    },
    "prefix": {
        "passive_by": _na(_NO_PASSIVE_VISIT),
        "passive_from": _na(_NO_PASSIVE_VISIT),
        "passive_at": _na(_NO_PASSIVE_VISIT),
        "relative_target": _na(_IN_WORD + ": no noun for a relative clause to modify"),
        "genitive": _t("{S}の{N}は、5年ぶりとなる。"),
        "ongoing": _t("{N}中の{S}は{D}、記者会見を開いた。"),
        "coord_targets": _na(_IN_WORD + ": two targets are two words"),
        "gapping": _na(_IN_WORD + ": no argument to gap"),
    },
    "entry": {
        "passive_by": _na(_NO_PASSIVE_VISIT),
        "passive_from": _na(_NO_PASSIVE_VISIT),
        "passive_at": _na(_NO_PASSIVE_VISIT),
        "relative_target": _na("X入り compounds its place: no noun for a relative clause"),
        "genitive": _t("{S}の{GN}は、5年ぶりとなる。"),
        "coord_targets": _na("X入り takes one place (ペルーとチリ入り is not said)"),
        "gapping": _na("X入り compounds its place: no argument to gap"),
    },
    "destination": {
        "passive_by": _na(_NO_PASSIVE_VISIT),
        "passive_from": _na(_NO_PASSIVE_VISIT),
        "passive_at": _na(_NO_PASSIVE_VISIT),
        "relative_agent": _t("{ARGS}{V}{S}は{D2}、帰国の途についた。"),
        "relative_target": _na("訪問先の X names X in apposition: no relative clause on it"),
        "genitive": _na("訪問先 is the noun of a place: it has no compound of its own"),
        "coord_targets": _na("訪問先の X names one place"),
        "gapping": _na("訪問先の X names one place: no argument to gap"),
    },
    "dispatch": {
        "active_ga": _t("{D}、{S}が{ARGS}{V}。", ("A", "T")),
        "active_wa": _t("{S}は{D}、{ARGS}{V}。", ("A", "T")),
        "passive_by": _na(_NO_PASSIVE_VISIT),
        "passive_from": _na(_NO_PASSIVE_VISIT),
        "passive_at": _na(_NO_PASSIVE_VISIT),
        "relative_agent": _t(
            "{S}が{D}に特使として{T}に{V}{A}は、{D2}に記者会見を開いた。", ("A", "T")
        ),
        "relative_target": _t("{S}が{D}に{A}を{V}{T}では、{D2}に記念式典が開かれた。", ("A", "T")),
        "genitive": _t("{A}の{GN}は、5年ぶりとなる。", ("A", "T")),
        "coord_agents": _t("{S}は{D}、{A}と{A2}を特使として{T}に{V}。", ("A", "T"), ("A2", "T")),
        "coord_targets": _t("{S}は{D}、{A}を特使として{TT}に{V}。", ("A", "T"), ("A", "T2")),
        "quoted": _t("{R}は{D}、{S}が{ARGS}{V}と発表した。", ("A", "T")),
        "carried_clause": _t("{S}は{D}、{PRE}、{ARGS}{V}。", ("A", "T")),
        "carried_sentence": _t("{S}は{D0}、{PREP}。{D}には{ARGS}{V}。", ("A", "T")),
        "fronted_clause": _t("{D}、{ARGS}{V}後、{S}は記者会見を開いた。", ("A", "T")),
        "headline": _t("{Sh}、{ARGS}{H}", ("A", "T")),
        "gapping": _t("{S}が{A}を{T}に、{S2}が{A2}を{T2}に{V}。", ("A", "T"), ("A2", "T2")),
        "organ": _t("{O}は{D}、{ARGS}{V}。", ("A", "T")),
    },
    "supply": {
        "passive_by": _t("{D}、{S}によって{T}に{X}が{Vp}。"),
        "passive_from": _t("{T}には{D}、{S}から{X}が{Vp}。"),
        "passive_at": _na("で does not mark who supplies"),
        "relative_target": _t("{S}が{D}に{XO}{V}{T}は、{D2}に謝意を表明した。"),
        "genitive": _t("{S}の{GN}は、初めてとなる。"),
        "ni_taishi": _t("{S}は{D}、{Tn}{TAISHI}、{XO}{V}。"),
        "gapping": _t("{S}が{T}に、{S2}が{T2}に{XO}{V}。", ("S", "T"), ("S2", "T2")),
    },
    "condemn": {
        "passive_by": _t("{Tn}の決定は{D}、{S}によって強く{Vp}。"),
        "passive_from": _t("{Tn}は{D}、{S}から強く{Vp}。"),
        "passive_at": _na("で does not mark who condemns"),
        "relative_target": _t("{S}が{D}に{V}{T}は、周辺国の間でも問題視されている。"),
        "genitive": _t("{S}の{GN}は、日増しに強まっている。"),
        "quoted": _t("{S}は{D}、{Tn}が{QA}と{V}。"),
        "quoted/adjectival": _t("{S}は{D}、{Tn}が{QA}として{V}。"),
        "ni_taishi/を": _t("{S}は{D}、{Tn}{TAISHI}、国境付近での軍事演習を{V}。"),
        "ni_taishi/に": _t("{S}は{D}、{Tn}{TAISHI}、強く{V}。"),
        "gapping": _t("{S}が{T}{P}、{S2}が{T2}{P}{V}。", ("S", "T"), ("S2", "T2")),
        "spokesperson": _t("{O}の報道官は{D}、{ARGS}{V}。", ("O", "T")),
    },
}

# Traps written the same way in every frame (a frame may override or refuse one).
TRAP_GENERIC: dict[str, dict[str, Entry]] = {
    "planned": {
        "active_wa": _no("{S}は{FUT}、{ARGS}{Vd}予定だ。"),
        "active_ga": _no("{FUT}、{S}が{ARGS}{Vd}見通しだ。"),
        "relative_agent": _no("{FUT}{ARGS}{Vd}予定の{S}は{D}、記者会見を開いた。"),
        "nominal": _no("{S}は{D}、{NR}を検討していると明らかにした。"),
        "genitive": _no("{S}の{GN}は、来月になる見通しだ。"),
        "coord_agents": _no("{S}と{S2}は{FUT}、{ARGS}{Vd}方針を明らかにした。"),
        "headline": _no("{Sh}、{ARGS}{Hp}"),
        "carried_clause": _no("{S}は{D}、記者会見を開き、{FUT}{ARGS}{Vd}方針を示した。"),
        "quoted": _no("{R}は{D}、{Sq}が{FUT}{ARGS}{Vd}と発表した。"),
        "organ": _no("{O}は{D}、{FUT}{ARGS}{Vd}方針を明らかにした。"),
    },
    "requested": {
        "active_wa": _no("{Q}は{D}、{S}{TAISHI}、{ARGS}{Vd}よう求めた。"),
        "active_ga": _no("{D}、{Q}が{S}に{NR}を要請した。"),
        "coord_agents": _no("{Q}は{D}、{S}と{S2}{TAISHI}、{ARGS}{Vd}よう求めた。"),
        "headline": _no("{Qh}、{Sh}に対し{ARGS}{Vd}よう要請"),
        "organ": _no("{Q}は{D}、{O}に{NR}を要請した。"),
    },
    "hypothetical": {
        "active_ga": _no("{S}が{ARGS}{Vc}、初めてとなる。"),
        "active_wa": _no("{S}は{D}、{ARGS}{Vc}初めてとなると明らかにした。"),
        "coord_agents": _no("{S}と{S2}が{ARGS}{Vc}、初めてとなる。"),
        "quoted": _no("{R}は{D}、{Sq}が{ARGS}{V}場合、対抗措置を取ると警告した。"),
        "carried_clause": _no("{S}は{D}、記者会見を開き、{ARGS}{V}場合の影響について説明した。"),
        "organ": _no("{O}は{D}、{ARGS}{V}場合の対応を協議した。"),
    },
    "negated": {
        "active_wa": _no("{S}は{D}、結局{ARGS}{Vn}。"),
        "active_ga": _no("{D}、{S}が{ARGS}{Vn}ことが分かった。"),
        "coord_agents": _no("{S}と{S2}は{D}、{ARGS}{Vn}。"),
        "headline": _no("{Sh}、{ARGS}{Vz}"),
        "carried_clause": _no("{S}は{D}、{PREP}が、{ARGS}{Vn}。"),
        "quoted": _no("{R}は{D}、{Sq}が{ARGS}{Vn}と発表した。"),
        "organ": _no("{O}は{D}、{ARGS}{Vn}。"),
    },
    "denied": {
        "active_wa": _no("{S}は{D}、{ARGS}{V}との報道を否定した。"),
        "coord_agents": _no("{S}と{S2}は{D}、{ARGS}{V}との報道を否定した。"),
        "headline": _no("{Sh}、{NRp}を否定"),
        "carried_sentence": _no("{S}は{D}、記者会見を開いた。{ARGS}{V}との報道を否定した。"),
        "quoted": _no("{R}は{D}、{Sq}が{ARGS}{V}との報道を否定した。"),
        "organ": _no("{O}は{D}、{ARGS}{V}との報道を否定した。"),
    },
    "refused": {
        "active_wa": _no("{S}は{D}、{NR}を拒否した。"),
        "active_ga": _no("{D}、{S}が{NR}を見送った。"),
        "relative_agent": _no("{NR}を拒んだ{S}は{D}、記者会見を開いた。"),
        "coord_agents": _no("{S}と{S2}は{D}、{NR}を拒否した。"),
        "headline": _no("{Sh}、{NR}を拒否"),
        "carried_clause": _no("{S}は{D}、記者会見を開き、{NR}を拒否した。"),
        "organ": _no("{O}は{D}、{NR}を拒否した。"),
    },
    "exclusion": {
        "active_wa": _no("{S}は{D}、{ARGSX}{V}。", ("S", "T")),
        "active_ga": _no("{D}、{S}が{ARGSXK}{V}。", ("S", "T")),
        "relative_agent": _no("{ARGSX}{V}{S}は{D2}、記者会見を開いた。", ("S", "T")),
        "headline": _no("{Sh}、{ARGSX}{H}", ("S", "T")),
        "carried_sentence": _no("{S}は{D0}、{PREP}。{D}には{ARGSX}{V}。", ("S", "T")),
    },
    "reversed": {},
    "sent_to_fight": {},
}
_NOT_A_TROOP_VERB = "only a verb that sends troops can send them to fight"
TRAP_FRAME: dict[str, dict[str, dict[str, Entry] | NotApplicable]] = {
    "sign": {
        "planned": {"passive_by": _no("{T}は{FUT}、{S}によって{Vpd}予定だ。")},
        "reversed": _na("every party signs: signing has no direction to reverse"),
        "sent_to_fight": _na(_NOT_A_TROOP_VERB),
    },
    "visit": {
        "reversed": {"nominal": _no("{Tn}は{D}、{S}の{N}を受け入れた。", ("T", "*"))},
        "sent_to_fight": _na(_NOT_A_TROOP_VERB),
    },
    "prefix": {
        "exclusion": _na(_IN_WORD + ": nothing to exclude"),
        "reversed": _na(_IN_WORD + ": the host is not named"),
        "sent_to_fight": _na(_NOT_A_TROOP_VERB),
    },
    "entry": {
        "exclusion": _na("X入り compounds one place: nothing to exclude"),
        "reversed": _na("X入り is not received by a host (…のペルー入りを受け入れた is not said)"),
        "sent_to_fight": _na(_NOT_A_TROOP_VERB),
    },
    "destination": {
        "planned": {
            "nominal": _na("訪問先の X presupposes the visit: only a date makes it a plan")
        },
        **{
            trap: _na("what follows 訪問先の X is not the visit: the visit itself took place")
            for trap in ("requested", "hypothetical", "negated", "denied", "refused")
        },
        "exclusion": _na("訪問先の X names one place: nothing to exclude"),
        "reversed": _na("訪問先 names the visitor's destination only"),
        "sent_to_fight": _na(_NOT_A_TROOP_VERB),
    },
    "dispatch": {
        "planned": {"genitive": _no("{A}の{GN}は、来月になる見通しだ。")},
        "exclusion": {
            "active_wa": _no("{S}は{D}、{ARGSX}{V}。", ("A", "T")),
            "headline": _no("{Sh}、{ARGSX}{H}", ("A", "T")),
        },
        "reversed": _na("a person is sent by the state: no direction to reverse"),
        "sent_to_fight": _na("an envoy is sent to talk, not to fight"),
    },
    "supply": {
        "planned": {"passive_by": _no("{FUT}、{S}によって{T}に{X}が{Vpd}予定だ。")},
        "reversed": {
            "passive_from": _no("{Tn}は{D}、{S}から{XO}{Vp}。", ("T", "S")),
            "nominal": _no("{Tn}は{D}、{S}からの{XN}{N}を受け入れた。", ("T", "S")),
            "relative_agent": _no("{S}から{XO}{Vp}{Tn}は{D2}、謝意を表明した。", ("T", "S")),
        },
        "sent_to_fight": {
            "active_wa": _no("{S}は{D}、{Tn}に侵攻するため、国境地帯に{XF}{V}。"),
            "active_ga": _no("{D}、{S}が{XF}{Tn}に{Vs}、{Tn}軍と戦わせていることが分かった。"),
            "relative_agent": _no("{Tn}に侵攻するため国境地帯に{XF}{V}{S}は{D2}、声明を発表した。"),
            "headline": _no("{Sh}、{Tn}侵攻で国境に{XF}{H}"),
            "carried_sentence": _no(
                "{S}は{D0}、{Tn}への侵攻を表明した。{D}には国境地帯に{XF}{V}。"
            ),
        },
    },
    "condemn": {
        "planned": {
            "genitive": _na("a condemnation is not scheduled as a compound (…への非難は来月)")
        },
        "reversed": {
            "passive_from": _no("{Tn}は{D}、{S}から{Vp}。", ("T", "S")),
            "passive_by": _no("{Tn}は{D}、{S}によって{Vp}。", ("T", "S")),
            "relative_agent": _no("{S}から{Vp}{Tn}は{D2}、反論の声明を出した。", ("T", "S")),
            "headline": _no("{Th}、{Sh}から{Vpd}", ("T", "S")),
            "nominal": _no("{Tn}は{D}、{S}の{N}に反論した。", ("T", "S")),
        },
        "sent_to_fight": _na(_NOT_A_TROOP_VERB),
    },
}


@dataclass(frozen=True)
class Nominal:
    """A nominal use of a trigger before a light verb: the phrase (format fields as in a
    template) and the verb after it, with the light verb's lemma and the carrier noun it
    uses (both must be in rules.yaml's light_verbs and carrier_nouns)."""

    phrase: str
    verb: str
    lemma: str
    carrier: str | None = None


@dataclass(frozen=True)
class Frame:
    """How a trigger of one kind takes its arguments: the actor kinds of its agent and
    target (one drawn per cell), the target's particle, what the predicate takes
    (``args``), its compound (``compound``) and the nominal that names the act (``act``),
    its light-verb use, the group an exclusion names, the organ that acts for a state,
    and a clause to put before the trigger's (te-form and past)."""

    agents: tuple[str, ...]
    targets: tuple[str, ...]
    args: str
    compound: str | None
    act: str | None
    nominal: Nominal | str
    group: str | None
    organ: str
    before: str
    before_past: str
    particle: str = "を"
    future: str = "来月"  # when a plan is for


FRAMES: dict[str, Frame] = {
    "sign": Frame(
        ("state", "person"), ("agreement",), "{PT}{T}{P}", "{T}{N}",
        "{T}{Pn}{N}", Nominal("{PTn}{T}{Pn}{N}", "を行った", "行う"), "3つの協定", "政府",
        "首都で開かれた式典に臨み", "首都で開かれた式典に出席した",
    ),
    "visit": Frame(
        ("person",), ("state",), "{T}{P}", "{T}{N}", "{T}{N}",
        Nominal("3日間の{T}{N}", "を終えた", "終える"), "近隣3カ国", "政府代表団",
        "特別機で首都を出発し", "特別機で首都を出発した",
    ),
    "prefix": Frame(
        ("person",), (), "", "{N}", "{N}", Nominal("3日間の{N}", "を終えた", "終える"), None,
        "政府代表団", "特別機で首都を出発し", "特別機で首都を出発した",
    ),
    "entry": Frame(
        ("person",), ("state",), "{Tn}", "{Tn}{N}", "{Tn}{N}",
        "X入り is a compound predicate: no light verb takes it (ペルー入りを終えた is not said)",
        None, "政府代表団", "特別機で首都を出発し", "特別機で首都を出発した",
    ),
    "destination": Frame(
        ("person",), ("state",), "{W}の{T}で記者会見を", None, None,
        "訪問先 is the noun of a place: it has no light-verb use", None, "政府代表団",
        "特別機で首都を出発し", "特別機で首都を出発した",
    ),
    "dispatch": Frame(
        ("envoy",), ("state",), "{A}を特使として{T}に", "{Tn}{N}", "{A}の{Tn}{N}",
        "sending a person is not said with a light verb (…の派遣を行った)", "近隣3カ国", "政府",
        "臨時の閣議を開き", "臨時の閣議を開いた",
    ),
    "supply": Frame(
        ("state", "body", "state"), ("state",), "{T}に{XO}", "{Tn}への{XC}{N}",
        "{Tn}への{XN}{N}", Nominal("{Tn}への{XN}{N}", "を開始した", "開始"), "近隣諸国",
        "政府", "臨時の閣議を開き", "臨時の閣議を開いた",
    ),
    "condemn": Frame(
        ("state", "person", "body", "state", "party"), ("state", "state", "person", "armed"),
        "{T}{P}", "{Ts}への{N}", None,
        Nominal("{Tn}に対する{N}の声明", "を出した", "出す", "声明"), "周辺各国", "外務省",
        "声明を発表し", "臨時の記者会見を開いた", future="近く",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Lex:
    """What a trigger word needs beyond its frame (None: the frame's)."""

    particle: str | None = None  # the target's case: を or に
    target: str = "{}"  # the target phrase around the target's name
    targets: tuple[str, ...] | None = None  # actor kinds of the target
    agents: tuple[str, ...] | None = None  # actor kinds of the agent
    item: str | None = None  # what is supplied ("": nothing, 派兵)
    ongoing: bool = False  # …中の is said (訪問中の)
    nominal: Nominal | str | None = None
    organ: str | None = None
    before: tuple[str, str] | None = None  # (te-form, past) clause before the trigger's
    troops: bool = False  # sends troops: the sent-to-fight trap applies
    reciprocal: bool = False  # done with a partner (…と交わした), who signs too
    excluded: str | None = None  # the target inside an exclusion, when not the target's
    templates: dict[str, Entry] = field(default_factory=dict)  # construction or trap/construction


def _refusing(traps: Iterable[str], reason: str) -> dict[str, Entry]:
    """Templates refusing some traps in every construction."""
    return {f"{trap}/{key}": _na(reason) for trap in traps for key in CONSTRUCTIONS}


NAVY = {"agents": ("navy",), "organ": "海軍", "before": ("母港を出港し", "母港を出港した")}
ONE_PLACE: dict[str, Entry] = {"coord_targets": _na("one arrives at one place at a time")}
ARRIVAL: dict[str, Entry] = {
    **ONE_PLACE,
    "reversed/nominal": _na("an arrival is not received (…の到着を受け入れた)"),
    **_refusing(
        ("exclusion", "refused", "requested"),
        "an arrival is no act one is asked for, refuses or makes in several places at once",
    ),
}
DEFAULT_ITEM = "支援物資"
ARMS = {"agents": ("state",), "organ": "国防省"}  # weapons and troops: sent by states
# Exchanging, agreeing: two parties at least (ペルーはチリと…を交わした); the partner signs too.
RECIPROCAL: dict[str, Entry] = {
    "passive_by": _t("{T}は{D}、{S}と{C}によって{Vp}。", ("S", "T"), ("C", "T")),
    "gapping": _na("one party alone does not exchange or agree: nothing to gap"),
}
# Verbs whose passive does not take the recipient as subject (チリは…を輸出された).
ACTIVE_ONLY: dict[str, Entry] = {
    f"reversed/{key}": _na("the recipient is not the passive's subject (…から小麦を輸出された)")
    for key in ("passive_from", "relative_agent")
}
# What an exclusion (Xを除く…) names besides X, by the kind of X.
EXCLUSION_GROUPS = {
    "person": "各国の首脳", "armed": "ほかの武装勢力", "body": "ほかの国際機関",
    "party": "ほかの政党", "strait": "周辺の海峡", "island": "周辺の島々",
}  # fmt: skip
# What a condemned target is said to do, by its kind (a quoted clause).
QUOTED_ACTS = {"person": "報道の自由を制限している"}
QUOTED_ACT = "国境地帯で軍事演習を繰り返している"
FIGHTING_ITEM = "部隊"
_NO_LIGHT_VERB = "no light verb takes it (…の{}を行った is not said)"
# Keyed by word, or by relation:word where one word triggers two relations differently.
LEXICON: dict[str, Lex] = {
    # signed
    "署名": Lex(particle="に"),
    "サイン": Lex(particle="に"),
    "調印": Lex(particle="に"),
    "合意": Lex(
        particle="に", reciprocal=True, templates=RECIPROCAL,
        nominal="合意 is reached, not carried out: 合意に達した has no light verb",
    ),
    "交換": Lex(targets=("memorandum",), reciprocal=True, templates=RECIPROCAL),
    "交わす": Lex(reciprocal=True, templates=RECIPROCAL),
    "取り交わす": Lex(reciprocal=True, templates=RECIPROCAL),
    "批准": Lex(
        agents=("state",),
        templates={"passive_at": _na("each party ratifies alone: …の間で批准された is not said")},
    ),
    # visited
    "訪問": Lex(ongoing=True),
    "到着": Lex(
        particle="に", nominal=_NO_LIGHT_VERB.format("到着"),
        templates=ARRIVAL,
    ),
    "滞在": Lex(particle="に", ongoing=True),
    "上陸": Lex(
        particle="に", targets=("island",), nominal=_NO_LIGHT_VERB.format("上陸"),
        templates={"reversed/nominal": _na("an island is no host that receives a landing")},
    ),
    "歴訪": Lex(
        target="{}など3カ国", ongoing=True, excluded="{}を除く近隣3カ国",
        templates={"reversed/nominal": _na("a tour is not received by one host")},
    ),
    "視察": Lex(target="{}の被災地", ongoing=True),
    "通過": Lex(
        **NAVY,
        targets=("strait",), ongoing=True, nominal=Nominal("{T}の{N}", "を終えた", "終える"),
        templates={"reversed/nominal": _na("a strait is no host that receives a passage")},
    ),
    "参拝": Lex(targets=("temple",), templates=_refusing(("exclusion", "reversed"), "a temple "
                "is one place and no host")),
    "留学": Lex(
        particle="に", ongoing=True, nominal=Nominal("{T}への{N}", "を終えた", "終える"),
        templates={
            "organ": _na("a delegation does not study abroad"),
            "reversed/nominal": _na("a student is received by a school, not by a state"),
        },
    ),
    "出張": Lex(particle="に", ongoing=True),
    "入国": Lex(particle="に"),
    "寄港": Lex(particle="に", targets=("coastal",), **NAVY),
    "来訪": Lex(),
    "慰問": Lex(target="{}の被災地"),
    "着く": Lex(particle="に", templates=ARRIVAL),
    "渡る": Lex(particle="に"),
    "行く": Lex(particle="に"),
    "向かう": Lex(particle="に"),
    "赴く": Lex(particle="に"),
    "通う": Lex(particle="に"),
    # supplied
    "供与": Lex(item="戦車", **ARMS),
    "輸出": Lex(item="小麦", agents=("state",), templates=ACTIVE_ONLY),
    "派兵": Lex(item="", troops=True, **ARMS),
    "寄贈": Lex(item="医療機器"),
    "拠出": Lex(item="資金", targets=("body",)),
    "支給": Lex(item="小銃", targets=("armed",), **ARMS),
    "供給": Lex(item="天然ガス", agents=("state",)),
    "提供": Lex(item="医薬品"),
    "輸送": Lex(item="救援物資", templates=ACTIVE_ONLY),
    "援助": Lex(item="食料"),
    "寄付": Lex(item="義援金"),
    "譲渡": Lex(item="哨戒機", **ARMS),
    "売却": Lex(item="戦闘機", templates=ACTIVE_ONLY, **ARMS),
    "贈る": Lex(item="ワクチン"),
    "引き渡す": Lex(item="装甲車", **ARMS),
    "移転": Lex(item="軍事技術", templates=ACTIVE_ONLY, **ARMS),
    "届ける": Lex(item="支援物資"),
    "supplied:派遣": Lex(item="部隊", troops=True, **ARMS),
    "supplied:送る": Lex(item="救援物資", troops=True),
    "supplied:送り込む": Lex(item="兵士", troops=True, **ARMS),
    # condemned
    "抗議": Lex(particle="に"),
    "反発": Lex(particle="に", nominal=Nominal("{Tn}への{N}", "を強めた", "強める")),
    "遺憾": Lex(
        particle="に", target="{}の対応",
        nominal=Nominal("{T}に{W}の意", "を表明した", "表明", "意"),
        templates={"quoted": _t("{S}は{D}、{Tn}が国境地帯で軍事演習を実施したことに{V}。")},
    ),
    "懸念": Lex(
        target="{}の軍備増強", targets=("state", "armed"),
        nominal=Nominal("{T}への{N}", "を表明した", "表明"),
        templates={"ni_taishi": _t("{S}は{D}、{Tn}{TAISHI}、深い{N}を表明した。")},
    ),
    "憂慮": Lex(
        target="{}の軍備増強", targets=("state", "armed"),
        nominal=Nominal("{T}に深い{N}", "を示した", "示す"),
        templates={"ni_taishi": _t("{S}は{D}、{Tn}{TAISHI}、深い{N}を表明した。")},
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Periphrasis:
    """How a 形状詞 trigger is said as a predicate: a carrier noun and a light verb (both
    must be in rules.yaml's carrier_nouns and light_verbs), and its headline form."""

    link: str  # between the word and the carrier: の (遺憾の意) or な (批判的な姿勢)
    carrier: str
    verb: str
    conjugation: str  # the verb's ("suru" for a verbal noun)
    headline: str  # what follows the word in a headline (遺憾表明)


PERIPHRASES = {"遺憾": Periphrasis("の", "意", "表明", "suru", "表明")}
DEFAULT_PERIPHRASIS = Periphrasis("な", "姿勢", "示す", "五段-サ行", "な姿勢")
DESTINATION_VERB = "開く"  # 訪問先のXで記者会見を開いた: the predicate after a destination

# Endings of 五段 verbs per conjugation type (SudachiPy's names): 未然, 連用, 仮定 and the
# past stem (音便), and whether the past is voiced (結んだ, not 結んた).
GODAN: dict[str, tuple[str, str, str, str, bool]] = {
    "五段-カ行": ("か", "き", "け", "い", False),
    "五段-ガ行": ("が", "ぎ", "げ", "い", True),
    "五段-サ行": ("さ", "し", "せ", "し", False),
    "五段-タ行": ("た", "ち", "て", "っ", False),
    "五段-ナ行": ("な", "に", "ね", "ん", True),
    "五段-バ行": ("ば", "び", "べ", "ん", True),
    "五段-マ行": ("ま", "み", "め", "ん", True),
    "五段-ラ行": ("ら", "り", "れ", "っ", False),
    "五段-ワア行": ("わ", "い", "え", "っ", False),
}
PAST_STEMS = {"行く": "行っ"}  # 五段-カ行, but 行った


# ============================================================================ words
@dataclass(frozen=True)
class Forms:
    """The forms of a trigger that sentences need; None where it has none."""

    past: str | None = None  # 訪問した
    stem: str | None = None  # 訪問し (連用形, a clause chained on)
    plain: str | None = None  # 訪問する
    negative: str | None = None  # 訪問しなかった
    without: str | None = None  # 訪問せず
    conditional: str | None = None  # 訪問すれば
    passive: str | None = None  # 訪問された
    passive_plain: str | None = None  # 訪問される
    headline: str | None = None  # 訪問 (a noun) / 結ぶ (a verb)
    noun: str | None = None  # 訪問; None for a verb


def suru_forms(base: str, noun: str | None = None, headline: str | None = None) -> Forms:
    """Forms of a verbal noun with する.

    >>> f = suru_forms("署名", "署名")
    >>> f.past, f.negative, f.conditional, f.passive
    ('署名した', '署名しなかった', '署名すれば', '署名された')
    """
    return Forms(
        base + "した", base + "し", base + "する", base + "しなかった", base + "せず",
        base + "すれば", base + "された", base + "される", headline or base, noun,
    )  # fmt: skip


def verb_forms(word: str, conjugation: str) -> Forms:
    """Forms of a verb of a conjugation type (empty for a type with no endings here).

    >>> f = verb_forms("結ぶ", "五段-バ行")
    >>> f.past, f.stem, f.negative, f.conditional, f.passive
    ('結んだ', '結び', '結ばなかった', '結べば', '結ばれた')
    >>> verb_forms("訪れる", "下一段-ラ行").past, verb_forms("行く", "五段-カ行").past
    ('訪れた', '行った')
    """
    stem = word[:-1]
    if conjugation in GODAN:
        a, i, e, sound, voiced = GODAN[conjugation]
        past_stem = PAST_STEMS.get(word, stem + sound)
        return Forms(
            past_stem + ("だ" if voiced else "た"), stem + i, word, stem + a + "なかった",
            stem + a + "ず", stem + e + "ば", stem + a + "れた", stem + a + "れる", word,
        )  # fmt: skip
    if conjugation.startswith(("下一段", "上一段")):
        return Forms(
            stem + "た", stem, word, stem + "なかった", stem + "ず", stem + "れば",
            stem + "られた", stem + "られる", word,
        )  # fmt: skip
    return Forms()


@cache
def word_class(word: str) -> tuple[str, str]:
    """A word's class (verb, suru, adjectival or noun) and conjugation type, as SudachiPy
    analyses it through GiNZA's tokenizer (the last token decides: 取り交わす)."""
    from kg.nlp import load_nlp

    token = load_nlp().tokenizer(word)[-1]
    tag = token.tag_
    if tag.startswith("動詞"):
        inflection = token.morph.get("Inflection")
        return "verb", inflection[0].split(";")[0] if inflection else ""
    if tag.startswith("名詞") and "サ変" in tag:
        return "suru", ""
    if "形状詞" in tag:  # 遺憾; 批判的 (its last token is the suffix 的)
        return "adjectival", ""
    return "noun", ""


# ============================================================================ cells
@dataclass(frozen=True)
class Trigger:
    """One trigger of the matrix: a rule's word, its relation and frame, and its forms."""

    relation: str
    word: str
    frame: str | None  # None: no frame knows this relation's arguments
    kind: str  # verb, suru, adjectival, noun
    conjugation: str
    passive: bool  # a passive rule of the relation lists it
    rules: tuple[str, ...]
    target: str | None = None  # a prefix trigger's target (訪米 → アメリカ合衆国)
    target_slots: tuple[str, ...] = ()  # where its rule looks for the target


@dataclass(frozen=True)
class Names:
    """The labels an entity may have in kg's output (any one matches), and labels that may
    stand in for it in an extra fact without counting as a false positive (a person's
    state).  ``suffix``: an agreement, which kg may label with the words before its name."""

    labels: tuple[str, ...]
    tolerated: tuple[str, ...] = ()
    suffix: bool = False

    def fits(self, label: str, tolerant: bool = False) -> bool:
        from kg.gazetteer import normalize

        key = normalize(label)
        names = self.labels + (self.tolerated if tolerant else ())
        return any(
            key == normalize(name) or (self.suffix and key.endswith(normalize(name)))
            for name in names
        )

    def __str__(self) -> str:
        return "/".join(self.labels)


@dataclass(frozen=True)
class Pair:
    """An (agent, target) fact of a cell's relation; None stands for any entity."""

    agent: Names | None
    target: Names | None

    def __str__(self) -> str:
        return f"{self.agent or '*'} → {self.target or '*'}"


@dataclass(frozen=True)
class Cell:
    """One sentence of the matrix (``text`` None: not applicable, ``reason`` says why).
    ``facts`` are expected (a positive cell) or forbidden (a trap)."""

    relation: str
    trigger: str
    construction: str
    trap: str | None = None
    text: str | None = None
    reason: str = ""
    facts: tuple[Pair, ...] = ()
    frame: str | None = None

    @property
    def applicable(self) -> bool:
        return self.text is not None

    @property
    def row(self) -> str:
        """The table row: its construction, or its trap."""
        return self.trap or self.construction


@dataclass(frozen=True)
class Actor:
    """A name as a sentence writes it (``phrase``; ``short`` in a headline) and the labels
    kg may give it."""

    kind: str
    phrase: str
    short: str
    names: Names
    state: str | None = None


def frame_of(rule: Rule) -> str | None:
    """The frame a rule's trigger takes its arguments in, from the rule itself."""
    if rule.trigger_prefix:
        return "prefix"
    if rule.relation == "visited":
        agent_slots = rule.agent.slots
        target_slots = rule.target.slots if rule.target else ()
        if agent_slots[:1] == ("object",):
            return "dispatch"
        if target_slots[:1] == ("apposed",):
            return "destination"
        if target_slots[:1] == ("compound",):
            return "entry"
        return "visit"
    return {"signed": "sign", "supplied": "supply", "condemned": "condemn"}.get(rule.relation)


def prefix_words(prefix: str, gazetteer: Gazetteer) -> list[tuple[str, str]]:
    """The words a prefix rule is written with (訪米 …), each with its state's label."""
    chosen = PREFIX_ABBREVIATIONS.get(prefix) or tuple(gazetteer.abbreviations)
    found = [a for a in chosen if a in gazetteer.abbreviations][:PREFIX_WORDS_PER_RULE]
    return [(prefix + a, gazetteer.entries[gazetteer.abbreviations[a]].label_ja) for a in found]


def matrix_triggers(rules: RuleSet, gazetteer: Gazetteer) -> list[Trigger]:
    """Every (relation, trigger word) of the rules, with its frame from the first active
    rule that lists it, in rule order (words of a rule sorted)."""
    listed: dict[tuple[str, str], list[Rule]] = {}
    targets: dict[str, str] = {}
    for rule in rules.rules:
        if rule.trigger_prefix:
            pairs = prefix_words(rule.trigger_prefix, gazetteer)
            targets.update(pairs)
            words = [word for word, _ in pairs]
        else:
            words = sorted(rule.triggers)
        for word in words:
            listed.setdefault((rule.relation, word), []).append(rule)
    found = []
    for (relation, word), word_rules in listed.items():
        active = [r for r in word_rules if r.voice == "active"] or word_rules
        frame = frame_of(active[0])
        slots = active[0].target.slots if active[0].target else ()
        kind, conjugation = ("suru", "") if frame in ("prefix", "entry") else word_class(word)
        passive = any(r.voice == "passive" for r in word_rules)
        ids = tuple(r.rule_id for r in word_rules)
        found.append(
            Trigger(
                relation, word, frame, kind, conjugation, passive, ids, targets.get(word), slots
            )
        )
    return found


def periphrastic_forms(word: str) -> Forms:
    """Forms of a 形状詞 trigger said with its carrier noun and light verb.

    >>> periphrastic_forms("遺憾").past, periphrastic_forms("批判的").negative
    ('遺憾の意を表明した', '批判的な姿勢を示さなかった')
    """
    way = PERIPHRASES.get(word, DEFAULT_PERIPHRASIS)
    lead = f"{word}{way.link}{way.carrier}を"
    if way.conjugation == "suru":
        verb = suru_forms(way.verb)
    else:
        verb = verb_forms(way.verb, way.conjugation)
    fields = {name: value and lead + value for name, value in verb.__dict__.items()}
    return Forms(**{**fields, "headline": word + way.headline, "noun": None})


def forms_of(trigger: Trigger) -> Forms:
    """The forms a trigger's sentences use (a destination's are those of its verb)."""
    if trigger.frame == "destination":
        return verb_forms(DESTINATION_VERB, "五段-カ行")
    word = trigger.word
    if trigger.kind == "suru":
        forms = suru_forms(word, word)
    elif trigger.kind == "verb":
        forms = verb_forms(word, trigger.conjugation)
    elif trigger.kind == "adjectival":
        forms = periphrastic_forms(word)
    else:
        forms = Forms(noun=word, headline=word)
    if not trigger.passive:
        forms = Forms(**{**forms.__dict__, "passive": None, "passive_plain": None})
    return forms


class Casting:
    """Names for one cell, drawn at random from the pools with the cell's seed (so every
    construction meets every kind of name): no two roles share a state or a name."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def _draw(self, pool: Sequence, key=lambda item: item):
        start = self.rng.randrange(len(pool))
        for step in range(len(pool)):
            item = pool[(start + step) % len(pool)]
            if key(item) not in self.used:
                self.used.add(key(item))
                return item
        raise ValueError("the pool is too small for one cell")

    def choice(self, kinds: Sequence[str]) -> str:
        return self.rng.choice(list(kinds))

    def state(self, pool: Sequence[str] = STATES) -> Actor:
        name = self._draw(pool)
        return Actor("state", name, name, Names((name,)), name)

    def person(self, titles: Sequence[str] | None = None, short: bool = False) -> Actor:
        pool = [p for p in PERSONS if titles is None or p[2] in titles]
        state, name, title = self._draw(pool, key=lambda person: person[0])
        phrase = f"{name}{title}" if short else f"{state}の{name}{title}"
        return Actor("person", phrase, f"{name}{title}", Names((name,), (state,)), state)

    def organ(self, body: str, state: str | None = None, pool: Sequence[str] = STATES) -> Actor:
        state = state or self._draw(pool)
        phrase = f"{state}{body}"
        return Actor("organ", phrase, phrase, Names((state, phrase)), state)

    def actor(self, kind: str) -> Actor:
        """A fresh actor of a kind (state, person, body, armed, party, agreement …)."""
        if kind == "state":
            return self.state()
        if kind == "person":
            return self.person()
        coastal = [state for state in STATES if state not in LANDLOCKED]
        if kind == "navy":
            return self.organ("海軍", pool=coastal)
        if kind == "coastal":
            return self.state(coastal)
        pools = {
            "body": BODIES, "armed": ARMED_GROUPS, "party": PARTIES, "agreement": AGREEMENTS,
            "memorandum": MEMORANDA, "strait": STRAITS, "island": ISLANDS, "temple": TEMPLES,
        }  # fmt: skip
        name = self._draw(pools[kind])
        names = Names((name,), suffix=kind in ("agreement", "memorandum"))
        return Actor(kind, name, name, names)


@dataclass
class Cast:
    """The actors of one cell by role."""

    roles: dict[str, Actor]

    def names(self, role: str) -> Names | None:
        return None if role == "*" else self.roles[role].names


def cast_for(trigger: Trigger, frame: Frame, lex: Lex, seed: int) -> Cast:
    """The actors of a cell: agents, targets, a partner, an organ, a reporter, a requester."""
    casting = Casting(seed)
    roles: dict[str, Actor] = {}
    agent_kind = casting.choice(lex.agents or frame.agents)
    if agent_kind == "envoy":  # dispatch: a state sends one of its own ministers
        for role, sender in (("A", "S"), ("A2", "S2")):
            roles[role] = casting.person(ENVOY_TITLES, short=True)
            state = roles[role].state or ""
            roles[sender] = Actor("state", state, state, Names((state,)), state)
    else:
        roles["S"] = casting.actor(agent_kind)
        roles["S2"] = casting.actor(agent_kind)
    target_kinds = lex.targets or frame.targets
    if target_kinds:
        target_kind = casting.choice(target_kinds)
        roles["T"] = casting.actor(target_kind)
        roles["T2"] = casting.actor(target_kind)
    elif trigger.target:
        roles["T"] = Actor("state", trigger.target, trigger.target, Names((trigger.target,)))
    roles["C"] = casting.state()
    first, target = roles["S"], roles.get("T")
    roles["O"] = casting.organ(lex.organ or frame.organ, first.state if "A" in roles else None)
    reporter = first.state if first.kind == "person" else None
    if reporter is None and target is not None and target.kind == "state":
        reporter = target.state
    roles["R"] = casting.organ("外務省", reporter)
    roles["Q"] = casting.state()
    return Cast(roles)


def _slots(trigger: Trigger, frame: Frame, lex: Lex, cast: Cast, seed: int) -> dict:
    """Every format field of a template for one cell (None where the trigger has none)."""
    forms = forms_of(trigger)
    slots = {
        **_word_slots(trigger, forms, lex, frame),
        **_role_slots(cast, lex, frame),
        **_time_slots(seed),
        "PRE": (lex.before or (frame.before,))[0],
        "PREP": (lex.before or (None, frame.before_past))[1],
        "FUT": frame.future,
    }
    if trigger.frame == "prefix":
        slots["T"] = None  # the target is inside the word: no phrase names it
    for name, key in (("ARGS", "T"), ("ARGS2", "TT"), ("ARGSX", "TX"), ("ARGSXK", "TXK")):
        phrase = slots[key]
        usable = phrase is not None or name == "ARGS"
        slots[name] = _fill(frame.args, {**slots, "T": phrase}) if usable else None
    slots["GN"] = _fill(frame.compound, slots)
    nominal_act = forms.noun and frame.act
    slots["NR"] = _fill(frame.act if nominal_act else "{ARGS}{Vd}こと", slots)
    slots["NRp"] = _fill(frame.act if nominal_act else "{ARGS}{V}こと", slots)
    nominal = lex.nominal or frame.nominal
    if isinstance(nominal, Nominal) and (forms.noun or trigger.kind == "adjectival"):
        slots["NP"], slots["LV"] = _fill(nominal.phrase, slots), nominal.verb
    else:
        slots["NP"] = slots["LV"] = None
    return slots


def particle_of(trigger: Trigger, frame: Frame, lex: Lex) -> str:
    """The particle of a trigger's target: its lexicon's; に for a 形状詞 (遺憾, 批判的) or
    where its rule takes the target as a dative only (行く, 通う); else its frame's."""
    if lex.particle:
        return lex.particle
    if trigger.kind == "adjectival" or trigger.target_slots == ("dative",):
        return "に"
    return frame.particle


def _word_slots(trigger: Trigger, forms: Forms, lex: Lex, frame: Frame) -> dict:
    """The trigger's forms, its particle, and the item it supplies."""
    particle = particle_of(trigger, frame, lex)
    item = "" if trigger.frame != "supply" else DEFAULT_ITEM if lex.item is None else lex.item
    troops = (FIGHTING_ITEM if item else "") if lex.troops else None
    ongoing = "中" if lex.ongoing or trigger.frame == "prefix" else None
    plan = forms.noun and forms.noun + "へ" or forms.plain and forms.plain + "方針"
    return {
        "W": trigger.word, "P": particle, "Pn": "への" if particle == "に" else "の",
        "X": item or None, "XO": item and item + "を", "XN": item and item + "の", "XC": item,
        "XF": None if troops is None else troops and troops + "を", "ONG": ongoing,
        "V": forms.past, "Vs": forms.stem, "Vd": forms.plain, "Vn": forms.negative,
        "Vz": forms.without, "Vc": forms.conditional, "Vp": forms.passive,
        "Vpd": forms.passive_plain, "H": forms.headline, "N": forms.noun, "Hp": plan,
    }  # fmt: skip


def _role_slots(cast: Cast, lex: Lex, frame: Frame) -> dict:
    """The actors' phrases (``Xh``: as a headline names them) and the target phrases."""
    slots: dict[str, str | None] = {}
    for role, actor in cast.roles.items():
        slots[role] = actor.phrase
        slots[role + "h"] = actor.short
    first, target, second = cast.roles["S"], cast.roles.get("T"), cast.roles.get("T2")
    slots["Sq"] = first.short if first.kind == "person" else first.phrase  # after its organ
    partner = cast.roles["C"].phrase if lex.reciprocal else None
    slots["PT"], slots["PTn"] = (f"{partner}との間で", f"{partner}との") if partner else ("", "")
    around = lex.target
    group = frame.group and EXCLUSION_GROUPS.get(target.kind if target else "", frame.group)
    if target is None:
        return {**slots, **dict.fromkeys(("T", "Tn", "Th", "Ts", "T2", "T2n", "TT", "TX")),
                "TXK": None, "QA": None}  # fmt: skip
    slots.update(
        T=around.format(target.phrase), Tn=target.phrase, Th=target.short,
        Ts=around.format(target.short), QA=QUOTED_ACTS.get(target.kind, QUOTED_ACT),
    )  # fmt: skip
    slots["T2"] = around.format(second.phrase) if second else None
    slots["T2n"] = second.phrase if second else None
    slots["TT"] = around.format(f"{target.phrase}と{second.phrase}") if second else None
    excluded = lex.excluded or around.format("{}を除く" + (group or ""))
    slots["TX"] = excluded.format(target.phrase) if group else None
    slots["TXK"] = excluded.replace("を除く", "を除き、").format(target.phrase) if group else None
    return slots


def _time_slots(seed: int) -> dict:
    """The days of a cell (before the day the news is read) and に対し / に対して."""
    day = DAYS[seed % len(DAYS)]
    return {
        "D0": f"{day - 1}日", "D": f"{day}日", "D2": f"{day + 1}日",
        "TAISHI": ("に対し", "に対して")[seed % 2],
    }  # fmt: skip


def _fill(pattern: str | None, slots: dict) -> str | None:
    """A pattern with its fields filled; None if it or any field it uses is None."""
    if pattern is None:
        return None
    if any(slots.get(name) is None for name in _fields(pattern)):
        return None
    return pattern.format(**slots)


@cache
def _fields(pattern: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(pattern) if name)


def _missing_reason(name: str, trigger: Trigger, frame: Frame, lex: Lex) -> str:
    """Why a field a template needs is missing for a trigger."""
    word = trigger.word
    if name == "ONG":
        return f"{word}中 is not said (only of a stay or a tour: 訪問中, 滞在中)"
    if name in ("Vp", "Vpd"):
        return f"no passive rule of {trigger.relation} lists {word}"
    if name in ("N", "GN", "Hp") and trigger.kind == "verb":
        return f"{word} is a verb: it has no nominal use"
    if name in ("N", "GN", "NP", "LV") and trigger.kind == "adjectival":
        way = PERIPHRASES.get(word, DEFAULT_PERIPHRASIS)
        return f"{word} is no noun of its own: only {word}{way.link}{way.carrier}"
    if name in ("NP", "LV"):
        nominal = lex.nominal or frame.nominal
        if isinstance(nominal, str):
            return nominal
        return f"{word} is a verb: it has no nominal use"
    if name in ("X", "XO", "XN", "XF"):
        return f"{word} names no item apart from itself" if lex.item == "" else _NOT_A_TROOP_VERB
    if name in ("TX", "TXK", "ARGSX", "ARGSXK", "TT", "ARGS2", "T", "Tn", "Th", "GN", "NR"):
        return (
            _IN_WORD
            if trigger.frame in ("prefix", "entry", "destination")
            else (f"the {trigger.frame} frame has no {name}")
        )
    if trigger.kind == "noun":
        return f"{word} is a noun that takes no する: it has no verbal form"
    return f"{word} ({trigger.kind} {trigger.conjugation}) has no form for {name}"


def _entry(trigger: Trigger, frame: Frame, lex: Lex, key: str, trap: str | None) -> Entry | None:
    """The template (or refusal) of a construction for a trigger; None: none written."""
    particle = particle_of(trigger, frame, lex)
    name = f"{trap}/{key}" if trap else key
    for candidate in (f"{name}/{particle}", name):
        if candidate in lex.templates:
            return lex.templates[candidate]
    if trap is None:
        table = POSITIVE.get(trigger.frame or "", {})
        for candidate in (f"{key}/{trigger.kind}", f"{key}/{particle}", key):
            if candidate in table:
                return table[candidate]
        return GENERIC.get(key)
    refused = TRAP_FRAME.get(trigger.frame or "", {}).get(trap)
    if isinstance(refused, NotApplicable):
        return refused
    return (refused or {}).get(key) or TRAP_GENERIC[trap].get(key)


def lex_of(trigger: Trigger) -> Lex:
    """A trigger's lexicon entry: the one for its relation (supplied:派遣), else its word's."""
    return LEXICON.get(f"{trigger.relation}:{trigger.word}") or LEXICON.get(trigger.word, Lex())


def make_cell(trigger: Trigger, key: str, trap: str | None, seed: int) -> Cell:
    """One cell: the sentence and its facts, or why it cannot be written."""
    base = Cell(trigger.relation, trigger.word, key, trap, frame=trigger.frame)
    if trigger.frame is None:
        return _refused(base, f"no templates know the arguments of {trigger.relation}")
    if trap is None and key in PASSIVE_CONSTRUCTIONS and not trigger.passive:
        return _refused(base, f"no passive rule of {trigger.relation} lists {trigger.word}")
    frame, lex = FRAMES[trigger.frame], lex_of(trigger)
    entry = _entry(trigger, frame, lex, key, trap)
    if entry is None:
        return _refused(base, NOT_WRITTEN)
    if isinstance(entry, NotApplicable):
        return _refused(base, entry.reason)
    if trap == "sent_to_fight" and not lex.troops:
        return _refused(base, _NOT_A_TROOP_VERB)
    cast = cast_for(trigger, frame, lex, seed)
    slots = _slots(trigger, frame, lex, cast, seed)
    missing = [name for name in _fields(entry.text) if slots.get(name) is None]
    if missing:
        return _refused(base, _missing_reason(missing[0], trigger, frame, lex))
    text = entry.text.format(**slots)
    roles = _with_partner(entry.facts) if lex.reciprocal and slots["C"] in text else entry.facts
    facts = tuple(Pair(cast.names(a), cast.names(t)) for a, t in roles)
    return Cell(trigger.relation, trigger.word, key, trap, text, "", facts, trigger.frame)


def _with_partner(roles: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """An agent's facts and its partner's (ペルーはチリと…を交わした: Chile signed too)."""
    partner = [("C", t) for a, t in roles if a in ("S", "S2", "O") and t != "*"]
    return tuple(dict.fromkeys(roles + tuple(partner)))


def _refused(cell: Cell, reason: str) -> Cell:
    return Cell(
        cell.relation, cell.trigger, cell.construction, cell.trap, None, reason, (), cell.frame
    )


def build_cells(rules: RuleSet | None = None, gazetteer: Gazetteer | None = None) -> list[Cell]:
    """The whole matrix: every trigger in every construction (positive cells), then each
    trap in every construction it can be written in, with the triggers of its relation
    taking turns (so every trigger meets every trap and every construction is used)."""
    from kg.gazetteer import load_gazetteer
    from kg.relations.rules import load_rules

    triggers = matrix_triggers(rules or load_rules(), gazetteer or load_gazetteer())
    cells = []
    for trigger in triggers:
        for key in CONSTRUCTIONS:
            cells.append(make_cell(trigger, key, None, len(cells)))
    by_relation: dict[str, list[Trigger]] = defaultdict(list)
    for trigger in triggers:
        by_relation[trigger.relation].append(trigger)
    for relation_triggers in by_relation.values():
        for trap in TRAPS:
            cells.extend(_trap_cells(relation_triggers, trap, len(cells)))
    return cells


def _trap_cells(triggers: list[Trigger], trap: str, seed: int) -> Iterator[Cell]:
    """A trap's cells for one relation: each trigger once, in the construction it fits that
    the trap has used least, then more turns until every construction it can be written
    in is used; a trigger that fits none gets one refusal."""
    keys = list(CONSTRUCTIONS)
    used: Counter[str] = Counter()
    for turn in range(max(len(triggers), len(keys))):
        trigger = triggers[turn % len(triggers)]
        tried = [
            make_cell(trigger, keys[(turn + k) % len(keys)], trap, seed + turn)
            for k in range(len(keys))
        ]
        usable = [cell for cell in tried if cell.applicable]
        if not usable:
            if turn < len(triggers):
                yield _refusal(tried)
            continue
        best = min(usable, key=lambda cell: used[cell.construction])
        if turn < len(triggers) or not used[best.construction]:
            used[best.construction] += 1
            yield best


def _refusal(tried: list[Cell]) -> Cell:
    """The one refusal of a trigger no construction fits: the most specific reason."""
    reasons = [c for c in tried if c.reason != NOT_WRITTEN] or tried
    reason = Counter(c.reason for c in reasons).most_common(1)[0][0]
    first = reasons[0]
    return _refused(
        Cell(first.relation, first.trigger, "(any)", first.trap, frame=first.frame), reason
    )


# ============================================================================ reading
@dataclass(frozen=True)
class Found:
    """An event kg gave, by the labels of its entities."""

    agent: str
    relation: str
    target: str
    modality: str
    rule: str

    @property
    def is_fact(self) -> bool:
        from kg.model import FACT_MODALITIES

        return self.modality in FACT_MODALITIES

    def __str__(self) -> str:
        return f"{self.agent} → {self.target} ({self.modality}, {self.rule})"


@dataclass(frozen=True)
class Reading:
    """What kg made of one text: its events and its mentions (text, class, entity label)."""

    events: tuple[Found, ...]
    mentions: tuple[tuple[str, str, str], ...]


def read_texts(texts: Sequence[str], gazetteer: Gazetteer) -> list[Reading]:
    """Parse every text in one ``nlp.pipe`` and extract each as an article of its own, as
    ``kg build`` does (published on :data:`PUBLISHED`)."""
    from kg.nlp import parse, units
    from kg.pipeline import extract_article

    articles = [_article(f"c{number}", text) for number, text in enumerate(texts)]
    pending = [unit for article in articles for unit in units(article.doc_id, article.text)]
    parsed = defaultdict(list)
    for doc, unit in parse(pending):
        parsed[unit.doc_id].append((doc, unit))
    return [
        _reading(extract_article(article, parsed[article.doc_id], gazetteer), gazetteer)
        for article in articles
    ]


def _article(doc_id: str, text: str) -> Article:
    """A text as an article of its own, published on :data:`PUBLISHED`."""
    from kg.model import Article, Section

    section = Section(0, len(text), None, PUBLISHED)
    return Article(doc_id, "constructions", text, None, PUBLISHED, sections=(section,))


def _reading(facts: ArticleFacts, gazetteer: Gazetteer) -> Reading:
    """Events and mentions with the labels the graph would give their entities."""
    from kg.resolve import EntityTable, minted_name

    table = EntityTable(gazetteer)
    mentions = []
    for unit in facts.units:
        for mention, ids in unit.mentions:
            for entity_id in ids:
                entity = table.add(entity_id, mention)
                mentions.append((mention.text, entity.kind, entity.label_ja))

    def label(entity_id: str) -> str:
        entity = table.entities.get(entity_id) or table.ensure(entity_id)
        return entity.label_ja if entity else minted_name(entity_id)

    events = tuple(
        Found(label(e.agent), e.relation, label(e.target), e.modality, e.rule_id)
        for unit in facts.units
        for e in unit.events
    )
    return Reading(events, tuple(mentions))


# ============================================================================ judging
@dataclass(frozen=True)
class Outcome:
    """A cell as kg read it: passed or not, the facts of its relation kg gave, the
    expected facts it missed, the facts that were wrong (extra, or forbidden), and the
    names of the cell's facts that no entity of kg's carries."""

    cell: Cell
    passed: bool
    found: tuple[Found, ...]
    missing: tuple[Pair, ...] = ()
    wrong: tuple[Found, ...] = ()
    unrecognised: tuple[str, ...] = ()
    not_facts: tuple[Found, ...] = ()  # events of the relation that are no fact (planned …)


def _fits(pair: Pair, found: Found, tolerant: bool = False) -> bool:
    agent_fits = pair.agent is None or pair.agent.fits(found.agent, tolerant)
    return agent_fits and (pair.target is None or pair.target.fits(found.target, tolerant))


def judge(cell: Cell, reading: Reading) -> Outcome:
    """Whether kg read a cell right.  A positive cell: every expected fact is there and no
    other fact of its relation is (an agent's state may stand in for a person).  A trap:
    no fact it forbids is there."""
    ours = [e for e in reading.events if e.relation == cell.relation]
    facts = tuple(e for e in ours if e.is_fact)
    not_facts = tuple(e for e in ours if not e.is_fact)
    if cell.trap is None:
        missing = tuple(p for p in cell.facts if not any(_fits(p, f) for f in facts))
        wrong = tuple(f for f in facts if not any(_fits(p, f, True) for p in cell.facts))
    else:
        missing = ()
        wrong = tuple(f for f in facts if any(_fits(p, f) for p in cell.facts))
    passed = not missing and not wrong
    unseen = () if passed else _unrecognised(cell, reading)
    return Outcome(cell, passed, facts, missing, wrong, unseen, not_facts)


def _unrecognised(cell: Cell, reading: Reading) -> tuple[str, ...]:
    """Names of a cell's facts that are not among the labels of kg's entities."""
    labels = [label for _, _, label in reading.mentions]
    names = [n for p in cell.facts for n in (p.agent, p.target) if n is not None]
    return tuple(dict.fromkeys(str(n) for n in names if not any(n.fits(label) for label in labels)))


@dataclass
class Results:
    """The matrix as kg read it, the probes of names, and how long it took."""

    cells: list[Cell]
    outcomes: list[Outcome]
    probes: list[tuple[Probe, str]] = field(default_factory=list)
    seconds: float = 0.0

    def coverage(self, traps: bool) -> tuple[int, int]:
        """(passed, applicable) over the positive cells, or over the traps."""
        chosen = [o for o in self.outcomes if (o.cell.trap is not None) == traps]
        return sum(o.passed for o in chosen), len(chosen)


def run_matrix(
    cells: Sequence[Cell], gazetteer: Gazetteer | None = None, probes: Sequence[Probe] = ()
) -> Results:
    """Read every applicable cell (and the probes of names) in one parse, and judge it."""
    from kg.gazetteer import load_gazetteer

    gazetteer = gazetteer or load_gazetteer()
    started = time.perf_counter()
    written = [cell for cell in cells if cell.text is not None]
    texts = [cell.text for cell in written if cell.text is not None]
    readings = read_texts(texts + [probe.text for probe in probes], gazetteer)
    read = zip(written, readings[: len(written)], strict=True)
    outcomes = [judge(cell, reading) for cell, reading in read]
    probed = [
        (probe, probe_result(probe, reading))
        for probe, reading in zip(probes, readings[len(written) :], strict=True)
    ]
    return Results(list(cells), outcomes, probed, time.perf_counter() - started)


# ============================================================================ names probe
@dataclass(frozen=True)
class Probe:
    """A name in a plain carrier sentence, to see what kg makes of it."""

    name: str
    kind: str  # the class a reader gives it
    text: str


def name_probes() -> list[Probe]:
    """Every name of the pools, and the invented states, each in a carrier sentence."""
    probes = [
        Probe(name, "Person", f"{state}の{name}{title}は12日、声明を発表した。")
        for state, name, title in PERSONS
    ]
    for name in BODIES + ARMED_GROUPS + PARTIES:
        probes.append(Probe(name, "Organization", f"{name}は12日、声明を発表した。"))
    for name in AGREEMENTS + MEMORANDA:
        probes.append(Probe(name, "Agreement", f"ケニアとチリは12日、{name}に署名した。"))
    for name in STRAITS + ISLANDS + TEMPLES:
        probes.append(Probe(name, "Place", f"チリ海軍の艦艇は12日、{name}に到着した。"))
    for name in INVENTED_STATES:
        probes.append(Probe(name, "State", f"{name}は12日、声明を発表した。"))
    return probes


def probe_result(probe: Probe, reading: Reading) -> str:
    """ "ok", or what kg made of the name instead ("not found" when nothing)."""
    names = Names((probe.name,), suffix=probe.kind == "Agreement")
    if any(kind == probe.kind and names.fits(label) for _, kind, label in reading.mentions):
        return "ok"
    near = [
        f"{kind} {label!r}"
        for text, kind, label in reading.mentions
        if text in probe.name or probe.name in text
    ]
    return ", ".join(near) or "not found"


def invented_names() -> list[str]:
    """Every name the matrix invents or takes from outside the gazetteer."""
    return [
        *(name for _, name, _ in PERSONS), *BODIES, *ARMED_GROUPS, *PARTIES, *AGREEMENTS,
        *MEMORANDA, *STRAITS, *ISLANDS, *TEMPLES, *INVENTED_STATES,
    ]  # fmt: skip


# ============================================================================ printing
def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - _width(text))
    return space + text if right else text + space


def _relations(cells: Iterable[Cell]) -> list[str]:
    from kg.model import RELATIONS

    present = {cell.relation for cell in cells}
    return [r for r in RELATIONS if r in present] + sorted(present - set(RELATIONS))


def table(results: Results, traps: bool) -> list[str]:
    """Rows (constructions, or traps) × relations: passed/applicable per cell."""
    rows = TRAPS if traps else CONSTRUCTIONS
    relations = _relations(results.cells)
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for outcome in results.outcomes:
        cell = outcome.cell
        if (cell.trap is not None) != traps:
            continue
        for key in ((cell.row, cell.relation), (cell.row, "all"), ("all", cell.relation)):
            tally[key][0] += outcome.passed
            tally[key][1] += 1
        tally[("all", "all")][0] += outcome.passed
        tally[("all", "all")][1] += 1
    columns = [*relations, "all"]
    label_width = max(_width(text) for text in rows.values()) + 2
    lines = [_pad("trap" if traps else "construction", label_width) + "".join(
        _pad(c, 11, right=True) for c in columns
    )]  # fmt: skip
    for key, text in [*rows.items(), ("all", "all")]:
        cells = []
        for column in columns:
            passed, applicable = tally.get((key, column), [0, 0])
            cells.append(_pad(f"{passed}/{applicable}" if applicable else "—", 11, right=True))
        lines.append(_pad(text, label_width) + "".join(cells))
    return lines


def failures(results: Results, limit: int | None = None) -> list[str]:
    """The failing cells grouped by construction (then by trap): sentence, expected or
    forbidden, what kg found."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in results.outcomes:
        if not outcome.passed:
            groups[outcome.cell.row].append(outcome)
    lines = []
    for key, text in [*CONSTRUCTIONS.items(), *TRAPS.items()]:
        failing = groups.get(key, [])
        if not failing:
            continue
        lines.append(f"── {text} ({len(failing)})")
        for outcome in failing[:limit]:
            lines.extend(describe(outcome))
        if limit is not None and len(failing) > limit:
            lines.append(f"   … {len(failing) - limit} more")
    return lines


def describe(outcome: Outcome) -> list[str]:
    """A failing cell in a few lines: where, the sentence, expected or forbidden, found."""
    cell = outcome.cell
    where = f"   {cell.relation} · {cell.trigger}"
    if cell.trap:
        where += f" · {CONSTRUCTIONS.get(cell.construction, cell.construction)}"
    lines = [f"{where}: {cell.text}"]
    facts = "; ".join(map(str, cell.facts))
    if cell.trap:
        lines.append(f"      forbidden {facts}; kg found {_listed(outcome.wrong)}")
    else:
        found = _listed(outcome.found)
        lines.append(f"      expected {facts}; kg found {found}")
        if outcome.wrong and outcome.found != outcome.wrong:
            lines.append(f"      false positives {_listed(outcome.wrong)}")
    if outcome.not_facts:
        lines.append(f"      not counted: {_listed(outcome.not_facts)}")
    if outcome.unrecognised:
        lines.append(f"      no entity for: {', '.join(outcome.unrecognised)}")
    return lines


def _listed(found: Sequence[Found]) -> str:
    return "; ".join(map(str, found)) if found else "nothing"


def by_trigger(results: Results) -> list[str]:
    """One line per trigger: positive and trap cells passed, and the failing rows."""
    tally: dict[tuple[str, str], list] = {}
    for outcome in results.outcomes:
        cell = outcome.cell
        entry = tally.setdefault((cell.relation, cell.trigger), [0, 0, 0, 0, []])
        offset = 2 if cell.trap else 0
        entry[offset] += outcome.passed
        entry[offset + 1] += 1
        if not outcome.passed:
            entry[4].append(cell.row)
    lines = []
    for (relation, trigger), (p, a, tp, ta, failing) in tally.items():
        head = _pad(f"{relation} {trigger}", 22)
        lines.append(f"{head}{p:>3}/{a:<3} traps {tp:>2}/{ta:<3} {' '.join(failing)}")
    return lines


def reasons(results: Results) -> list[str]:
    """Not-applicable cells counted by reason."""
    counted = Counter(cell.reason for cell in results.cells if cell.text is None)
    return [f"{count:>5}  {reason}" for reason, count in counted.most_common()]


def report(results: Results, args: argparse.Namespace) -> list[str]:
    """The bench's output: tables, coverage, then what was asked for."""
    lines = ["positive cells: passed/applicable", *table(results, traps=False), ""]
    lines += ["traps (no forbidden fact may come out): passed/applicable"]
    lines += [*table(results, traps=True), ""]
    for name, traps in (("positive cells", False), ("traps", True)):
        passed, applicable = results.coverage(traps)
        share = f"{100 * passed / applicable:.1f} %" if applicable else "—"
        lines.append(f"coverage, {name}: {passed}/{applicable} ({share})")
    skipped = sum(cell.text is None for cell in results.cells)
    lines.append(f"not applicable: {skipped} cells (--reasons lists why)")
    lines.append(f"{len(results.outcomes)} sentences read in {results.seconds:.1f} s")
    if results.probes:
        lines += ["", "names not in the gazetteer, each in a plain sentence:"]
        lines += [
            f"   {_pad(probe.name, 28)}{probe.kind:<13} {result}"
            for probe, result in results.probes
        ]
    if args.triggers:
        lines += ["", "by trigger: positive passed/applicable, traps, failing rows"]
        lines += by_trigger(results)
    if args.reasons:
        lines += ["", "not applicable, by reason:", *reasons(results)]
    if args.failures != 0:
        lines += ["", "failing cells, by construction and trap:"]
        lines += failures(results, None if args.failures < 0 else args.failures)
    return lines


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kg.bench constructions",
        description="relation × trigger × construction matrix of generated sentences",
    )
    parser.add_argument("--relation", action="append", help="only this relation (repeatable)")
    parser.add_argument("--trigger", action="append", help="only this trigger word (repeatable)")
    parser.add_argument(
        "--construction", action="append", help="only this construction or trap (repeatable)"
    )
    parser.add_argument(
        "--failures", type=int, default=-1, metavar="N",
        help="failing cells listed per construction (default: all; 0: none)",
    )  # fmt: skip
    parser.add_argument("--triggers", action="store_true", help="a line per trigger too")
    parser.add_argument("--reasons", action="store_true", help="why cells are not applicable")
    parser.add_argument("--names", action="store_true", help="probe each invented name alone")
    return parser


def _selected(cell: Cell, args: argparse.Namespace) -> bool:
    return (
        (not args.relation or cell.relation in args.relation)
        and (not args.trigger or cell.trigger in args.trigger)
        and (not args.construction or cell.row in args.construction)
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Build the matrix, read it with kg, print the tables and the failing cells."""
    from kg.gazetteer import load_gazetteer
    from kg.nlp import load_nlp

    args = _parser().parse_args(argv)
    started = time.perf_counter()
    load_nlp()
    loaded = time.perf_counter() - started
    gazetteer = load_gazetteer()
    cells = [cell for cell in build_cells(gazetteer=gazetteer) if _selected(cell, args)]
    results = run_matrix(cells, gazetteer, name_probes() if args.names else ())
    print("\n".join(report(results, args)))
    total = time.perf_counter() - started
    print(f"\nGiNZA loaded in {loaded:.1f} s; {total:.1f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
