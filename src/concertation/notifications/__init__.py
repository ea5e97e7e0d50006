"""Notifications (issue 16): one way to tell people. See ``api`` for what the other apps use."""
