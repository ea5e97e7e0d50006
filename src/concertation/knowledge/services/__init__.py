"""Writes of the knowledge app, one module a subject."""
