"""Screens of collective decisions: proposals (proposals.py) and the decision register (register.py)."""
