"""The demo territory: the Table de quartier Pointe-aux-Hérons and one account per kind of user."""
