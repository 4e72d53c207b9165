"""Who may use the path's URLs (issue 19): coordinators and admins see the board and move cards (a volunteer gets a
403 like every coordinator page; another shelter's coordinator a 404); only admins change the steps."""

from memberpath.services import path_standard_create
from tests.access import admin_page, coordinator_page

FOUND = 302


def populate(world) -> None:
    world.path_steps = path_standard_create(organisation=world.organisation, by=None)


def _member(world) -> dict:
    return {"pk": world.volunteer.pk}


def _step(world) -> dict:
    return {"pk": world.path_steps[1].pk}


ACCESS = {
    "memberpath:board": coordinator_page(),
    # An empty POST: nothing to read, a message and back to the board.
    "memberpath:move_on": coordinator_page(method="post", coordinator=FOUND, admin=FOUND, kwargs=_member),
    "memberpath:move_back": coordinator_page(method="post", coordinator=FOUND, admin=FOUND, kwargs=_member),
    "memberpath:steps": admin_page(),
    "memberpath:standard": admin_page(method="post", admin=FOUND),
    "memberpath:step_change": admin_page(method="post", admin=FOUND, kwargs=_step),
}
