class JourplanError(Exception):
    """A domain rule refused an action; `messages` are translated sentences for the person."""

    def __init__(self, *messages: str):
        self.messages = [str(m) for m in messages]
        super().__init__(" ".join(self.messages))

    @property
    def message(self) -> str:
        return " ".join(self.messages)
