"""What the type checker knows of a request inside a shelter.

`members.access.shelter_view` resolves the shelter and the signed-in person's membership once, from the URL,
and sets `request.organisation` and `request.member` (CONVENTIONS: "Shelters, roles, and the URL"). A view
or helper that reads them takes a `ShelterRequest`; nothing builds one, it only names what is set.
"""

from __future__ import annotations

from django.http import HttpRequest

from .audit import Actor
from .models import Organisation


class ShelterRequest(HttpRequest):
    organisation: Organisation
    # A members.Member; core names only what it reads of her (core never imports the apps above it).
    member: Actor
