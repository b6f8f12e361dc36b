"""The first suggestion of a pillar for a commitment nobody has read yet.

The pillars of the 2021 plans were decided by people reading each commitment against the four
pillar definitions (``fixtures/README.md``, ``fixtures/apply_review.py``). These ordered keyword
rules were the first reading that review started from; they are kept only to suggest a pillar
for a commitment added later without one (``load_plans``), and the reason says it is a
suggestion, so a person reviews it. Pure Python: ``fixtures/build_fixtures.py`` imports it too.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Pillar rules, tried in order; the first whose pattern matches the text decides.
# Each rule is (pillar, name, regex). The default per focus area applies when none matches.
PILLAR_RULES: list[tuple[int, str, str]] = [
    (
        4,
        "durable solutions: legal status, residence, nationality",
        r"stateless|permanent residence|nationality|local integration|integration model|"
        r"integration opportunities|refugee integration",
    ),
    (
        4,
        "durable solutions: work, income and livelihoods",
        r"work permit|\bemploy|\blabou?r\b|\bjobs?\b|\bincome\b|entrepreneur|livelihood|"
        r"financial services|bank account|drivers licen|vocational|skills training|"
        r"technical training|micro-enterprise",
    ),
    (
        4,
        "durable solutions: education and recognition of studies",
        r"academic|degree|tuition|study certificates|school education|education system|"
        r"educational programs|literacy|studies of deported|music education",
    ),
    (
        3,
        "host communities: awareness, xenophobia and social cohesion",
        r"xenophob|host communit|sensiti[sz]e the general population|peaceful coexistence|"
        r"awareness|public information campaign|information campaign|campaigns?\b",
    ),
    (
        3,
        "host countries: national systems, planning, data and financing",
        r"quantif|fundrais|data collection|statistic|information system|information mechanism|"
        r"profiling|characteri[sz]ation|\bstudy\b|\bstudies\b|diagnosis|"
        r"institutional strategic plan|"
        r"permanent mechanism for monitoring|best practices|responsibility sharing|"
        r"capacities of public health services|mapping|methodology",
    ),
    (
        2,
        "immediate needs: humanitarian assistance, shelter and basic services",
        r"humanitarian|shelter|housing|food|basic needs|basic service|social services|"
        r"poverty|social programs|social polic|social assistance|contingency",
    ),
    (
        2,
        "immediate needs: health and psychosocial care",
        r"health|psychosocial|psychological|psychiatric|psychoactive|medical|medicines|"
        r"addiction|dna testing",
    ),
    (
        2,
        "persistent protection needs: children, women, GBV, specific needs",
        r"children|child|girls|women|gender-based|sgbv|elderly|disabilit|lgbti|"
        r"trafficking|legal assistance|legal representation|legal orientation|"
        r"internally displaced|displaced|dispossession|abandoned goods|roadmap",
    ),
    (
        1,
        "reception and admission: access, identification, registration, RSD",
        r"border|airport|reception|admission|identif|registr|asylum|refugee status|"
        r"eligibility|refoulement|document|referral|detention|migration|consular|"
        r"deport|returnee|transit|protection needs|international protection",
    ),
]

DEFAULT_PILLAR = {"PRO": 1, "JOB": 4, "EDU": 4, "HEA": 2, "SOC": 2}


class Classification(NamedTuple):
    pillar: int
    rule: str  # which rule and words decided, or the focus area's default


class PillarSuggestion(NamedTuple):
    pillar: int
    reason_en: str
    reason_es: str


def classify(text: str, area: str) -> Classification:
    """The pillar the first matching rule gives, and which rule and words decided."""
    lowered = text.lower()
    for pillar, name, pattern in PILLAR_RULES:
        match = re.search(pattern, lowered)
        if match:
            return Classification(pillar, f'rule "{name}" (matched "{match.group(0)}")')
    return Classification(DEFAULT_PILLAR[area], f"default for focus area {area}")


def suggest_pillar(text: str, focus_area: str) -> PillarSuggestion:
    """The pillar suggested by the keyword rules, with its reason in English and Spanish,
    marked as a suggestion to review by reading."""
    pillar, rule = classify(text, focus_area)
    return PillarSuggestion(
        pillar,
        f"Suggested by keyword, to be reviewed by reading: {rule}.",
        f"Sugerido por palabras clave, pendiente de revisión por lectura: {rule}.",
    )
