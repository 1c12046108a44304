"""The rule engine: typed relations from GiNZA's dependency parse.

Rules and lexicons are data (``ontology/rules.yaml``); the engine is split by concern:

* :mod:`~kg.relations.rules`: the rules read into plain data;
* :mod:`~kg.relations.syntax`: small readings of Japanese syntax over spaCy tokens (case
  markers, subjects, the corrections where the parser errs, quotation, tense);
* :mod:`~kg.relations.arguments`: which phrase fills which slot of a trigger and which
  entities it names;
* :mod:`~kg.relations.modality`: asserted, reported, planned, denied …;
* :mod:`~kg.relations.engine`: triggers, rules and events (:class:`Extractor`);
* :mod:`~kg.relations.trace`: what was found and why, for ``kg explain`` and ``kg eval``.
"""

from kg.relations.engine import Extractor
from kg.relations.rules import Role, Rule, RuleSet, load_rules

__all__ = ["Extractor", "Role", "Rule", "RuleSet", "load_rules"]
