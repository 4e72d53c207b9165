"""After login (her shelters and invitations), a shelter's start page and inviting, the federation's shelters."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import JourplanError
from core.models import Organisation

from ..access import coordinator_required, superuser_required, volunteer_required
from ..forms import InviteForm, ShelterForm
from ..models import Member, MemberStatus
from ..onboarding import current_pledge, members_with_current_pledge
from ..panels import start_page_panels
from ..services import (
    member_invite,
    membership_accept,
    membership_decline,
    organisation_create,
    pending_invitations,
)


@login_required
def home(request):
    """After login: straight to her shelter, or a choice when she belongs to several or has invitations
    to answer (only she sees them: they were sent to her own verified address)."""
    memberships = list(
        Member.objects.filter(user=request.user, erased_at=None)
        .exclude(status=MemberStatus.LEFT)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    invitations = pending_invitations(request.user)
    if len(memberships) == 1 and not invitations:
        return redirect(memberships[0].organisation.get_absolute_url())
    if not memberships and not invitations and request.user.is_superuser:
        return redirect("federation:shelters")
    return render(request, "members/choose_shelter.html", {"memberships": memberships, "invitations": invitations})


@login_required
@require_POST
def invitation_answer(request, pk: int):
    """She accepts or declines an invitation to her own address; anyone else gets a 404."""
    if not any(invitation.pk == pk for invitation in pending_invitations(request.user)):
        raise Http404
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        return redirect("home")  # neither button: nothing changes, the invitation waits
    try:
        if answer == "accept":
            member = membership_accept(user=request.user, member_id=pk)
        else:
            membership_decline(user=request.user, member_id=pk)
            messages.success(request, _("The invitation has been declined."))
            return redirect("home")
    except JourplanError as refused:
        messages.error(request, refused.message)
        return redirect("home")
    messages.success(
        request, _("Welcome! You are now a member of %(name)s in Jourplan.") % {"name": member.organisation.name}
    )
    return redirect(member.organisation.get_absolute_url())


@volunteer_required
def portal(request):
    """Her start page: the pledge to sign, her next shifts, and for a coordinator the panels of
    settings.START_PAGE_PANELS (a fixed number of queries whatever the shelter's size)."""
    pledge = current_pledge(request.organisation)
    pledge_to_sign = pledge is not None and not members_with_current_pledge(request.organisation, [request.member.pk])
    panels = start_page_panels(request.organisation, request.member, timezone.now())
    return render(
        request,
        "members/portal.html",
        {"today": timezone.localdate(), "pledge_to_sign": pledge_to_sign, "panels": panels},
    )


@coordinator_required
def invite(request):
    form = InviteForm(request.POST or None, organisation=request.organisation, inviter=request.member)
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
            return redirect("members:invite", organisation=request.organisation.slug)
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
    organisations = Organisation.objects.shelters().order_by("name")
    return render(request, "members/federation_shelters.html", {"form": form, "organisations": organisations})
