"""`manage.py seed_federation`: the federation of the load test (benchmarks/seed_federation.py) in the database
this installation is configured with — 160 shelters `/fed-001/` … with volunteers, lines, three months of
shifts, trainings and fees, in bulk. For a load-test or staging installation only: it refuses a database
whose name does not contain "fed" (so a live register never gets ten thousand made-up members).

`python benchmarks/seed_federation.py` does the same in a database of its own (FEDERATION_DATABASE_URL), and
can drop and rebuild it (--reset); `make bench` uses that.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from benchmarks.seed_federation import FEDERATION_PASSWORD, SLUG_PREFIX, Clock, seed, seeded_shelters


class Command(BaseCommand):
    help = "Seed a realistic federation (160 shelters by default) in bulk, for load tests; prints how long it took."

    def add_arguments(self, parser):
        parser.add_argument("--shelters", type=int, default=160)
        parser.add_argument("--volunteers", type=int, default=60, help="volunteers per shelter")
        parser.add_argument(
            "--database-name-check",
            choices=["on", "off"],
            default="on",
            help='"off" skips the refusal of databases without "fed" in their name (the test suite uses it)',
        )

    def handle(self, *args, shelters, volunteers, database_name_check, **options):
        name = str(connection.settings_dict["NAME"])
        if database_name_check == "on" and "fed" not in name:
            raise CommandError(
                f'Refusing to seed {name!r}: the database name must contain "fed". This command fills a database '
                "with made-up shelters for load tests; use `python benchmarks/seed_federation.py` for one of its own."
            )
        if present := seeded_shelters():
            raise CommandError(f"{present} federation shelters ({SLUG_PREFIX}…) are already here; nothing was added.")
        clock = Clock(self.stdout.write)
        counts = seed(shelters=shelters, volunteers=volunteers, out=self.stdout.write, clock=clock)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {counts['shelters']} shelters, {counts['members']} members, {counts['shifts']} shifts and "
                f"{counts['assignments']} assignments in {clock.total:.1f} s. Every login's password: "
                f"{FEDERATION_PASSWORD}"
            )
        )
