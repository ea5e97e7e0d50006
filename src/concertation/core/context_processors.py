from django.conf import settings


def site(request):
    return {
        "SITE_NAME": "Concertation",
        "csp_nonce": getattr(request, "csp_nonce", ""),
        "DEBUG": settings.DEBUG,
    }
