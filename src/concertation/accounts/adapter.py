from allauth.account.adapter import DefaultAccountAdapter

from .signup import signup_is_open


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # By invitation unless the instance opens sign-up (accounts/signup.py).
        return signup_is_open(request)
