from django.urls import path

from favourites import views

app_name = "favourites"
urlpatterns = [
    path("", views.index, name="index"),
    path("star/<str:sku>/", views.star, name="star"),
    path("save/<str:sku>/", views.save_product, name="save_product"),
    path("lists/new/", views.list_create, name="list_create"),
    path("lists/from-cart/", views.save_cart, name="save_cart"),
    path("lists/from-order/<int:order_id>/", views.save_order, name="save_order"),
    path("lists/<int:list_id>/", views.list_detail, name="list_detail"),
    path("lists/<int:list_id>/rename/", views.list_rename, name="list_rename"),
    path("lists/<int:list_id>/delete/", views.list_delete, name="list_delete"),
    path("lists/<int:list_id>/add-to-cart/", views.list_to_cart, name="list_to_cart"),
    path("lists/<int:list_id>/items/", views.item_add, name="item_add"),
    path("lists/<int:list_id>/items/<int:item_id>/", views.item_update, name="item_update"),
    path("lists/<int:list_id>/items/<int:item_id>/remove/", views.item_remove, name="item_remove"),
]
