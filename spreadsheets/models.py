"""Uploaded spreadsheets, their previews and what came of them."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mirps.vocabulary import Route
from periods.models import ReportingPeriod
from spreadsheets.messages import render
from statuses.models import STATUS_ROUTES


class Encoded(dict):
    """A preview with its JSON text, encoded once (``importer.storable``, which checks the text
    anyway): ``PreviewEncoder`` writes that text instead of encoding the preview again. Any
    change of its own keys drops the text (it is encoded again); a preview is not changed once
    made, and its lists are never changed in place."""

    text: str | None

    def __init__(self, value: dict, text: str):
        super().__init__(value)
        self.text = text

    def _changed(method):  # noqa: N805 (a decorator of the class body)
        def changed(self, *args, **kwargs):
            self.text = None
            return method(self, *args, **kwargs)

        return changed

    __setitem__ = _changed(dict.__setitem__)
    __delitem__ = _changed(dict.__delitem__)
    __ior__ = _changed(dict.__ior__)
    clear = _changed(dict.clear)
    pop = _changed(dict.pop)
    popitem = _changed(dict.popitem)
    setdefault = _changed(dict.setdefault)
    update = _changed(dict.update)
    del _changed


class PreviewEncoder(json.JSONEncoder):
    """The preview field's encoder: an ``Encoded`` preview is written as its text; anything
    else as Django's JSON field writes it."""

    def encode(self, o):
        if type(o) is Encoded and o.text is not None:
            return o.text
        return super().encode(o)


class SpreadsheetUpload(models.Model):
    """A monitoring matrix uploaded by a person: the file, its preview and what came of it.

    The file is kept (it can be downloaded again from the upload history, and read again when
    the person corrects which column is which) and so is the log: who, when, counts, how it was
    applied and the outcome. Nothing is written to statuses until the person applies the
    preview, and then all of it or nothing, unless they chose to apply the valid rows and skip
    the listed ones (``mode``, ``skipped``). Messages are kept as codes with parameters
    (``outcome_code``, and inside ``preview``) so everyone reads them in their own language.
    """

    class State(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed, not applied")
        APPLIED = "applied", _("Applied")
        CANCELLED = "cancelled", _("Cancelled")
        REJECTED = "rejected", _("Rejected: not a readable spreadsheet")
        FAILED = "failed", _("Failed: nothing was written")

    class Mode(models.TextChoices):
        ALL = "all", _("All rows")
        VALID_ROWS = "valid_rows", _("Valid rows only, listed rows skipped")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    file = models.FileField(_("file"), upload_to="uploads/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("period"),
    )
    source = models.CharField(
        _("route"), max_length=12, choices=STATUS_ROUTES, default=Route.SPREADSHEET
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    preview = models.JSONField(_("preview"), default=dict, blank=True, encoder=PreviewEncoder)
    columns = models.JSONField(
        _("columns chosen"),
        default=dict,
        blank=True,
        help_text=_("The person's corrections of which column is which, per sheet."),
    )
    changed = models.PositiveIntegerField(_("changes"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    problems = models.PositiveIntegerField(_("problems"), default=0)
    applied = models.PositiveIntegerField(_("applied"), default=0)
    indicators_applied = models.PositiveIntegerField(_("indicator values applied"), default=0)
    mode = models.CharField(_("applied as"), max_length=10, choices=Mode.choices, blank=True)
    skipped = models.PositiveIntegerField(_("rows skipped"), default=0)
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_code = models.CharField(_("outcome code"), max_length=40, blank=True)
    outcome_params = models.JSONField(_("outcome parameters"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        # the table it has had since it lived in ``commitments`` (rows are kept, never moved)
        db_table = "commitments_spreadsheetupload"
        ordering = ["-created_at", "-id"]
        verbose_name = _("spreadsheet upload")
        verbose_name_plural = _("spreadsheet uploads")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["previewed", "applied", "cancelled", "rejected", "failed"]),
                name="upload_known_state",
            ),
            models.CheckConstraint(
                condition=Q(mode__in=["", "all", "valid_rows"]), name="upload_known_mode"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_state_display()})"

    def set_outcome(self, code: str, **params) -> None:
        """Record what came of the upload as a code (empty: nothing yet) with parameters; the
        text kept beside it is for searching, the page renders the code in its language."""
        self.outcome_code, self.outcome_params = code, params
        self.outcome = render(code, params) if code else ""

    def outcome_message(self) -> str:
        """What came of the upload, in the active language."""
        return render(self.outcome_code, self.outcome_params) if self.outcome_code else self.outcome
