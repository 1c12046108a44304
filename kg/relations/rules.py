"""The rules as data: ``ontology/rules.yaml`` read into :class:`RuleSet`.

One rule = one id (recorded on every event it produces), its trigger words, and per role
the argument slots that may fill it and the classes allowed.  See the YAML header for
the slot names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from kg.resources import ontology_file, read_yaml


@dataclass(frozen=True)
class Role:
    slots: tuple[str, ...]
    kinds: tuple[str, ...] = ()
    places_as_states: bool = False  # トルコ南部の被災地に派遣: a place stands for its state
    acts: bool = False  # Xが行う協議を批判: a noun naming an act stands for its actor
    facilities: bool = False  # 自民党本部を訪れた: a body's building is a place


@dataclass(frozen=True)
class Rule:
    rule_id: str
    relation: str
    triggers: frozenset[str]
    agent: Role
    target: Role | None
    item: Role | None = None
    partner: Role | None = None  # who did it with the agent (Bと協定を結んだ): agents too
    trigger_prefix: str | None = None
    target_from: str | None = None
    require_item: bool = False
    voice: str = "active"  # active: the trigger's own subject acts; passive: it undergoes
    without_object: bool = False  # the trigger may take no を-object (行く, not 行う)
    unless: str | None = None  # a word list of rules.yaml: in the sentence, no trigger


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    supply_items: tuple[str, ...]
    modality: dict[str, tuple[str, ...]]
    reporting_verbs: frozenset[str]
    denial_verbs: frozenset[str]
    reported_markers: tuple[str, ...]
    light_verbs: frozenset[str]
    adverbial_nouns: frozenset[str]
    nominalizers: frozenset[str]
    aspect_suffixes: frozenset[str]
    content_nouns: frozenset[str]
    modal_nouns: frozenset[str]  # 方針, 可能性, 予定 …: every modality word
    self_report_verbs: frozenset[str]
    future_markers: tuple[str, ...]
    performatives: frozenset[str] = frozenset()  # 非難する」と述べた: done by saying it
    carrier_nouns: frozenset[str] = frozenset()  # 遺憾の意を表明: 意 hands on to 表明
    patient_nouns: frozenset[str] = frozenset()  # Xの殺害: X suffered it
    listing_markers: frozenset[str] = frozenset()  # …を批判するなど: no schedule
    refusal_verbs: frozenset[str] = frozenset()  # 署名を拒む: negated
    associate_nouns: frozenset[str] = frozenset()  # Xの支持者 is not X
    origin_nouns: frozenset[str] = frozenset()  # ギニア国籍の女性 is not Guinea
    planned_phrases: tuple[str, ...] = ()  # 派遣することになった
    postponing_verbs: frozenset[str] = frozenset()  # 訪問を延期: planned
    summon_verbs: frozenset[str] = frozenset()  # 大使を呼んで抗議
    return_words: frozenset[str] = frozenset()  # 帰国: arriving home is no visit
    press_home: str | None = None  # the state of the press whose language kg reads
    team_nouns: frozenset[str] = frozenset()  # 日本代表: a team, not the state
    companion_nouns: frozenset[str] = frozenset()  # Bとともに: B did it too
    envoy_titles: frozenset[str] = frozenset()  # 大使: protested to, his state is
    reporting_body_verbs: frozenset[str] = frozenset()  # 厚労省は…と発表: a body reports
    evidential_verbs: frozenset[str] = frozenset()  # …とみられる: speculative
    site_nouns: frozenset[str] = frozenset()  # 被災地, 前線: a site in the place before it
    exclusion_verbs: frozenset[str] = frozenset()  # X協定を除き: X is no argument
    question_phrases: tuple[str, ...] = ()  # 参拝するかどうか: speculative
    word_lists: dict[str, frozenset[str]] = field(default_factory=dict)  # for `unless`
    combat_words: frozenset[str] = frozenset()  # 侵攻のため部隊を派遣: no supply
    # Each trigger word (and a "prefix:訪" key) with the rules it triggers, in file order.
    by_word: dict[str, list[Rule]] = field(default_factory=dict)


def _role(spec: dict | None) -> Role | None:
    if not spec:
        return None
    places = spec.get("places")
    if places not in (None, "state"):
        raise ValueError(f"rules.yaml: places: {places!r} (only 'state' is known)")
    return Role(
        tuple(spec.get("slots") or ()),
        tuple(spec.get("kinds") or ()),
        places_as_states=places == "state",
        acts=bool(spec.get("acts")),
        facilities=bool(spec.get("facilities")),
    )


def _index(rules: tuple[Rule, ...]) -> dict[str, list[Rule]]:
    index: dict[str, list[Rule]] = {}
    for rule in rules:
        keys = [f"prefix:{rule.trigger_prefix}"] if rule.trigger_prefix else sorted(rule.triggers)
        for key in keys:
            index.setdefault(key, []).append(rule)
    return index


@cache
def load_rules() -> RuleSet:
    """Read ontology/rules.yaml."""
    data = read_yaml(ontology_file("rules.yaml"))
    rules = tuple(
        Rule(
            rule_id=spec["id"],
            relation=spec["relation"],
            triggers=frozenset(spec.get("triggers") or ()),
            agent=_role(spec.get("agent")) or Role(("subject",)),
            target=_role(spec.get("target")),
            item=_role(spec.get("item")),
            partner=_role(spec.get("partner")),
            trigger_prefix=spec.get("trigger_prefix"),
            target_from=spec.get("target_from"),
            require_item=bool(spec.get("require_item")),
            voice=spec.get("voice", "active"),
            without_object=bool(spec.get("without_object")),
            unless=spec.get("unless"),
        )
        for spec in data["rules"]
    )
    words = lambda key: frozenset(data.get(key) or ())  # noqa: E731
    for rule in rules:
        if rule.unless and not isinstance(data.get(rule.unless), list):
            raise ValueError(f"rules.yaml: {rule.rule_id}: unless: no word list {rule.unless!r}")
    return RuleSet(
        rules=rules,
        supply_items=tuple(sorted(data.get("supply_items") or (), key=len, reverse=True)),
        modality={k: tuple(v) for k, v in (data.get("modality") or {}).items()},
        reporting_verbs=words("reporting_verbs"),
        denial_verbs=words("denial_verbs"),
        reported_markers=tuple(data.get("reported_markers") or ()),
        light_verbs=words("light_verbs"),
        adverbial_nouns=words("adverbial_nouns"),
        nominalizers=words("nominalizers"),
        aspect_suffixes=words("aspect_suffixes"),
        content_nouns=words("content_nouns"),
        modal_nouns=frozenset(w for ws in (data.get("modality") or {}).values() for w in ws),
        self_report_verbs=words("self_report_verbs"),
        future_markers=tuple(data.get("future_markers") or ()),
        performatives=words("performatives"),
        carrier_nouns=words("carrier_nouns"),
        patient_nouns=words("patient_nouns"),
        listing_markers=words("listing_markers"),
        refusal_verbs=words("refusal_verbs"),
        associate_nouns=words("associate_nouns"),
        origin_nouns=words("origin_nouns"),
        planned_phrases=tuple(data.get("planned_phrases") or ()),
        postponing_verbs=words("postponing_verbs"),
        site_nouns=words("site_nouns"),
        evidential_verbs=words("evidential_verbs"),
        summon_verbs=words("summon_verbs"),
        return_words=words("return_words"),
        press_home=data.get("press_home"),
        team_nouns=words("team_nouns"),
        companion_nouns=words("companion_nouns"),
        envoy_titles=words("envoy_titles"),
        reporting_body_verbs=words("reporting_body_verbs"),
        exclusion_verbs=words("exclusion_verbs"),
        question_phrases=tuple(data.get("question_phrases") or ()),
        word_lists={k: words(k) for k, v in data.items() if isinstance(v, list) and k != "rules"},
        combat_words=words("combat_words"),
        by_word=_index(rules),
    )
