from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class FavouritesConfig(AppConfig):
    name = "favourites"
    verbose_name = "Favourites and lists"

    def ready(self):
        from favourites.models import Favourite

        post_save.connect(star_written, sender=Favourite, dispatch_uid="stars_save")
        post_delete.connect(star_written, sender=Favourite, dispatch_uid="stars_delete")


def star_written(sender, instance, **kwargs) -> None:
    """A buyer's stars (dashboard/user_cache.py) are read again after any change."""
    from dashboard.user_cache import forget

    forget(instance.user_id, "starred")
