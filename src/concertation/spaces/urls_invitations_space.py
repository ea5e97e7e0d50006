# Invitation screens of a space (owned by the invitations work; see views/invitations.py).
urlpatterns: list = []
