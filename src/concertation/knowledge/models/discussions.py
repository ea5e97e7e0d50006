"""Models of the knowledge app: discussions."""
