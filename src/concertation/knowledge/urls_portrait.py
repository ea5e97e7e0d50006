app_name = "portrait"

urlpatterns: list = []
