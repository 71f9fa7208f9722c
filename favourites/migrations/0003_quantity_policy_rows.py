"""At most 10,000,000 units per saved-list item (orders_app/quantities.py), as a check
constraint; items saved before the policy existed keep the most it allows (or, at 0 units,
are removed)."""

from django.db import migrations

MAX_UNITS = 10_000_000


def bring_items_within_the_policy(apps, schema_editor):
    SavedListItem = apps.get_model("favourites", "SavedListItem")
    SavedListItem.objects.filter(qty__lt=1).delete()
    SavedListItem.objects.filter(qty__gt=MAX_UNITS).update(qty=MAX_UNITS)


class Migration(migrations.Migration):
    dependencies = [("favourites", "0002_move_seendelivery_to_orders_app")]

    # Only the rows: the constraint comes in 0004 (PostgreSQL cannot alter a table whose rows
    # were just updated in the same transaction).
    operations = [migrations.RunPython(bring_items_within_the_policy, migrations.RunPython.noop)]
