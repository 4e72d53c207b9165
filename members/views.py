from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .access import coordinator_required, superuser_required, volunteer_required
from .errors import JourplanError
from .forms import InviteForm, ShelterForm
from .models import Heartbeat, Member, MemberStatus, Organisation
from .onboarding import current_pledge, members_with_current_pledge
from .services import member_invite, organisation_create


@login_required
def home(request):
    """After login: straight to her shelter, or a choice when she belongs to several."""
    memberships = list(
        Member.objects.filter(user=request.user, erased_at=None)
        .exclude(status=MemberStatus.LEFT)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    if len(memberships) == 1:
        return redirect(memberships[0].organisation.get_absolute_url())
    if not memberships and request.user.is_superuser:
        return redirect("federation:shelters")
    return render(request, "members/choose_shelter.html", {"memberships": memberships})


@never_cache
def healthz(request):
    """Reachability of database and broker and beat's last run; nothing about shelters or people."""
    status = {"database": "ok", "broker": "ok", "beat_last_run": None, "worker_last_seen": None}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        beats = dict(Heartbeat.objects.values_list("name", "at"))
        status["beat_last_run"] = beats.get("beat").isoformat() if beats.get("beat") else None
        status["worker_last_seen"] = beats.get("worker").isoformat() if beats.get("worker") else None
    except Exception:  # noqa: BLE001
        status["database"] = "unreachable"
    try:
        from .tasks import worker_ping

        worker_ping.apply_async(retry=False)
    except Exception:  # noqa: BLE001
        status["broker"] = "unreachable"
    healthy = status["database"] == "ok" and status["broker"] == "ok"
    return JsonResponse(status, status=200 if healthy else 503)


@volunteer_required
def portal(request):
    pledge = current_pledge(request.organisation)
    pledge_to_sign = pledge is not None and not members_with_current_pledge(request.organisation, [request.member.pk])
    return render(request, "members/portal.html", {"today": timezone.localdate(), "pledge_to_sign": pledge_to_sign})


@coordinator_required
def invite(request):
    form = InviteForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                member = form.save()
                member_invite(member=member, invited_by=request.member)
        except IntegrityError:
            form.add_error("email", _("A member with this e-mail address already exists in this shelter."))
        except JourplanError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("An invitation has been sent to %(email)s.") % {"email": member.email})
            return redirect("members:invite", shelter=request.organisation.slug)
    return render(request, "members/invite.html", {"form": form})


@superuser_required
def federation_shelters(request):
    form = ShelterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_create(**form.cleaned_data)
        except ValidationError as invalid:
            for field, errors in invalid.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except JourplanError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("The shelter %(name)s was created and its admin invited.") % {"name": organisation.name},
            )
            return redirect("federation:shelters")
    shelters = Organisation.objects.order_by("name")
    return render(request, "members/federation_shelters.html", {"form": form, "shelters": shelters})
