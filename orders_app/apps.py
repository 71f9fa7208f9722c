from django.apps import AppConfig


class OrdersAppConfig(AppConfig):
    name = "orders_app"
