app_name = "skill"
urlpatterns: list = []  # POST /alexa/ is added by the skill endpoint
