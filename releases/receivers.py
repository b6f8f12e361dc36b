"""What the releases app does when other apps announce something."""

from django.dispatch import receiver

from mirps.signals import period_locked
from releases.services import request_release


@receiver(period_locked, dispatch_uid="releases-publish-on-lock")
def publish_locked_period(sender, period, **kwargs):
    """A period was locked (after its transaction committed): publish its release."""
    request_release(period)
