"""Create the demo logins `make run` prints (idempotent: existing users are left alone)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from accounts.roles import APPROVERS_GROUP, BUYERS_GROUP

DEMO_USERS = [
    # username, password, first name, last name, is_staff, groups
    ("demo", "cupboard-demo", "Dana", "Buyer", False, [BUYERS_GROUP]),
    ("approver", "cupboard-approver", "Alex", "Approver", False, [BUYERS_GROUP, APPROVERS_GROUP]),
    ("admin", "cupboard-admin", "Sam", "Staff", True, []),
]


class Command(BaseCommand):
    help = "Create the demo buyer and staff logins if they do not exist yet."

    def handle(self, *args, **options):
        User = get_user_model()
        for username, password, first, last, staff, groups in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            # Example addresses: under `make run` mail goes to the local outbox (admin ›
            # Notifications › Local outbox), never out.
            email = f"{username}@cupboard.example"
            user = User(username=username, first_name=first, last_name=last, email=email)
            user.is_staff = user.is_superuser = staff
            user.set_password(password)
            user.save()
            user.groups.set(Group.objects.filter(name__in=groups))
            self.stdout.write(f"Created demo login {username!r}.")
