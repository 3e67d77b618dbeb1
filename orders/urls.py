app_name = "support"
urlpatterns: list = []  # the support console
