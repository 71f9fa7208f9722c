"""SeenDelivery comes from favourites (favourites 0002 renamed its table to this app's name):
the model's state only, no change to the database."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders_app", "0002_approvals"),
        ("favourites", "0002_move_seendelivery_to_orders_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SeenDelivery",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("estimated_delivery", models.DateField(null=True)),
                        ("seen_at", models.DateTimeField(auto_now=True)),
                        (
                            "order",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="orders_app.order",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "seen deliveries",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "order"), name="one_seen_date_per_order"
                            )
                        ],
                    },
                )
            ]
        )
    ]
