"""The gazetteer: canonical entities, their aliases, titles and state abbreviations.

Data lives in ``ontology/gazetteer.yaml`` and ``ontology/titles.yaml``.  States are
generated from CLDR territory names (Babel, keyed by ISO 3166 alpha-2), so every
country has its Japanese and English name without a hand-typed list; the YAML only
adds what CLDR lacks (news aliases, one-character abbreviations such as 米 or 露,
Wikidata ids).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel import Locale

from kg.resources import ontology_file, read_yaml

# CLDR codes that are not states (EU, UN, the eurozone, pseudo-locales, unknown).
_NOT_STATES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ", "AQ"})
_DOTS = re.compile(r"[=＝･・·]")
_SPACE = re.compile(r"\s+")


_KATAKANA = re.compile(r"^[\u30a1-\u30fa\u30fc]+$")
_GLOSS = re.compile(r"^(.+?)[(（][^()（）]+[)）]$")


# Offices named by a field and a head word (防災相, 経産相, 署長, 町長): titles whatever the
# field; the words below end in the same heads and name no office.
_OFFICE = re.compile(r"^[\u4e00-\u9fff]{1,4}?(?:相|大臣|長官|長)(?![\u4e00-\u9fff])")
_NOT_OFFICES = frozenset(
    {"成長", "延長", "身長", "全長", "助長", "冗長", "特長", "波長", "生長", "増長", "伸長", "消長",
     "真相", "様相", "世相", "手相", "人相", "形相", "位相", "皮相", "血相", "実相", "家長", "年長",
     "最長", "長長", "市長選", "一長", "隊長"}
)  # fmt: skip


def without_gloss(word: str) -> str:
    """A word without the reading or gloss in brackets that Sudachi keeps in it.

    >>> without_gloss("国王(スルタン)"), without_gloss("国王")
    ('国王', '国王')
    """
    match = _GLOSS.match(word)
    return match.group(1) if match else word


def normalize(surface: str) -> str:
    """The key under which a surface form is looked up.

    >>> normalize("ウラジーミル＝プーチン") == normalize("ウラジーミル・プーチン ")
    True
    """
    text = unicodedata.normalize("NFKC", surface)
    return _SPACE.sub("", _DOTS.sub("・", text))


@dataclass(frozen=True)
class Entry:
    """One canonical entity of the gazetteer."""

    entity_id: str
    kind: str
    label_ja: str
    label_en: str | None = None
    aliases: tuple[str, ...] = ()
    context_aliases: tuple[str, ...] = ()
    state: str | None = None  # entity id of the affiliated/containing state
    capital_of: str | None = None  # entity id of the state a capital stands for
    wikidata: str | None = None
    parties: tuple[str, ...] = ()
    organ: bool = False  # a government body or armed force that acts for its state


@dataclass
class Gazetteer:
    """Lookup tables built from the gazetteer files."""

    entries: dict[str, Entry] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # normalized alias → id
    context_aliases: dict[str, list[str]] = field(default_factory=dict)
    abbreviations: dict[str, str] = field(default_factory=dict)  # 米 → United_States
    region_abbreviations: frozenset[str] = frozenset()  # 欧 in 米欧
    titles: tuple[str, ...] = ()  # longest first
    title_set: frozenset[str] = frozenset()
    longest_title: int = 0
    title_starts: frozenset[str] = frozenset()  # first characters of the titles
    state_by_iso: dict[str, str] = field(default_factory=dict)
    pairs: dict[str, str] = field(default_factory=dict)  # 両首脳 → Person
    definites: dict[str, str] = field(default_factory=dict)  # 同条約 → Agreement
    max_alias_len: int = 1
    # Lookup aids for the matcher, filled by finish():
    surface_keys: frozenset[str] = frozenset()  # every key the matcher can accept
    name_keys: frozenset[str] = frozenset()  # names that may be fused with a title
    prefixes: frozenset[str] = frozenset()  # every prefix of a surface key
    abbreviation_chars: frozenset[str] = frozenset()
    katakana_states: tuple[str, ...] = ()  # ロシア, ウクライナ …, longest first

    def finish(self) -> Gazetteer:
        """Precompute the matcher's lookup sets once the tables are filled."""
        names = set(self.aliases) | set(self.context_aliases)
        self.name_keys = frozenset(names)
        self.surface_keys = frozenset(names | set(self.pairs) | set(self.definites))
        self.prefixes = frozenset(k[:n] for k in self.surface_keys for n in range(1, len(k) + 1))
        self.abbreviation_chars = frozenset(self.abbreviations) | self.region_abbreviations
        self.title_set = frozenset(self.titles)
        self.longest_title = max(map(len, self.titles), default=0)
        self.title_starts = frozenset(t[0] for t in self.titles)
        self.katakana_states = tuple(
            sorted(
                (
                    alias
                    for alias, entity_id in self.aliases.items()
                    if len(alias) >= 3
                    and _KATAKANA.match(alias)
                    and self.entries[entity_id].kind == "State"
                ),
                key=lambda alias: (-len(alias), alias),
            )
        )
        return self

    def lookup(self, surface: str) -> str | None:
        """The entity id an unambiguous surface form names, if any."""
        return self.aliases.get(normalize(surface))

    def title_at(self, text: str) -> str | None:
        """The longest title that ``text`` starts with: a listed one, or a minister's or a
        head's office made of one to four kanji and 相/大臣/長官/長 (防災相, 国土交通相, 署長).

        >>> g = load_gazetteer()
        >>> g.title_at("大統領は"), g.title_at("防災相は"), g.title_at("成長は")
        ('大統領', '防災相', None)
        """
        for size in range(min(len(text), self.longest_title), 0, -1):
            if text[:size] in self.title_set:
                return text[:size]
        office = _OFFICE.match(text)
        if office and office.group(0) not in _NOT_OFFICES:
            word = office.group(0)
            if not any(word[i:] in self.title_set for i in range(1, len(word))):
                return word  # not 長野|外相: a listed title after a name is the title
        return None

    def is_title(self, text: str) -> bool:
        """Whether ``text`` is a title, alone or with its gloss in brackets after it.

        >>> g = load_gazetteer()
        >>> g.is_title("外相"), g.is_title("国王(スルタン)"), g.is_title("外相会談")
        (True, True, False)
        """
        text = without_gloss(text)
        return self.title_at(text) == text

    def acting_state(self, entity_id: str) -> str:
        """The state a government organ acts for (韓国外交部 → South Korea), else the id."""
        entry = self.entries.get(entity_id)
        if entry and entry.organ and entry.state:
            return entry.state
        return entity_id

    def state_of(self, entity_id: str) -> str | None:
        """The state an entity belongs to (itself for a state)."""
        entry = self.entries.get(entity_id)
        if entry is None:
            return None
        return entity_id if entry.kind == "State" else entry.state

    def _add_alias(self, alias: str, entity_id: str) -> None:
        key = normalize(alias)
        if key:
            self.aliases.setdefault(key, entity_id)
            self.max_alias_len = max(self.max_alias_len, len(key))


def state_id(iso: str, english: str) -> str:
    """A state's entity id: its English CLDR name, ASCII, spaces as underscores."""
    ascii_name = unicodedata.normalize("NFKD", english).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "_", ascii_name).strip("_") or iso


def _cldr_states() -> dict[str, Entry]:
    ja, en = Locale("ja").territories, Locale("en").territories
    states = {}
    for iso, name_en in en.items():
        if len(iso) != 2 or not iso.isalpha() or iso in _NOT_STATES or iso not in ja:
            continue
        states[iso] = Entry(state_id(iso, name_en), "State", ja[iso], name_en)
    return states


def _read_yaml(path: Path) -> dict:
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def _state_ref(code: str | None, states: dict[str, Entry]) -> str | None:
    if not code:
        return None
    return states[code].entity_id if code in states else code


@cache
def load_gazetteer(directory: Path | None = None) -> Gazetteer:
    """Build the gazetteer from CLDR and the YAML files (cached per process).

    ``directory`` holds gazetteer.yaml, titles.yaml and anaphora.yaml (default: the
    package's ontology folder).
    """
    gazetteer_path = (directory or ontology_file("gazetteer.yaml").parent) / "gazetteer.yaml"
    titles_path = gazetteer_path.with_name("titles.yaml")
    data = _read_yaml(gazetteer_path)
    states = _cldr_states()
    gaz = Gazetteer(region_abbreviations=frozenset(data.get("region_abbreviations") or ()))
    for spec in data.get("states") or []:
        iso = spec["iso"]
        base = states[iso]
        states[iso] = Entry(
            spec.get("id", base.entity_id),
            "State",
            base.label_ja,
            base.label_en,
            aliases=tuple(spec.get("aliases") or ()),
            wikidata=spec.get("wikidata"),
        )
        for char in spec.get("abbreviations") or ():
            gaz.abbreviations[char] = states[iso].entity_id
    for iso, entry in states.items():
        gaz.entries[entry.entity_id] = entry
        gaz.state_by_iso[iso] = entry.entity_id
    for spec in data.get("entities") or []:
        entry = Entry(
            entity_id=spec["id"],
            kind=spec["class"],
            label_ja=spec["ja"],
            label_en=spec.get("en"),
            aliases=tuple(spec.get("aliases") or ()),
            context_aliases=tuple(spec.get("context_aliases") or ()),
            state=_state_ref(spec.get("state"), states),
            capital_of=_state_ref(spec.get("capital_of"), states),
            wikidata=spec.get("wikidata"),
            parties=tuple(_state_ref(p, states) for p in spec.get("parties") or ()),
            organ=bool(spec.get("organ")),
        )
        gaz.entries[entry.entity_id] = entry
    # Canonical labels first, so an alias can never steal another entity's own name.
    for entry in gaz.entries.values():
        gaz._add_alias(entry.label_ja, entry.entity_id)
        if entry.label_en:
            gaz._add_alias(entry.label_en, entry.entity_id)
    for entry in gaz.entries.values():
        for alias in entry.aliases:
            gaz._add_alias(alias, entry.entity_id)
        for alias in entry.context_aliases:
            gaz.context_aliases.setdefault(normalize(alias), []).append(entry.entity_id)
    anaphora = _read_yaml(gazetteer_path.with_name("anaphora.yaml"))
    gaz.pairs = {normalize(w): kind for w, kind in (anaphora.get("pairs") or {}).items()}
    gaz.definites = {normalize(w): kind for w, kind in (anaphora.get("definites") or {}).items()}
    titles = _read_yaml(titles_path).get("titles") or []
    gaz.titles = tuple(sorted({normalize(t) for t in titles}, key=len, reverse=True))
    return gaz.finish()
