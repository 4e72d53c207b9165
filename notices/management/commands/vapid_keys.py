"""`manage.py vapid_keys`: print a fresh VAPID key pair for web push, as environment variables for production.

Development needs none: with DEBUG on and no VAPID_PRIVATE_KEY, notices/push.py makes a pair once in var/vapid.json.
Keep the private key as secret as SECRET_KEY. Changing it later orphans every browser's subscription (each was
made for the old public key): volunteers have to turn push on again on their devices.
"""

from typing import Any

from django.core.management.base import BaseCommand

from notices.push import VapidKeys, generate_private_key, private_key_text


class Command(BaseCommand):
    help = "Print a new VAPID key pair (VAPID_PRIVATE_KEY, VAPID_PUBLIC_KEY) for the environment of production."

    def handle(self, *args: Any, **options: Any) -> None:
        key = generate_private_key()
        self.stdout.write(f"VAPID_PRIVATE_KEY={private_key_text(key)}")
        self.stdout.write(f"VAPID_PUBLIC_KEY={VapidKeys(private_key=key, subject='').application_server_key}")
