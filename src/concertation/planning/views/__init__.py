"""Screens of the plan: its structure and revisions (structure.py); the dashboard lives apart."""
