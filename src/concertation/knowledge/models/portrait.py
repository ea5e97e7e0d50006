"""Models of the knowledge app: portrait."""
