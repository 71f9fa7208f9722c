from django.apps import AppConfig


class FavouritesConfig(AppConfig):
    name = "favourites"
    verbose_name = "Favourites and lists"

    def ready(self):
        from core import user_facts
        from favourites.models import Favourite
        from favourites.services import starred_product_ids

        user_facts.register(
            "starred",
            compute=starred_product_ids,
            timeout=3600,
            dropped_by={Favourite: lambda favourite: favourite.user_id},
        )
