from django.utils.functional import SimpleLazyObject

from countries.permissions import can_use_workspace, is_secretariat
from statuses.selectors import demo_data_present


def roles(request):
    """What every page needs: the person's roles and whether demo data is loaded (the banner).

    ``demo`` is lazy, so a page that does not render the banner pays no query for it.
    """
    user = getattr(request, "user", None)
    return {
        "in_workspace": can_use_workspace(user),
        "is_secretariat": is_secretariat(user),
        "demo": SimpleLazyObject(demo_data_present),
    }
