"""Access rules for the import and export pages (coordinators and admins only)."""

from tests.access import coordinator_page


def populate(world) -> None:
    """The import pages need no objects beyond the world's members."""


ACCESS = {
    "members:import_members": coordinator_page(),
    "members:import_payments": coordinator_page(),
    # Without a stored upload the confirm step sends her back to the upload page.
    "members:import_members_confirm": coordinator_page(method="post", coordinator=302, admin=302),
    "members:import_payments_confirm": coordinator_page(method="post", coordinator=302, admin=302),
    "members:export_members_csv": coordinator_page(),
    "members:export_members_xlsx": coordinator_page(),
}
