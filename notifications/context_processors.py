from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.functional import SimpleLazyObject

from countries.models import Membership
from countries.permissions import is_secretariat
from indicators.models import IndicatorValue
from notifications.models import Notification
from statuses.models import StatusUpdate
from workspace.tracker import returned_to


def _count(queryset):
    """``queryset``'s row count as a scalar subquery (0 when empty)."""
    counted = (
        queryset.order_by()
        .annotate(one=Value(1, output_field=IntegerField()))
        .values("one")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), 0)


def counts_for(user) -> dict:
    """The menu's counts, in one query: unread notifications, submissions returned to the
    user's countries and still unanswered, and (secretariat) submissions waiting for review:
    statuses and indicator values, both in the review queue."""
    if user is None or not user.is_authenticated:
        return {"unread": 0, "returned": 0, "waiting": 0}
    # the user's countries as a subquery: no separate query for the memberships
    own = Membership.objects.filter(user=OuterRef(OuterRef("pk"))).values("country_id")
    annotations = {
        "unread": _count(Notification.objects.filter(recipient=OuterRef("pk"), read_at=None)),
        "returned": _count(returned_to(own)),
        "waiting": _count(StatusUpdate.objects.pending()) + _count(IndicatorValue.objects.pending())
        if is_secretariat(user)
        else Value(0),
    }
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(**annotations)
        .values("unread", "returned", "waiting")
        .first()
    )
    return row or {"unread": 0, "returned": 0, "waiting": 0}


def inbox(request):
    """``inbox``: the counts of ``counts_for``, computed only if a page shows them."""
    user = getattr(request, "user", None)
    return {"inbox": SimpleLazyObject(lambda: counts_for(user))}
