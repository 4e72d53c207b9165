"""Every request body is bounded by its declared length before anything reads it.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE covers urlencoded bodies and form fields, not files: without this, a
60 MB multipart POST to the login page is read in full (into memory, then a temporary file) before the view
says no. So a middleware placed before anything that reads the body compares CONTENT_LENGTH with the bound
for the view the path resolves to, and answers 413 without reading a byte:

- every view: Django's own form limit plus room for the field names and multipart framing, so a form just
  over Django's limit still gets Django's precise 400, and nothing larger is read at all;
- a view that takes a file (`@accepts_upload(size)`): that bound plus the file's size.

(The form limit is 5 MB because the training-record import carries its file through the confirm form; when
it keeps the file on the server like the member import, DATA_UPLOAD_MAX_MEMORY_SIZE and with it every
other view's bound can drop to a few hundred kilobytes.)

A chunked body (no CONTENT_LENGTH) gets 411: Django reads no body without a length, so the form would
otherwise arrive empty and fail in a confusing way. Browsers always send the length of a form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, get_resolver
from django.utils.translation import gettext as _

FORM_OVERHEAD_BYTES = 64 * 1024

View = TypeVar("View", bound=Callable[..., HttpResponse])
# The view function's attribute that `accepts_upload` sets and `body_limit` reads.
UPLOAD_BOUND = "request_body_max_file_bytes"


def _form_limit() -> int:
    form = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    # None switches Django's check off; this bound stays, at Django's default.
    return (2_621_440 if form is None else form) + FORM_OVERHEAD_BYTES


def accepts_upload(max_bytes: int) -> Callable[[View], View]:
    """Declare that a view takes an uploaded file of up to `max_bytes` besides its ordinary form fields."""

    def decorator(view: View) -> View:
        setattr(view, UPLOAD_BOUND, max_bytes)
        return view

    return decorator


def body_limit(request: HttpRequest) -> int:
    """The largest body this request may carry, from the view its path resolves to."""
    try:
        match = get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
    except Resolver404:
        return _form_limit()
    return _form_limit() + getattr(match.func, UPLOAD_BOUND, 0)


def _declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def _refusal(request: HttpRequest, status: int, message: str) -> HttpResponse:
    # No request context: the middleware that would fill it (session, user, messages) has not run yet.
    html = render_to_string("request_refused.html", {"message": message})
    # No Connection header: WSGI leaves hop-by-hop headers to the server (gunicorn's sync workers close anyway).
    return HttpResponse(html, status=status)


class RequestBodyLimitMiddleware:
    """Answer 413 (or 411 for a body without a length) before any middleware or view reads the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if length is None and chunked:
            return _refusal(request, 411, _("The form could not be received. Reload the page and send it again."))
        if length is not None and length > body_limit(request):
            return _refusal(
                request,
                413,
                _("What you sent is too large for this page. Go back and send a smaller file or less text."),
            )
        return self.get_response(request)
