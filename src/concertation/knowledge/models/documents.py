"""Models of the knowledge app: documents."""
