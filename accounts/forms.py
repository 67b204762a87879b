from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.mail import EmailMessage
from django.core.validators import ProhibitNullCharactersValidator
from django.template.loader import render_to_string

from accounts import audit, second_factor, sign_in_limits, throttle
from accounts.bounds import BoundedEmailField, refuse_long_email
from accounts.errors import ServiceError, sentence
from accounts.models import User, normalise_email
from accounts.text import displayable, validate_storable_text


class PlainLabelsMixin:
    """Labels without Django's trailing colon, as on every form of the site."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class EmailAuthenticationForm(PlainLabelsMixin, AuthenticationForm):
    """Django's sign-in form, labelled for email and kind when it fails."""

    error_messages = {
        "invalid_login": (
            "That email and password do not match an account. Check both and try again."
        ),
        "inactive": "This account has been switched off. Please contact your clinic.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True, "maxlength": 254}
        )
        # Refused here, before authenticate() runs: django-axes would write the
        # address to a 255-character column and the database would refuse it.
        self.fields["username"].validators.append(refuse_long_email)


class SetFirstPasswordForm(PlainLabelsMixin, forms.Form):
    """The password a patient chooses when they accept an invitation."""

    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Type it again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, patient, **kwargs):
        self.patient = patient
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords are not the same.")
        if p1:
            candidate = User(email=self.patient.email, full_name=self.patient.full_name)
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class ChangePasswordForm(PlainLabelsMixin, PasswordChangeForm):
    pass


class ResetPasswordForm(PlainLabelsMixin, PasswordResetForm):
    email = BoundedEmailField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def save(self, *args, request=None, **kwargs):
        """Send the reset email unless this address, or this client, has asked
        too often (``accounts.throttle``). The view answers "check your inbox"
        either way, as it does for an address with no account, so the answer
        tells nobody which addresses have accounts or have been asked for."""
        refusal = throttle.password_reset_refusal(request, self.cleaned_data["email"])
        if refusal is not None:
            # The window's id, never the address.
            audit.record(request, "refuse", refusal.window, clinic_id=None)
            return
        super().save(*args, request=request, **kwargs)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Django's email, marked as a password reset for staff reading the outbox.

        Sending only stores the email (the default mailer queues it for a
        worker), so no mail server is involved here. Django's own version
        logs and hides any error; here a database that cannot store the email
        reaches the 503 page instead of a "check your email" that would not
        be true.
        """
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        message = EmailMessage(subject=subject, body=body, from_email=from_email, to=[to_email])
        message.purpose = "password_reset"
        message.send()


class ChooseNewPasswordForm(PlainLabelsMixin, SetPasswordForm):
    def save(self, commit=True):
        """Save the new password and lift any sign-in lock-out on this email,
        and the wait wrong second-factor codes have earned.

        Only the person who can read the inbox gets here, and the lock-out
        was protecting them; the new password also makes any guessing so
        far worthless. Other emails' lock-outs and the address-wide pause
        (``accounts.sign_in_limits``) stay as they are.
        """
        user = super().save(commit=commit)
        if commit:
            sign_in_limits.lift_lockout(user.email)
            second_factor.lift_code_lockouts(user)
        return user


def code_field(*, label: str, max_length: int, help_text: str, required: str) -> forms.CharField:
    """The one-time code box both second-factor forms show: the phone's number
    pad, the browser's one-time-code autofill, the cursor already in it."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
        error_messages={"required": required},
    )


class AuthenticatorCodeForm(PlainLabelsMixin, forms.Form):
    """The six digits an authenticator app shows, to confirm it is set up."""

    code = code_field(
        label="Code from your authenticator app",
        max_length=12,
        help_text="Six digits. Spaces are fine.",
        required="Type the six-digit code your app shows.",
    )


class SecondFactorForm(PlainLabelsMixin, forms.Form):
    """At sign-in: a code from the authenticator app, or one of the recovery codes."""

    code = code_field(
        label="Code",
        max_length=24,
        help_text="The six digits your authenticator app shows now, or one of your recovery codes.",
        required="Type the code your authenticator app shows.",
    )

    def __init__(self, *args, recovery: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if recovery:
            # Recovery codes have letters: the phone's full keyboard, not the number pad.
            field = self.fields["code"]
            field.label = "Recovery code"
            field.help_text = "One of the ten codes you kept when you set up your app."
            field.widget.attrs.update({"inputmode": "text", "autocomplete": "off"})
            field.error_messages["required"] = "Type one of your recovery codes."


class ChangeEmailForm(PlainLabelsMixin, forms.Form):
    """The new sign-in address (``accounts.email_change``)."""

    email = BoundedEmailField(
        label="New email address",
        help_text="We send a link to this address. Your address changes when you open it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": "Type the email address you would like to sign in with.",
            "invalid": "This does not look like an email address; check it for typos.",
        },
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        if email == normalise_email(self.user.email):
            raise forms.ValidationError(sentence(ServiceError("email_change.same")), code="same")
        return email


class _ShownAgainText(forms.CharField):
    """Text refused for what cannot be saved can still be shown again."""

    def prepare_value(self, value):
        return displayable(value) if isinstance(value, str) else value


class PasskeyNameForm(PlainLabelsMixin, forms.Form):
    """A name for a passkey, so the person can tell their keys apart."""

    name = _ShownAgainText(
        label="Name this passkey",
        max_length=64,
        help_text="Something you will recognise, such as “Work laptop” or “Blue security key”.",
        error_messages={
            "required": "Type a name, so you can tell this passkey from others.",
            "max_length": "Keep the name to 64 characters or fewer.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["name"]
        # The site's own message for text that cannot be saved (accounts.text),
        # in place of Django's bare one for a NUL character.
        field.validators = [
            v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ] + [validate_storable_text]

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())
