from django.urls import path

from orders_app.views import addresses, approvals, bulk, cart, checkout, on_behalf, orders

app_name = "orders"
urlpatterns = [
    # cart
    path("cart/", cart.cart_detail, name="cart"),
    path("cart/add/", cart.cart_add_view, name="cart_add"),
    path("cart/add/one-click/", cart.cart_add_one_click, name="cart_add_one_click"),
    path("cart/badge/", cart.cart_badge, name="cart_badge"),
    path("cart/empty/", cart.cart_empty_view, name="cart_empty"),
    path("cart/lines/<int:line_id>/", cart.cart_line_update, name="cart_line_update"),
    path("cart/lines/<int:line_id>/remove/", cart.cart_line_remove, name="cart_line_remove"),
    path("cart/lines/<int:line_id>/add-lid/", cart.cart_add_lid, name="cart_add_lid"),
    # checkout
    path("checkout/", checkout.checkout, name="checkout"),
    # staff ordering for a buyer (orders_app/on_behalf.py)
    path("orders/on-behalf/", on_behalf.on_behalf_start, name="on_behalf"),
    path("orders/on-behalf/stop/", on_behalf.on_behalf_stop, name="on_behalf_stop"),
    # orders and tracking
    path("orders/", orders.order_list, name="order_list"),
    path("orders/export.csv", orders.order_export, name="order_export"),
    path("orders/<int:order_id>/", orders.order_detail, name="order_detail"),
    path("orders/<int:order_id>/reorder/", orders.order_reorder, name="order_reorder"),
    path("orders/<int:order_id>/resubmit/", orders.order_resubmit_view, name="order_resubmit"),
    path("orders/<int:order_id>/cancel/", orders.order_cancel, name="order_cancel"),
    path("orders/<int:order_id>/tracking/", orders.order_tracking, name="order_tracking"),
    path(
        "orders/<int:order_id>/tracking/seen/",
        orders.order_tracking_seen,
        name="order_tracking_seen",
    ),
    # --- quick order, CSV upload, address book (orders_app/views/bulk.py, addresses.py) ---
    path("cart/quick/", bulk.quick_order, name="quick_order"),
    path("cart/upload/", bulk.upload, name="upload"),
    path("cart/upload/confirm/", bulk.upload_confirm, name="upload_confirm"),
    path("cart/upload/sample.csv", bulk.upload_sample, name="upload_sample"),
    path("addresses/", addresses.address_list, name="address_list"),
    path("addresses/new/", addresses.address_create_view, name="address_create"),
    path("addresses/<int:address_id>/edit/", addresses.address_edit, name="address_edit"),
    path(
        "addresses/<int:address_id>/remove/", addresses.address_delete_view, name="address_delete"
    ),
    path("addresses/<int:address_id>/default/", addresses.address_default, name="address_default"),
    # approvals (approvers only: orders_app/views/approvals.py)
    path("approvals/", approvals.approval_list, name="approval_list"),
    path("approvals/orders/", approvals.all_orders, name="all_orders"),
    path("approvals/orders/<int:order_id>/", approvals.approval_detail, name="approval_detail"),
    path(
        "approvals/orders/<int:order_id>/approve/",
        approvals.order_approve_view,
        name="order_approve",
    ),
    path(
        "approvals/orders/<int:order_id>/reject/",
        approvals.order_reject_view,
        name="order_reject",
    ),
]
