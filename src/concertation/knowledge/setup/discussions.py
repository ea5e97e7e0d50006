"""What the discussions of the knowledge app register at start-up (audit actions, detail labels…)."""


def register() -> None:
    pass
