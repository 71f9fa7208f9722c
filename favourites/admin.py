from django.contrib import admin

from favourites.models import Favourite, SavedList, SavedListItem


class SavedListItemInline(admin.TabularInline):
    model = SavedListItem
    extra = 0
    raw_id_fields = ["product"]


@admin.register(SavedList)
class SavedListAdmin(admin.ModelAdmin):
    list_display = ["name", "created_by", "updated_by", "updated_at"]
    search_fields = ["name"]
    inlines = [SavedListItemInline]


@admin.register(Favourite)
class FavouriteAdmin(admin.ModelAdmin):
    list_display = ["user", "product", "created_at"]
    raw_id_fields = ["product"]
    list_filter = ["user"]
