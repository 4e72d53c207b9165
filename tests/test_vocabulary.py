"""One Swedish word per concept (docs/glossary.md) and URL paths in one language (issue 16)."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.allauth_words import ALLAUTH_MSGIDS
from members.imports import import_confirm
from members.models import Member
from tests.factories import MemberFactory

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.po"

# The "not" column of docs/glossary.md: spellings that never appear in a Swedish msgstr. ("frivillig" is not
# here: "frivilligt" means optional, which a pattern cannot tell from "a volunteer".)
FORBIDDEN = {
    "Epost / epost (write e-post, e-postadress)": r"\bepost",
    "mejl (write e-postmeddelande)": r"\bmejl",
    "mail, mailet, e-mail (write e-post, e-postmeddelande)": r"\bmail",
    "volontär (write ideell)": r"volontär",
    "jourkvinna (write ideell)": r"\bjourkvinn",
    "koordinator (write samordnare)": r"koordinator",
    "skift (write pass)": r"\bskift",
    "blivande (the status is Intresserad)": r"\bblivande\b",
    "pausad (the status is Vilande)": r"\bpausad\b",
    "som utgången (write Avsluta medlemskapet / Avslutad)": r"som utgången",
    "fingeravtryck (say what is kept in plain words)": r"fingeravtryck",
    "lägsta antal (write tillräckligt bemannade)": r"lägsta antal",
    "stödjande / fullt medlemskap (write stödmedlem, fullvärdig medlem)": r"\bstödjande\b|\bfullt eller\b",
}
# Placeholders and markup are not words she reads: "%(email)s", "{{ email }}", href="mailto:…".
NOT_WORDS = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{[^}]*\}\}|<[^>]*>")

SWEDISH_PATH_WORDS = {
    "pass", "utbildningar", "tillfallen", "anmal", "avanmal", "narvaro", "kurser", "ny", "matris", "medlem",
    "medlemmar", "intyg", "ta-bort", "schema", "avgifter", "jour",
}  # fmt: skip


def swedish_texts():
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete:
            continue
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text:
                yield entry.msgid, NOT_WORDS.sub(" ", text)


def test_no_swedish_text_uses_a_word_the_glossary_rules_out():
    found = [
        f"{word}: {msgid!r} → {text!r}"
        for msgid, text in swedish_texts()
        for word, pattern in FORBIDDEN.items()
        if re.search(pattern, text, re.IGNORECASE)
    ]
    assert not found, "Swedish texts that use a variant docs/glossary.md rules out:\n  " + "\n  ".join(found)


def _caught(text: str) -> bool:
    return any(re.search(pattern, NOT_WORDS.sub(" ", text), re.IGNORECASE) for pattern in FORBIDDEN.values())


def test_the_forbidden_list_catches_the_variants_the_issue_found():
    assert all(
        _caught(text)
        for text in [
            "Epost-adress",
            "Markera som utgången",
            "Minst lägsta antal",
            "Fullt eller stödjande",
            "ett fingeravtryck av länken",
            "Blivande/aktiv/pausad/lämnat",
            "ett mejl",
            "Du får det här mailet",
        ]
    )
    assert not _caught('Skriv till <a href="mailto:%(email)s">%(email)s</a>, din e-postadress')


def test_every_allauth_text_a_member_meets_is_translated_by_jourplan():
    translated = {entry.msgid: entry.msgstr for entry in polib.pofile(str(CATALOGUE)) if not entry.fuzzy}
    missing = [msgid for msgid in ALLAUTH_MSGIDS if not translated.get(msgid)]
    assert not missing, f"not translated in locale/sv (run make messages, then scripts/translate_sv.py): {missing}"


@pytest.mark.django_db
def test_the_login_page_spells_e_postadress_the_same_in_label_and_placeholder(client):
    page = client.get(reverse("account_login")).content.decode()

    assert '<label for="id_login">E-postadress' in page
    assert 'placeholder="E-postadress"' in page
    assert "Epost" not in page
    # Sign-up is closed: the page tells her how she gets a login instead of linking to a sign-up form.
    assert reverse("account_signup") not in page
    assert "Din samordnare bjuder in dig via e-post" in page


@pytest.mark.django_db
def test_a_wrong_password_is_refused_in_the_glossary_s_words(client, volunteer):
    page = client.post(reverse("account_login"), {"login": volunteer.user.email, "password": "wrong"}).content
    assert "E-postadressen eller lösenordet stämmer inte." in page.decode()


def test_the_import_help_names_the_statuses_of_the_member_list(admin_client_member, organisation):
    page = admin_client_member.get(reverse("members:import_members", kwargs={"organisation": organisation.slug}))
    text = page.content.decode()

    assert "Intresserad, aktiv, vilande eller avslutad" in text
    assert "Fullvärdig medlem eller stödmedlem" in text
    assert "Blivande" not in text and "pausad" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("written", "status", "membership"),
    [
        ("intresserad", "prospective", "fullvärdig medlem"),
        ("vilande", "paused", "stödmedlem"),
        ("avslutad", "left", "Fullvärdig medlem"),
        ("pausad", "paused", "stödjande"),  # last year's spreadsheets keep working
        ("blivande", "prospective", "fullt"),
    ],
)
def test_the_importer_reads_the_words_its_help_names_and_the_old_ones(organisation, written, status, membership):
    admin = MemberFactory(organisation=organisation, role="admin", user=None, email="admin@jouren.example")
    content = f"Förnamn;Efternamn;E-post;Status;Medlemstyp\r\nÅsa;Öberg;asa@example.se;{written};{membership}\r\n"

    import_confirm(kind="members", organisation=organisation, content=content.encode(), by=admin)

    assert Member.objects.get(organisation=organisation, email="asa@example.se").status == status


def _routes(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


def test_url_paths_are_english():
    swedish = [
        route
        for route in _routes(get_resolver())
        if SWEDISH_PATH_WORDS & {part for part in re.split(r"[/.]", re.sub(r"<[^>]+>", "", route)) if part}
    ]
    assert not swedish, f"URL paths with Swedish words: {swedish}"


def test_the_volunteer_s_pages_live_under_shifts_and_trainings():
    slug = {"organisation": "jouren"}
    assert reverse("shifts:portal_mine", kwargs=slug) == "/jouren/shifts/"
    assert reverse("shifts:portal_open", kwargs=slug) == "/jouren/shifts/open/"
    assert reverse("shifts:portal_take", kwargs={**slug, "pk": 7}) == "/jouren/shifts/7/take/"
    assert reverse("trainings:mine", kwargs=slug) == "/jouren/trainings/"
    assert reverse("trainings:session_join", kwargs={**slug, "pk": 3}) == "/jouren/trainings/sessions/3/join/"
    assert reverse("trainings:matrix", kwargs=slug) == "/jouren/trainings/matrix/"
    assert reverse("trainings:record_remove", kwargs={**slug, "pk": 5}) == "/jouren/trainings/records/5/remove/"
