"""The two roles staff hand out in the admin: "Approvers" (may approve or reject orders over a
spending threshold, and see every order) and "Buyers" (every account buys; the group lets staff
list the buying team). Staff is Django's own "staff status"."""

from django.db import migrations


def create_groups(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    order_type, _ = ContentType.objects.get_or_create(app_label="orders_app", model="order")
    approve, _ = Permission.objects.get_or_create(
        content_type=order_type,
        codename="approve_order",
        defaults={"name": "Can approve or reject orders over a spending threshold"},
    )
    Group.objects.get_or_create(name="Buyers")
    approvers, _ = Group.objects.get_or_create(name="Approvers")
    approvers.permissions.add(approve)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Buyers", "Approvers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_audit_log"),
        ("orders_app", "0002_approvals"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
