"""Who may use which URL: the types the per-app access tables (tests/<app>/access_table.py) are made of."""

from collections.abc import Callable
from dataclasses import dataclass, field

LOGIN = "login"  # redirected to the login page
OK = 200
FORBIDDEN = 403
NOT_FOUND = 404
ROLES = ("anonymous", "volunteer", "coordinator", "admin", "other_shelter")


@dataclass(frozen=True)
class Rule:
    """Expected response per role for one URL name. `kwargs(world)` builds the URL's arguments
    besides `shelter`; `ok` may be 200 or a redirect code for views that redirect on success."""

    anonymous: int | str = LOGIN
    volunteer: int = OK
    coordinator: int = OK
    admin: int = OK
    other_shelter: int = NOT_FOUND
    kwargs: Callable = field(default=lambda world: {})
    method: str = "get"
    query: str = ""


def volunteer_page(**extra) -> Rule:
    return Rule(**extra)


def coordinator_page(**extra) -> Rule:
    return Rule(volunteer=FORBIDDEN, **extra)


def admin_page(**extra) -> Rule:
    return Rule(volunteer=FORBIDDEN, coordinator=FORBIDDEN, **extra)
