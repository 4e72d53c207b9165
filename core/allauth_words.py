"""allauth's texts that a member meets, listed so that `make messages` copies them into Jourplan's catalogue.

allauth ships its own Swedish, which spells e-mail "Epost"/"epost-adress" and says "mail" (the login page showed
the placeholder "Epost-adress" under the label "E-postadress"). Jourplan's catalogue (LOCALE_PATHS) is read before
any app's, so a msgid listed here and translated in locale/sv follows docs/glossary.md instead. Only the texts of
the pages and mails this installation uses are listed (no sign-up, no social accounts, no login by code); each
msgid must stay exactly as allauth spells it. Nothing imports this module: it exists for makemessages, and
tests/test_vocabulary.py checks that every msgid here is translated by Jourplan.
"""

from django.utils.translation import gettext_noop

ALLAUTH_MSGIDS: tuple[str, ...] = (
    # account/adapter.py (form errors)
    gettext_noop("You cannot remove your primary email address."),
    gettext_noop("This email address is already associated with this account."),
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("A user is already registered with this email address."),
    gettext_noop("You cannot add more than %d email addresses."),
    gettext_noop("The email address is not assigned to any user account."),
    gettext_noop("Your primary email address must be verified."),
    # account/fields.py: the login field's label and placeholder
    gettext_noop("Email"),
    gettext_noop("Email address"),
    # mfa/adapter.py
    gettext_noop("You cannot add an email address to an account protected by two-factor authentication."),
    gettext_noop("You cannot activate two-factor authentication until you have verified your email address."),
    # templates/account/email_change.html (Account → E-mail), email_confirm.html, messages/
    gettext_noop("Email Address"),
    gettext_noop("Current email"),
    gettext_noop("Your email address is still pending verification."),
    gettext_noop("Change Email"),
    gettext_noop("Confirm Email Address"),
    gettext_noop(
        'Please confirm that <a href="mailto:%(email)s">%(email)s</a> is an email address for user %(user_display)s.'
    ),
    gettext_noop(
        'This email confirmation link expired or is invalid. Please <a href="%(email_url)s">issue a new email '
        "confirmation request</a>."
    ),
    gettext_noop("Verify Your Email Address"),
    gettext_noop("Confirmation email sent to %(email)s."),
    gettext_noop("Primary email address set."),
    gettext_noop("You cannot remove your primary email address (%(email)s)."),
    # templates/account/password_reset.html and password_reset_done.html
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we'll send you an email allowing you to reset it."
    ),
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam folder. Otherwise contact "
        "us if you do not receive it in a few minutes."
    ),
    gettext_noop("Please contact us if you have any trouble resetting your password."),
    # templates/account/email/ (the mails allauth sends: e-mail changed or confirmed, password reset)
    gettext_noop("You are receiving this mail because the following change was made to your account:"),
    gettext_noop("Your email has been changed from %(from_email)s to %(to_email)s."),
    gettext_noop("Email Changed"),
    gettext_noop("Your email has been confirmed."),
    gettext_noop("Email Confirmation"),
    gettext_noop("Please Confirm Your Email Address"),
    gettext_noop(
        "You're receiving this email because user %(user_display)s has given your email address to register an "
        "account on %(site_domain)s."
    ),
    gettext_noop("This mail can be safely ignored if you did not initiate this action."),
)
