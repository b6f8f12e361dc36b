from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from countries.models import Country, Membership
from countries.permissions import SECRETARIAT_GROUP
from countries.roles import ensure_roles

# Development only: documented in the README, refused outside DJANGO_DEV=1.
# (username, password, country of the team or None for the secretariat, e-mail): with an
# address, the notifications' e-mails show in the development console (make run).
DEMO_USERS = [
    ("secretariat", "Secretariat-demo-2024", None, "secretariat@example.org"),
    ("gtm-team", "Guatemala-demo-2024", "GTM", "gtm-team@example.org"),
]


class Command(BaseCommand):
    help = "Create the demo users (development only): one secretariat, one Guatemala team member."

    def handle(self, *args, **options):
        if not settings.DEV:
            raise CommandError("Demo users are for development only (set DJANGO_DEV=1).")
        ensure_roles()
        users = get_user_model().objects
        for username, password, iso3, email in DEMO_USERS:
            user, _ = users.get_or_create(username=username)
            user.set_password(password)
            user.email = email
            user.is_staff = iso3 is None  # the secretariat may use the admin
            user.save()
            if iso3 is None:
                user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
            else:
                Membership.objects.get_or_create(user=user, country=Country.objects.get(iso3=iso3))
            self.stdout.write(
                f"{username} / {password} <{email}>"
                + (f" ({iso3} team)" if iso3 else " (secretariat)")
            )
