from django.urls import path

from catalog_app import views

app_name = "catalog"
urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("sync/", views.sync_now, name="sync_now"),
    path("suggestions/", views.search_suggestions, name="suggestions"),
    path("pictograms/<str:version>/<slug:name>.svg", views.pictogram, name="pictogram"),
    path("<str:sku>/", views.product_detail, name="product_detail"),
]
