def organisation(request):
    """The shelter and the member's role there, for navigation in base.html."""
    member = getattr(request, "member", None)
    return {
        "organisation": getattr(request, "organisation", None),
        "current_member": member,
        "is_coordinator": bool(member and member.is_coordinator),
        "is_admin": bool(member and member.is_admin),
    }
