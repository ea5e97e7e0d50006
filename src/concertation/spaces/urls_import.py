# Import of organizations and memberships (see views/imports.py).
urlpatterns: list = []
