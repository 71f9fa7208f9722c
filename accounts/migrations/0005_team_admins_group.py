"""The "Team admins" group: manages the team (accounts.manage_team) and approves orders."""

from django.db import migrations


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    team_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="teamsettings")
    manage, _ = Permission.objects.get_or_create(
        content_type=team_type,
        codename="manage_team",
        defaults={"name": "Can manage the team: people, roles, addresses, lists"},
    )
    approve = Permission.objects.get(content_type__app_label="orders_app", codename="approve_order")
    admins, _ = Group.objects.get_or_create(name="Team admins")
    admins.permissions.add(manage, approve)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Team admins").delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_team")]

    operations = [migrations.RunPython(create_group, remove_group)]
