# The public invitation link /invitation/<token>/ (see views/invitations.py).
urlpatterns: list = []
