"""Models of the knowledge app: references."""
