"""Bad input, generated: odd Unicode, huge values and wrong types in the forms and the import parser.
Every bad input gets a clear message and changes nothing; nothing ends in a server error."""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.imports import MEMBERS, PAYMENTS, ImportRefused, import_confirm, import_preview
from members.models import Member, Payment, Role
from tests.conftest import log_in
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ODD_CHARACTERS = [
    "\x00",  # NUL: PostgreSQL refuses it in text
    "\u202e",  # right-to-left override
    "\u200b",  # zero-width space
    "\ufeff",  # byte-order mark
    "e\u0301",  # combining accent
    "\U0001f4a9",
    "𝔄",
    "ß",
    "\r\n",
    "\t",
    "<script>",
    "'; DROP TABLE members_member; --",
    '=HYPERLINK("http://evil.example","klicka")',
    "%s%s%n",
    "{{ request }}",
]
odd_text = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=60),
    st.lists(st.sampled_from(ODD_CHARACTERS), max_size=6).map("".join),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(["", " ", "x" * 5000, "9" * 400, "2026-02-30", "-1", "1e308", "NaN", "None", "true"]),
)
# A form field may also arrive as several values (a list) or be missing.
form_value = st.one_of(odd_text, st.lists(odd_text, min_size=2, max_size=3), st.none())


def _post_data(fields: dict) -> dict:
    # A browser always sends the CSRF field, so even a form with every field missing is a non-empty POST.
    return {"csrfmiddlewaretoken": "x"} | {name: value for name, value in fields.items() if value is not None}


def _snapshot(member) -> dict:
    member.refresh_from_db()
    return model_to_dict(member)


def _assert_clear_refusal_or_saved(response, member, before):
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        html = response.content.decode()
        assert "field-error" in html or "errorlist" in html  # she is told what is wrong, next to the field
        assert _snapshot(member) == before  # and nothing changed
    else:
        member.refresh_from_db()
        member.full_clean(exclude=["user"])  # what was saved is valid


@EXAMPLES
@given(
    data=st.fixed_dictionaries(
        {
            "email": form_value,
            "phone": form_value,
            "postal_address": form_value,
            "language": form_value,
            "share_phone": form_value,
        }
    )
)
def test_her_profile_form_refuses_bad_input_clearly(client, organisation, data):
    member = MemberFactory(organisation=organisation, role=Role.VOLUNTEER)
    log_in(client, member)
    before = _snapshot(member)
    response = client.post(reverse("members:profile", kwargs={"organisation": organisation.slug}), _post_data(data))
    _assert_clear_refusal_or_saved(response, member, before)


@EXAMPLES
@given(
    data=st.fixed_dictionaries(
        {
            "first_name": form_value,
            "last_name": form_value,
            "email": form_value,
            "phone": form_value,
            "member_since": form_value,
            "membership_type": form_value,
            "status": form_value,
            "role": form_value,
            "language": form_value,
            "notes": form_value,
        }
    )
)
def test_the_member_form_refuses_bad_input_clearly(client, organisation, data):
    admin = MemberFactory(organisation=organisation, role=Role.ADMIN)
    member = MemberFactory(organisation=organisation, role=Role.VOLUNTEER)
    log_in(client, admin)
    before = _snapshot(member)
    url = reverse("members:member_edit", kwargs={"organisation": organisation.slug, "pk": member.pk})
    _assert_clear_refusal_or_saved(client.post(url, _post_data(data)), member, before)


@EXAMPLES
@given(data=st.fixed_dictionaries({"first_name": form_value, "last_name": form_value, "email": form_value}))
def test_the_invitation_form_refuses_bad_input_clearly(client, organisation, data):
    coordinator = MemberFactory(organisation=organisation, role=Role.COORDINATOR)
    log_in(client, coordinator)
    count = Member.objects.count()
    response = client.post(reverse("members:invite", kwargs={"organisation": organisation.slug}), _post_data(data))
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        html = response.content.decode()
        assert "field-error" in html or "errorlist" in html
        assert Member.objects.count() == count


MEMBER_HEADER = ["förnamn", "efternamn", "e-post", "telefon", "roll", "status", "medlem sedan", "språk"]
PAYMENT_HEADER = ["e-post", "år", "belopp", "betalt", "sätt"]


def _csv(header, rows, delimiter, encoding) -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    return "\r\n".join(lines).encode(encoding, errors="ignore")


def _assert_all_or_nothing(organisation, kind, content):
    """Preview never raises; a file with any error is refused as a whole, with Swedish messages."""
    # An admin may write every row (rank rules: tests/members/test_import_authority.py), so the cells decide.
    by = Member.objects.filter(organisation=organisation, role=Role.ADMIN).first() or MemberFactory(
        organisation=organisation, role=Role.ADMIN, user=None, email="admin@jouren.example"
    )
    members, payments = Member.objects.count(), Payment.objects.count()
    preview = import_preview(kind=kind, organisation=organisation, content=content, by=by)
    for message in preview.file_errors + [error.message for error in preview.errors]:
        assert isinstance(message, str) and message.strip()
    assert (Member.objects.count(), Payment.objects.count()) == (members, payments)  # a preview writes nothing
    if preview.has_errors:
        with pytest.raises(ImportRefused, match="inget importerades"):
            import_confirm(kind=kind, organisation=organisation, content=content, by=by)
        assert (Member.objects.count(), Payment.objects.count()) == (members, payments)
    else:
        import_confirm(kind=kind, organisation=organisation, content=content, by=by)
        for member in Member.objects.filter(organisation=organisation):
            member.full_clean(exclude=["user"])


@EXAMPLES
@given(
    rows=st.lists(st.lists(odd_text, min_size=0, max_size=9), max_size=4),
    delimiter=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_the_member_import_takes_all_or_nothing_whatever_the_cells(organisation, rows, delimiter, encoding):
    _assert_all_or_nothing(organisation, MEMBERS, _csv(MEMBER_HEADER, rows, delimiter, encoding))


@EXAMPLES
@given(rows=st.lists(st.lists(odd_text, min_size=0, max_size=6), max_size=4))
def test_the_payment_import_takes_all_or_nothing_whatever_the_cells(organisation, rows):
    if not Member.objects.filter(email="betalare@example.org").exists():  # examples share the database
        MemberFactory(organisation=organisation, email="betalare@example.org")
    _assert_all_or_nothing(organisation, PAYMENTS, _csv(PAYMENT_HEADER, rows, ";", "utf-8"))


@EXAMPLES
@given(content=st.binary(max_size=3000))
def test_the_import_parser_survives_any_bytes(organisation, content):
    _assert_all_or_nothing(organisation, MEMBERS, content)


@pytest.mark.parametrize("cell", ["Anna\x00Berg", "\x00"])
def test_a_nul_character_in_a_cell_is_an_error_on_its_line(organisation, coordinator, cell):
    content = _csv(MEMBER_HEADER, [[cell, "Berg", "anna@example.org"]], ";", "utf-8")
    preview = import_preview(kind=MEMBERS, organisation=organisation, content=content, by=coordinator)
    assert preview.has_errors
    assert not Member.objects.filter(email="anna@example.org").exists()


@pytest.mark.allow_error_logs  # Django logs the refused request on django.security at ERROR
def test_a_request_body_over_the_limit_is_refused_and_changes_nothing(client, organisation, settings):
    member = MemberFactory(organisation=organisation, role=Role.VOLUNTEER)
    log_in(client, member)
    before = _snapshot(member)
    huge = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(
        reverse("members:profile", kwargs={"organisation": organisation.slug}), {"postal_address": huge}
    )
    assert response.status_code == 400
    assert _snapshot(member) == before
