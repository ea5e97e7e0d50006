"""Models of the knowledge app: practices."""
