"""A URL configuration for tests/core/test_fixed_urls.py: « home » somewhere else."""

from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("ailleurs/", lambda request: HttpResponse(), name="home")]
