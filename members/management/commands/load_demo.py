from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from members import demo


class Command(BaseCommand):
    help = "Create (or leave as it is) the demo shelter with known logins, then each app's demo data."

    @transaction.atomic
    def handle(self, *args, **options):
        organisation = demo.seed(self.stdout)
        # Each app may add demo rows in its own `demo.seed(organisation)`; members imports no other app.
        for config in apps.get_app_configs():
            if config.name not in ("trainings", "shifts", "timelog"):
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue
            module.seed(organisation)
        self.stdout.write("")
        self.stdout.write(f"Demo shelter: http://127.0.0.1:8000/{organisation.slug}/")
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for email, role in demo.logins():
            self.stdout.write(f"  {email:<36} {role}")
        self.stdout.write("  …and more volunteers: lena@, karin@, eva@, fatima@ … @demo.jourplan.test")
        self.stdout.write("Coordinators, admins and the operator are asked to set up a second factor (TOTP).")
