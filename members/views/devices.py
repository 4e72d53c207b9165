"""Her devices (issue 18): the browsers that get her notices as push notifications, in this shelter.

The page lists them (label, added, last used) with "Ta bort" (a plain form: works without JavaScript). Turning push
on or off on the device she holds needs the browser's push API, so static/js/pwa.js does it and posts here as JSON
(with the CSRF header): `device_subscribe` stores the subscription, `device_unsubscribe` forgets the endpoint the
browser has just cancelled. Both answer JSON, with the refusal as a sentence for her.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notices.models import PushDevice
from notices.push import application_server_key, push_enabled

from ..access import in_organisation_time, volunteer_required
from ..devices import (
    DeviceRefused,
    device_label,
    endpoint_from_json,
    member_devices,
    push_device_register,
    push_device_remove,
    push_device_unsubscribe,
    subscription_from_json,
)


@volunteer_required
@in_organisation_time
def devices(request) -> HttpResponse:
    enabled = push_enabled()
    context = {
        "devices": member_devices(request.member),
        "push_enabled": enabled,
        "application_server_key": application_server_key() if enabled else "",
    }
    return render(request, "members/devices.html", context)


def _refused(refused: DeviceRefused) -> JsonResponse:
    return JsonResponse({"error": refused.message}, status=400)


@volunteer_required
@require_POST
def device_subscribe(request) -> JsonResponse:
    if not push_enabled():
        return _refused(DeviceRefused(_("Push notifications are not switched on in this Jourplan.")))
    try:
        subscription = subscription_from_json(request.body)
        push_device_register(
            member=request.member,
            subscription=subscription,
            label=device_label(request.headers.get("User-Agent", "")),
        )
    except DeviceRefused as refused:
        return _refused(refused)
    text = _("This device will now get your notices.")
    messages.success(request, text)
    return JsonResponse({"message": text})


@volunteer_required
@require_POST
def device_unsubscribe(request) -> JsonResponse:
    try:
        endpoint = endpoint_from_json(request.body)
    except DeviceRefused as refused:
        return _refused(refused)
    push_device_unsubscribe(member=request.member, endpoint=endpoint)
    text = _("This device no longer gets your notices.")
    messages.success(request, text)
    return JsonResponse({"message": text})


@volunteer_required
@require_POST
def device_remove(request, pk: int) -> HttpResponse:
    device = get_object_or_404(PushDevice.objects.filter(member=request.member), pk=pk)
    try:
        push_device_remove(member=request.member, device=device)
    except DeviceRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The device has been removed. It no longer gets your notices."))
    return redirect("members:devices", organisation=request.organisation.slug)
