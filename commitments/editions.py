"""Loading a new edition of a country's national plan, all or nothing, as the secretariat.

One service for every door (``manage.py load_plan_edition``, the API, the workspace page):
``preview_edition`` reads the rows of an edition sheet (already parsed: ``EditionRow``) against
the catalogue and says what applying them would do, writing nothing: every commitment with its
lineage (new, continued, reworded, split, merged, and the codes it replaces), the previous
edition's commitments that will close (nothing continues them: they close with their edition
and keep their last status), and the problems, by row. ``apply_edition`` applies a preview that
has no problem, in one transaction, audited; with any problem it writes nothing.

The rules of an edition sheet (issue 22):

* a row is a commitment of the new edition: code, focus area, pillar, the text in English and
  in Spanish (one of them may be empty: ``original_language`` says which one is the plan's own
  and that one must be there), the responsible institution (optional) and ``replaces``: the
  codes of its predecessors in the previous edition of the same country, separated by ``;``;
* codes are unique across editions and have the form ``{ISO3}{digits}-{AREA}-{NN}`` (e.g.
  ``BLZ24-PRO-01``), the country and focus area of the row;
* a predecessor must be a commitment of the country's edition in force the day before the new
  one starts (the previous edition): one predecessor with one successor is continued (or
  reworded, when its text changed), one with several successors is split, several predecessors
  of one successor are merged;
* the new edition starts after every other edition of the country and has a name of its own.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import ChangeEvent
from audit.services import log
from commitments.models import (
    Commitment,
    CommitmentLink,
    FocusArea,
    LineageKind,
    NationalPlan,
    Pillar,
    fold,
    lineage_kind,
)
from countries.models import Country
from countries.permissions import require_secretariat
from mirps.signals import announce_figures_changed
from mirps.vocabulary import Route

CODE = re.compile(
    r"^(?P<iso3>[A-Z]{3})(?P<digits>[0-9]{0,4})-(?P<area>[A-Z]{3})-(?P<nn>[0-9]{2,})$"
)
INSTITUTION_MAX_LENGTH = 300
TEXT_MAX_LENGTH = Commitment.TEXT_ES_MAX_LENGTH
EDITION_NAME_MAX_LENGTH = 20
LANGUAGES = ("en", "es")


@dataclass
class EditionRow:
    """One row of an edition sheet as read (cells as text; ``number``: the sheet's row)."""

    number: int
    code: str = ""
    focus_area: str = ""
    pillar: str = ""
    text_en: str = ""
    text_es: str = ""
    responsible_institution: str = ""
    replaces: str = ""


@dataclass
class Problem:
    """Why the edition cannot be applied: at a row (``row``, ``code``) or for the whole sheet
    (``row`` None). ``kind`` is stable (for clients), ``message`` in the reader's language."""

    kind: str
    message: str
    row: int | None = None
    code: str = ""


@dataclass
class PlannedCommitment:
    row: int
    code: str
    focus_area: FocusArea | None
    pillar: Pillar | None
    text_en: str
    text_es: str
    responsible_institution: str
    replaces: list[str]
    kind: LineageKind = LineageKind.NEW


@dataclass
class EditionPreview:
    country: Country
    edition: str
    starts_on: datetime.date
    original_language: str
    previous: NationalPlan | None
    commitments: list[PlannedCommitment] = field(default_factory=list)
    closing: list[Commitment] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.commitments)

    def counts(self) -> dict[str, int]:
        kinds = Counter(c.kind.value for c in self.commitments)
        return {
            "commitments": len(self.commitments),
            **{kind.value: kinds.get(kind.value, 0) for kind in LineageKind},
            "closing": len(self.closing),
            "problems": len(self.problems),
        }

    def as_dict(self) -> dict:
        """The preview as plain data (the API's answer, the command's --json)."""
        return {
            "country": self.country.iso3,
            "edition": self.edition,
            "starts_on": self.starts_on.isoformat(),
            "original_language": self.original_language,
            "previous_edition": self.previous.edition if self.previous else None,
            "can_apply": self.ok,
            "counts": self.counts(),
            "commitments": [
                {
                    "row": c.row,
                    "code": c.code,
                    "focus_area": c.focus_area.code if c.focus_area else None,
                    "pillar": c.pillar.number if c.pillar else None,
                    "text_en": c.text_en,
                    "text_es": c.text_es,
                    "responsible_institution": c.responsible_institution,
                    "replaces": c.replaces,
                    "lineage": c.kind.value,
                }
                for c in self.commitments
            ],
            "closing": [{"code": c.code, "text": c.texts.lead} for c in self.closing],
            "problems": [
                {"row": p.row, "code": p.code, "kind": p.kind, "message": p.message}
                for p in self.problems
            ],
        }


class EditionRefused(Exception):
    """The edition has problems: nothing was written (``preview`` says which)."""

    def __init__(self, preview: EditionPreview):
        self.preview = preview
        super().__init__(f"{len(preview.problems)} problem(s); nothing was written")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def normalise_spaces(value: str) -> str:
    """Runs of spaces and line breaks as one space (cells often carry stray ones)."""
    return " ".join(value.split())


def _folded(value: str) -> str:
    return " ".join(fold(value).split())


def _recognise_pillar(value: str, pillars: list[Pillar]) -> Pillar | None:
    """A pillar by its number ("2", "2.0", "P2", "Pillar 2") or its name in either language."""
    folded = _folded(value)
    match = re.fullmatch(r"(?:p|pillar|pilar)?\s*([1-4])(?:\.0+)?", folded)
    by_number = {p.number: p for p in pillars}
    if match:
        return by_number.get(int(match.group(1)))
    for pillar in pillars:
        names = {_folded(pillar.name_en), _folded(pillar.name_es)}
        if folded in names or folded in {f"{pillar.number}. {n}" for n in names}:
            return pillar
    return None


def _recognise_area(value: str, areas: list[FocusArea]) -> FocusArea | None:
    """A focus area by its code (PRO) or its name in either language."""
    folded = _folded(value)
    for area in areas:
        if folded in {area.code.lower(), _folded(area.name_en), _folded(area.name_es)}:
            return area
    return None


def _same_text(planned: PlannedCommitment, predecessor: Commitment) -> bool:
    def norm(text):
        return " ".join((text or "").split())

    texts = [(planned.text_en, predecessor.text), (planned.text_es, predecessor.text_es)]
    return all(norm(new) == norm(old) for new, old in texts if new)


@dataclass
class _Catalogue:
    """What the rows are read against, fetched once whatever the number of rows: the pillars,
    the focus areas, the codes on the sheet (with how many rows carry each), those of them
    already taken by a commitment, and the commitments the sheet names as predecessors."""

    pillars: list[Pillar]
    areas: list[FocusArea]
    codes: Counter[str]
    taken: set[str]
    predecessors: dict[str, Commitment]


def _previous_edition(country: Country, starts_on: datetime.date) -> NationalPlan | None:
    """The country's edition in force the day before ``starts_on``."""
    return (
        NationalPlan.objects.filter(country=country, starts_on__lt=starts_on)
        .order_by("-starts_on")
        .first()
    )


def _check_edition(preview: EditionPreview, rows: list[EditionRow]) -> None:
    """The problems of the edition as a whole: its language, its name, its start, its rows.
    An unknown original language is reported and read as English."""
    problems, country, edition = preview.problems, preview.country, preview.edition
    if preview.original_language not in LANGUAGES:
        problems.append(
            Problem("language", _("The original language is English (en) or Spanish (es)."))
        )
        preview.original_language = "en"
    if not edition or len(edition) > EDITION_NAME_MAX_LENGTH:
        problems.append(
            Problem(
                "edition_name",
                _("Name the edition (at most %(n)d characters), e.g. 2024-2026.")
                % {"n": EDITION_NAME_MAX_LENGTH},
            )
        )
    editions = list(NationalPlan.objects.filter(country=country))
    if any(p.edition == edition for p in editions):
        problems.append(
            Problem(
                "edition_exists",
                _("%(country)s already has an edition named %(edition)s.")
                % {"country": country.iso3, "edition": edition},
            )
        )
    later = [p for p in editions if p.starts_on >= preview.starts_on]
    if later:
        problems.append(
            Problem(
                "edition_not_latest",
                _(
                    "A new edition must start after the latest one: %(edition)s starts on "
                    "%(starts)s."
                )
                % {
                    "edition": max(later, key=lambda p: p.starts_on).edition,
                    "starts": max(p.starts_on for p in later).isoformat(),
                },
            )
        )
    if not rows:
        problems.append(Problem("empty", _("The sheet has no commitments.")))


def _read_catalogue(rows: list[EditionRow]) -> _Catalogue:
    """Four queries: the pillars, the focus areas, the codes taken, the predecessors named."""
    pillars, areas = list(Pillar.objects.all()), list(FocusArea.objects.all())
    codes = Counter(_text(r.code).upper() for r in rows if _text(r.code))
    taken = set(Commitment.objects.filter(code__in=list(codes)).values_list("code", flat=True))
    named = {
        code.strip().upper() for r in rows for code in _text(r.replaces).split(";") if code.strip()
    }
    predecessors = {
        c.code: c
        for c in Commitment.objects.filter(code__in=list(named)).select_related("plan", "country")
    }
    return _Catalogue(pillars, areas, codes, taken, predecessors)


def _planned_from_row(row: EditionRow, catalogue: _Catalogue) -> PlannedCommitment:
    """The row read as a commitment (its predecessors not yet: ``_check_predecessors``)."""
    return PlannedCommitment(
        row=row.number,
        code=_text(row.code).upper(),
        focus_area=_recognise_area(_text(row.focus_area), catalogue.areas),
        pillar=_recognise_pillar(_text(row.pillar), catalogue.pillars),
        text_en=normalise_spaces(_text(row.text_en)),
        text_es=normalise_spaces(_text(row.text_es)),
        responsible_institution=normalise_spaces(_text(row.responsible_institution)),
        replaces=[],
    )


def _check_code(
    planned: PlannedCommitment, country: Country, catalogue: _Catalogue, problems: list[Problem]
) -> re.Match | None:
    """The problems of the row's code (its form, its country, unique on the sheet and across
    editions); the code's parts when it has the form of one."""
    code, here = planned.code, {"row": planned.row, "code": planned.code}
    match = CODE.match(code)
    if not code:
        problems.append(Problem("code_missing", _("The code is missing."), **here))
    elif not match:
        problems.append(
            Problem(
                "code_format",
                _("%(code)s is not a commitment code such as %(example)s.")
                % {"code": code, "example": f"{country.iso3}24-PRO-01"},
                **here,
            )
        )
    elif match["iso3"] != country.iso3:
        problems.append(
            Problem(
                "code_country",
                _("The code %(code)s is not of %(country)s.")
                % {"code": code, "country": country.iso3},
                **here,
            )
        )
    if code and catalogue.codes[code] > 1:
        problems.append(
            Problem(
                "duplicate_code",
                _("The code %(code)s is on %(n)d rows.")
                % {"code": code, "n": catalogue.codes[code]},
                **here,
            )
        )
    if code in catalogue.taken:
        problems.append(
            Problem(
                "code_taken",
                _("The code %(code)s is already a commitment (codes are unique across editions).")
                % {"code": code},
                **here,
            )
        )
    return match


def _check_classification(
    row: EditionRow,
    planned: PlannedCommitment,
    match: re.Match | None,
    problems: list[Problem],
) -> None:
    """The problems of the row's focus area (recognised, the code's own) and pillar."""
    here = {"row": planned.row, "code": planned.code}
    if planned.focus_area is None:
        problems.append(
            Problem(
                "focus_area",
                _("The focus area “%(value)s” is not recognised (PRO, JOB, SOC, EDU or HEA).")
                % {"value": _text(row.focus_area)},
                **here,
            )
        )
    elif match and match["area"] != planned.focus_area.code:
        problems.append(
            Problem(
                "code_focus_area",
                _("The code %(code)s does not match the focus area %(area)s.")
                % {"code": planned.code, "area": planned.focus_area.code},
                **here,
            )
        )
    if planned.pillar is None:
        problems.append(
            Problem(
                "pillar",
                _("The pillar “%(value)s” is not recognised (1 to 4).")
                % {"value": _text(row.pillar)},
                **here,
            )
        )


def _check_texts(
    planned: PlannedCommitment, original_language: str, problems: list[Problem]
) -> None:
    """The problems of the row's texts: the original one there, none too long."""
    here = {"row": planned.row, "code": planned.code}
    original = planned.text_en if original_language == "en" else planned.text_es
    if not original:
        problems.append(
            Problem(
                "text_missing",
                _("The text in the original language (%(language)s) is missing.")
                % {"language": original_language},
                **here,
            )
        )
    for text in (planned.text_en, planned.text_es):
        if len(text) > TEXT_MAX_LENGTH:
            problems.append(
                Problem(
                    "text_too_long",
                    _("A text is longer than %(n)d characters.") % {"n": TEXT_MAX_LENGTH},
                    **here,
                )
            )
    if len(planned.responsible_institution) > INSTITUTION_MAX_LENGTH:
        problems.append(
            Problem(
                "institution_too_long",
                _("The responsible institution is longer than %(n)d characters.")
                % {"n": INSTITUTION_MAX_LENGTH},
                **here,
            )
        )


def _check_predecessors(
    row: EditionRow,
    planned: PlannedCommitment,
    preview: EditionPreview,
    predecessors: dict[str, Commitment],
) -> None:
    """Fill ``planned.replaces`` with the codes the row names (each once) and report those that
    are not commitments of the country's previous edition."""
    here = {"row": planned.row, "code": planned.code}
    country, previous = preview.country, preview.previous
    for name in _text(row.replaces).split(";"):
        name = name.strip().upper()
        if not name or name in planned.replaces:
            continue
        planned.replaces.append(name)
        found = predecessors.get(name)
        if found is None:
            preview.problems.append(
                Problem(
                    "unknown_predecessor",
                    _("It replaces %(code)s, which is not a commitment.") % {"code": name},
                    **here,
                )
            )
        elif found.country_id != country.pk:
            preview.problems.append(
                Problem(
                    "predecessor_other_country",
                    _("It replaces %(code)s, a commitment of %(country)s.")
                    % {"code": name, "country": found.country.iso3},
                    **here,
                )
            )
        elif previous is None or found.plan_id != previous.pk:
            preview.problems.append(
                Problem(
                    "predecessor_other_edition",
                    _(
                        "It replaces %(code)s, of the edition %(edition)s, not of the edition "
                        "in force before this one (%(previous)s)."
                    )
                    % {
                        "code": name,
                        "edition": found.plan.edition,
                        "previous": previous.edition if previous else "—",
                    },
                    **here,
                )
            )


def _set_lineage(
    commitments: list[PlannedCommitment], predecessors: dict[str, Commitment]
) -> Counter[str]:
    """Each planned commitment's lineage kind, by the links the sheet draws (problems or not,
    so the preview shows them all); returns how many successors each predecessor has."""
    successors = Counter(code for c in commitments for code in c.replaces)
    for planned in commitments:
        found = [predecessors[c] for c in planned.replaces if c in predecessors]
        planned.kind = lineage_kind(
            predecessors=len(planned.replaces),
            siblings=successors[planned.replaces[0]] if planned.replaces else 0,
            same_text=_same_text(planned, found[0]) if len(found) == 1 else None,
        )
    return successors


def _closing(previous: NationalPlan | None, continued: Counter[str]) -> list[Commitment]:
    """The previous edition's commitments that nothing continues (they close with it)."""
    if previous is None:
        return []
    return list(
        Commitment.objects.filter(plan=previous)
        .exclude(code__in=list(continued))
        .order_by("focus_area__order", "order")
    )


def preview_edition(
    *,
    country: Country,
    edition: str,
    starts_on: datetime.date,
    rows: list[EditionRow],
    original_language: str = "en",
) -> EditionPreview:
    """What applying ``rows`` as ``country``'s edition ``edition`` starting on ``starts_on``
    would do, and every problem; writes nothing. Queries: a handful, whatever the number of
    rows (the pillars, the focus areas, the editions of the country, the codes taken, the
    previous edition's commitments, the predecessors named)."""
    edition = (edition or "").strip()
    previous = _previous_edition(country, starts_on)
    preview = EditionPreview(country, edition, starts_on, original_language, previous)
    _check_edition(preview, rows)
    catalogue = _read_catalogue(rows)
    for row in rows:
        planned = _planned_from_row(row, catalogue)
        match = _check_code(planned, country, catalogue, preview.problems)
        _check_classification(row, planned, match, preview.problems)
        _check_texts(planned, preview.original_language, preview.problems)
        _check_predecessors(row, planned, preview, catalogue.predecessors)
        preview.commitments.append(planned)
    continued = _set_lineage(preview.commitments, catalogue.predecessors)
    preview.closing = _closing(previous, continued)
    return preview


def _create_plan(
    country: Country, preview: EditionPreview, title_en: str, title_es: str
) -> NationalPlan:
    """The new edition, titled by default after the country and the edition's name."""
    return NationalPlan.objects.create(
        country=country,
        edition=preview.edition,
        starts_on=preview.starts_on,
        title_en=title_en or f"MIRPS National Action Plan {preview.edition} ({country.name_en})",
        title_es=title_es or f"Plan de Acción Nacional MIRPS {preview.edition} ({country.name_es})",
        stated_total=len(preview.commitments),
    )


def _predecessors_of(preview: EditionPreview) -> dict[str, Commitment]:
    """The commitments the preview's commitments replace, by code. One query."""
    return {
        c.code: c
        for c in Commitment.objects.filter(
            code__in=[code for p in preview.commitments for code in p.replaces]
        )
    }


def _create_commitments(
    plan: NationalPlan, preview: EditionPreview, predecessors: dict[str, Commitment]
) -> dict[str, Commitment]:
    """The edition's commitments, in the sheet's order, created in one go; a commitment with
    one predecessor of the same pillar keeps its pillar rationale. Returns them by code."""
    created = []
    for order, planned in enumerate(preview.commitments, start=1):
        found = [predecessors[code] for code in planned.replaces]
        rationale_en = rationale_es = ""
        if len(found) == 1 and found[0].pillar_id == planned.pillar.pk:
            rationale_en, rationale_es = found[0].pillar_rationale, found[0].pillar_rationale_es
        created.append(
            Commitment(
                code=planned.code,
                plan=plan,
                country=plan.country,
                focus_area=planned.focus_area,
                pillar=planned.pillar,
                pillar_rationale=rationale_en,
                pillar_rationale_es=rationale_es,
                text=planned.text_en,
                text_es=planned.text_es,
                original_language=preview.original_language,
                responsible_institution=planned.responsible_institution,
                order=order,
            )
        )
    Commitment.objects.bulk_create(created)
    return {c.code: c for c in Commitment.objects.filter(plan=plan)}


def _link(
    preview: EditionPreview,
    predecessors: dict[str, Commitment],
    created: dict[str, Commitment],
) -> None:
    """Each new commitment linked to the commitments it replaces, in one go."""
    CommitmentLink.objects.bulk_create(
        CommitmentLink(predecessor=predecessors[code], successor=created[planned.code])
        for planned in preview.commitments
        for code in planned.replaces
    )


def _audit_edition(
    user, route: str, plan: NationalPlan, preview: EditionPreview, created: dict[str, Commitment]
) -> None:
    """One audit event for the edition (its counts in the comment) and one per commitment (its
    lineage, and the codes it replaces in the comment)."""
    counts = preview.counts()
    log(
        user,
        ChangeEvent.Action.EDITION_LOADED,
        route,
        plan=plan,
        old=preview.previous.edition if preview.previous else "",
        new=preview.edition,
        comment=(
            f"{counts['commitments']} commitments from {preview.starts_on.isoformat()}: "
            + ", ".join(f"{counts[k.value]} {k.value}" for k in LineageKind)
            + f"; {counts['closing']} closed"
        ),
    )
    for planned in preview.commitments:
        log(
            user,
            ChangeEvent.Action.COMMITMENT_ADDED,
            route,
            commitment=created[planned.code],
            plan=plan,
            new=planned.kind.value,
            comment=";".join(planned.replaces),
        )


def apply_edition(
    *,
    country: Country,
    edition: str,
    starts_on: datetime.date,
    rows: list[EditionRow],
    user,
    original_language: str = "en",
    title_en: str = "",
    title_es: str = "",
    route: str = Route.WEB,
    from_server: bool = False,
) -> tuple[NationalPlan, EditionPreview]:
    """Apply an edition sheet: the preview is made again inside the transaction (the
    catalogue may have moved since it was shown) and, with any problem, ``EditionRefused`` is
    raised and nothing is written. Otherwise the edition, its commitments and their lineage
    are created, with an audit event for the edition and one per commitment (its lineage and
    the codes it replaces in the comment), and the figures move. Secretariat only; or, with
    ``from_server`` (``manage.py load_plan_edition``, run by whoever operates the server),
    with ``user`` None, or a secretariat account named by ``--user``."""
    if not (from_server and user is None):
        require_secretariat(user)
    with transaction.atomic():
        # One edition at a time per country: the country's row is the lock.
        country = Country.objects.select_for_update().get(pk=country.pk)
        preview = preview_edition(
            country=country,
            edition=edition,
            starts_on=starts_on,
            rows=rows,
            original_language=original_language,
        )
        if not preview.ok:
            raise EditionRefused(preview)
        plan = _create_plan(country, preview, title_en, title_es)
        predecessors = _predecessors_of(preview)
        created = _create_commitments(plan, preview, predecessors)
        _link(preview, predecessors, created)
        _audit_edition(user, route, plan, preview, created)
        announce_figures_changed(Commitment)
    return plan, preview


# --- The lineage as the pages and the API read it ---------------------------------------------


@dataclass
class Lineage:
    """A commitment's history across editions: the codes it replaces, the codes that replace
    it, its kind (``LineageKind``), whether it closed with its edition, and the edition that
    followed its own (None while its edition is the country's newest)."""

    predecessors: list[Commitment]
    successors: list[Commitment]
    kind: LineageKind
    closed: bool
    next_edition: NationalPlan | None = None


def lineage_of(commitment: Commitment) -> Lineage:
    """One query for its links both ways (each predecessor with its plan and how many
    successors it has), and one more, only when nothing continues it, for the next edition of
    its country, if any (then it closed with its edition; a successor's edition is the next
    one, which the loading service ensures)."""
    from django.db.models import Count, OuterRef, Q, Subquery

    siblings = (
        CommitmentLink.objects.filter(predecessor=OuterRef("predecessor"))
        .order_by()
        .values("predecessor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    links = list(
        CommitmentLink.objects.filter(Q(predecessor=commitment) | Q(successor=commitment))
        .select_related("predecessor__plan", "successor__plan")
        .annotate(siblings=Subquery(siblings))
        .order_by("predecessor__code", "successor__code")
    )
    before = [link for link in links if link.successor_id == commitment.pk]
    predecessors = [link.predecessor for link in before]
    successors = [link.successor for link in links if link.predecessor_id == commitment.pk]
    if successors:
        next_edition = successors[0].plan
    else:
        next_edition = (
            NationalPlan.objects.filter(
                country_id=commitment.country_id, starts_on__gt=commitment.plan.starts_on
            )
            .order_by("starts_on")
            .first()
        )
    closed = not successors and next_edition is not None
    kind = lineage_kind(
        predecessors=len(predecessors),
        siblings=before[0].siblings if len(before) == 1 else 0,
        same_text=(
            " ".join(predecessors[0].text.split()) == " ".join(commitment.text.split())
            if len(predecessors) == 1
            else None
        ),
    )
    return Lineage(predecessors, successors, kind, closed, next_edition)


def lineage_codes(commitment_ids) -> dict[int, dict[str, list[str]]]:
    """For every commitment id: the codes of its predecessors and successors. One query."""
    result: dict[int, dict[str, list[str]]] = defaultdict(
        lambda: {"predecessors": [], "successors": []}
    )
    links = (
        CommitmentLink.objects.filter(predecessor_id__in=commitment_ids)
        | CommitmentLink.objects.filter(successor_id__in=commitment_ids)
    ).values_list("predecessor_id", "predecessor__code", "successor_id", "successor__code")
    ids = set(commitment_ids)
    for pred_id, pred_code, succ_id, succ_code in links.order_by(
        "predecessor__code", "successor__code"
    ):
        if succ_id in ids:
            result[succ_id]["predecessors"].append(pred_code)
        if pred_id in ids:
            result[pred_id]["successors"].append(succ_code)
    return result
