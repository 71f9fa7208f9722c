"""SeenDelivery moves to orders_app (only the overview uses it, and the orders own deliveries):
its table is renamed in place, every row kept; orders_app 0003 takes over the model's state."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("favourites", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="seendelivery", table="orders_app_seendelivery")
            ],
            state_operations=[migrations.DeleteModel(name="SeenDelivery")],
        )
    ]
