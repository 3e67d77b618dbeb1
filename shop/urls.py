"""The web shop's URLs, under /shop/<store-slug>/ (namespace ``shop``). Every page names its
store; every id after it is looked up within that store and, for a shopper's own rows,
within the signed-in shopper's account."""

from django.urls import path

from .views import account, auth, cart, catalog, checkout, orders

app_name = "shop"

S = "<slug:store_slug>/"

urlpatterns = [
    # The catalog.
    path(S, catalog.home, name="home"),
    path(S + "search/", catalog.search, name="search"),
    path(S + "c/<int:category_id>/", catalog.category, name="category"),
    path(S + "p/<int:product_id>/", catalog.product, name="product"),
    # Cart and wish list.
    path(S + "cart/", cart.cart, name="cart"),
    path(S + "cart/add/<int:product_id>/", cart.cart_add, name="cart_add"),
    path(S + "cart/discount/", cart.discount_apply, name="cart_discount_apply"),
    path(S + "cart/discount/remove/", cart.discount_remove, name="cart_discount_remove"),
    path(S + "cart/<int:product_id>/", cart.cart_update, name="cart_update"),
    path(S + "cart/<int:product_id>/remove/", cart.cart_remove, name="cart_remove"),
    path(S + "cart/<int:product_id>/save/", cart.cart_save_for_later, name="cart_save_for_later"),
    path(S + "wishlist/", cart.wishlist, name="wishlist"),
    path(S + "wishlist/add/<int:product_id>/", cart.wishlist_add, name="wishlist_add"),
    path(S + "wishlist/<int:product_id>/remove/", cart.wishlist_remove, name="wishlist_remove"),
    path(
        S + "wishlist/<int:product_id>/to-cart/",
        cart.wishlist_move_to_cart,
        name="wishlist_move_to_cart",
    ),
    # Checkout, orders, refill plans.
    path(S + "checkout/", checkout.checkout, name="checkout"),
    path(S + "orders/", orders.order_list, name="orders"),
    path(S + "orders/<str:number>/", orders.order_detail, name="order"),
    path(S + "orders/<str:number>/cancel/", orders.order_cancel, name="order_cancel"),
    path(
        S + "orders/<str:number>/refund-request/",
        orders.order_refund_request,
        name="order_refund_request",
    ),
    path(S + "refill-plans/", orders.refill_plans, name="refill_plans"),
    path(
        S + "refill-plans/<int:plan_id>/pause/",
        orders.refill_plan_change,
        {"action": "pause"},
        name="refill_plan_pause",
    ),
    path(
        S + "refill-plans/<int:plan_id>/resume/",
        orders.refill_plan_change,
        {"action": "resume"},
        name="refill_plan_resume",
    ),
    path(
        S + "refill-plans/<int:plan_id>/skip/",
        orders.refill_plan_change,
        {"action": "skip"},
        name="refill_plan_skip",
    ),
    path(
        S + "refill-plans/<int:plan_id>/cancel/",
        orders.refill_plan_change,
        {"action": "cancel"},
        name="refill_plan_cancel",
    ),
    # The account.
    path(S + "account/", account.account, name="account"),
    path(S + "account/verify-again/", account.resend_verification, name="resend_verification"),
    path(S + "account/addresses/add/", account.address_add, name="address_add"),
    path(S + "account/addresses/<int:address_id>/", account.address_edit, name="address_edit"),
    path(
        S + "account/addresses/<int:address_id>/delete/",
        account.address_delete,
        name="address_delete",
    ),
    path(
        S + "account/addresses/<int:address_id>/default/",
        account.address_default,
        name="address_default",
    ),
    path(S + "account/cards/add/", account.card_add, name="card_add"),
    path(S + "account/cards/<int:card_id>/remove/", account.card_remove, name="card_remove"),
    path(S + "account/cards/<int:card_id>/default/", account.card_default, name="card_default"),
    path(S + "account/voice-code/", account.voice_code, name="voice_code"),
    path(S + "account/alexa/unlink/", account.unlink, name="unlink"),
    path(
        S + "account/agents/<int:client_id>/unlink/",
        account.platform_unlink,
        name="platform_unlink",
    ),
    path(S + "account/my-data.json", account.data_download, name="data_download"),
    path(S + "account/delete/", account.delete_account, name="delete_account"),
    # Signing up and in.
    path(S + "signup/", auth.signup, name="signup"),
    path(S + "verify/<str:uidb64>/<str:token>/", auth.verify_email, name="verify_email"),
    path(S + "login/", auth.login, name="login"),
    path(S + "logout/", auth.logout, name="logout"),
    path(S + "password-reset/", auth.password_reset, name="password_reset"),
    path(
        S + "password-reset/<str:uidb64>/<str:token>/",
        auth.password_reset_confirm,
        name="password_reset_confirm",
    ),
]
