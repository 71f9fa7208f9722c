from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """The buyer's overview and the staff System status: they read every domain and own none."""

    name = "overview"
    verbose_name = "Overview"
