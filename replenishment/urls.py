from django.urls import path

from replenishment import views

app_name = "replenishment"
urlpatterns = [
    path("standing/", views.standing_list, name="standing_list"),
    path("standing/new/", views.standing_new, name="standing_new"),
    path("standing/<int:standing_id>/", views.standing_detail, name="standing_detail"),
    path("standing/<int:standing_id>/edit/", views.standing_edit, name="standing_edit"),
    path("standing/<int:standing_id>/pause/", views.standing_pause, name="standing_pause"),
    path("standing/<int:standing_id>/resume/", views.standing_resume, name="standing_resume"),
    path("standing/<int:standing_id>/skip/", views.standing_skip, name="standing_skip"),
    path("standing/<int:standing_id>/unskip/", views.standing_unskip, name="standing_unskip"),
    path("standing/<int:standing_id>/stop/", views.standing_stop, name="standing_stop"),
    path("standing/<int:standing_id>/lines/", views.line_add, name="line_add"),
    path(
        "standing/<int:standing_id>/lines/<int:standing_line_id>/",
        views.line_update,
        name="line_update",
    ),
    path(
        "standing/<int:standing_id>/lines/<int:standing_line_id>/remove/",
        views.line_remove,
        name="line_remove",
    ),
    path("restock/", views.forecast, name="forecast"),
    path("restock/add/", views.restock, name="restock"),
]
