app_name = "console"
urlpatterns: list = []  # the voice test console
