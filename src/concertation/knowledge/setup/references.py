"""What the references of the knowledge app register at start-up (audit actions, detail labels…)."""


def register() -> None:
    pass
