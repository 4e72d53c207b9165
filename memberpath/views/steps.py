"""The admins' page for the shelter's steps: add, rename, reorder, remove, or start from the standard path."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import JourplanError
from members.access import MemberRequest, admin_required

from ..forms import RenameForm, StepForm
from ..models import PathStep
from ..selectors import current_step, on_the_path, ordered_steps
from ..services import (
    path_standard_create,
    path_step_add,
    path_step_move,
    path_step_remove,
    path_step_rename,
)


def _steps_page(request: MemberRequest, form: StepForm, *, status: int = 200) -> HttpResponse:
    steps = ordered_steps(request.organisation)
    standing = Counter(
        current_step(steps, reached)
        for reached in on_the_path(request.organisation, timezone.now()).values_list("path_step_id", flat=True)
    )
    rows = [
        {"step": step, "people": standing[index], "last": index == len(steps) - 1} for index, step in enumerate(steps)
    ]
    return render(request, "memberpath/steps.html", {"rows": rows, "form": form}, status=status)


@admin_required
def steps(request: MemberRequest) -> HttpResponse:
    """GET: the steps and the add form. POST: add a step (before the last one)."""
    organisation = request.organisation
    form = StepForm(request.POST or None, organisation=organisation)
    if request.method != "POST":
        return _steps_page(request, form)
    if not form.is_valid():
        return _steps_page(request, form, status=400)
    data = form.cleaned_data
    try:
        step = path_step_add(
            organisation=organisation, name=data["name"], kind=data["kind"], course=data["course"], by=request.member
        )
    except JourplanError as refused:
        form.add_error(None, refused.message)
        return _steps_page(request, form, status=400)
    messages.success(request, _("The step %(step)s is added.") % {"step": step.name})
    return redirect("memberpath:steps", organisation=organisation.slug)


@admin_required
@require_POST
def standard(request: MemberRequest) -> HttpResponse:
    try:
        path_standard_create(organisation=request.organisation, by=request.member)
    except JourplanError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The standard path is set up. Rename, add or remove steps as the shelter works."))
    target = "memberpath:board" if request.POST.get("return") == "board" else "memberpath:steps"
    return redirect(target, organisation=request.organisation.slug)


@admin_required
@require_POST
def step_change(request: MemberRequest, pk: int) -> HttpResponse:
    """POST `action` = rename (with `name`), up, down or remove."""
    step = get_object_or_404(PathStep.objects.for_organisation(request.organisation), pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "rename":
            form = RenameForm(request.POST)
            if not form.is_valid():
                raise JourplanError(_("Give the step a name of at most 80 characters."))
            step = path_step_rename(step=step, name=form.cleaned_data["name"], by=request.member)
            messages.success(request, _("The step is renamed %(step)s.") % {"step": step.name})
        elif action in ("up", "down"):
            path_step_move(step=step, up=action == "up", by=request.member)
            messages.success(request, _("The step %(step)s is moved.") % {"step": step.name})
        elif action == "remove":
            path_step_remove(step=step, by=request.member)
            messages.success(request, _("The step %(step)s is removed.") % {"step": step.name})
        else:
            messages.error(request, _("Choose what to do with the step. Nothing changed."))
    except JourplanError as refused:
        messages.error(request, refused.message)
    return redirect("memberpath:steps", organisation=request.organisation.slug)
