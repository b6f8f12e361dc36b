from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mirps.i18n import localized


class Country(models.Model):
    """A MIRPS country, identified by its ISO 3166-1 alpha-3 code."""

    iso3 = models.CharField(_("ISO3 code"), max_length=3, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_es = models.CharField(_("name (Spanish)"), max_length=100)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(iso3__regex=r"^[A-Z]{3}$"), name="country_iso3_upper_alpha3"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.iso3})"

    @property
    def name(self) -> str:
        """The name in the active language (Spanish unless English is active)."""
        return localized(self, "name")


class Membership(models.Model):
    """A national technical team member's country. A person may belong to several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("country")
    )

    class Meta:
        ordering = ["country__iso3", "user__username"]
        verbose_name = _("national team membership")
        verbose_name_plural = _("national team memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "country"], name="membership_user_country")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.country.iso3}"
