def populate(world) -> None:
    """Create the objects this app's URLs need (attributes on `world`)."""


ACCESS: dict = {}
