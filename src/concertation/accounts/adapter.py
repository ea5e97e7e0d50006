from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Invitations always open sign-up; otherwise the instance setting decides.
        if request.session.get("invitation_token"):
            return True
        return settings.ACCOUNT_ALLOW_SIGNUPS
