from django.core.management import call_command

from accounts.roles import is_approver


def test_it_creates_the_demo_logins_once_with_their_roles(db, django_user_model):
    call_command("setup_demo")
    call_command("setup_demo")  # running it again keeps what is there
    users = {u.username: u for u in django_user_model.objects.all()}
    assert set(users) == {"demo", "approver", "admin"}
    assert users["demo"].check_password("cupboard-demo") and not is_approver(users["demo"])
    assert is_approver(users["approver"]) and not users["approver"].is_staff
    assert users["admin"].is_staff and users["admin"].is_superuser
