"""The two ways to confirm it is you at the sudo moment (``accounts.sudo``)."""

from django import forms
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import recovery_codes, second_factor
from accounts.forms import PlainLabelsMixin
from accounts.text import is_encodable

WRONG_PASSWORD = "That is not your password. Check it and try again."  # noqa: S105
WRONG_CODE = (
    "That code did not work. Type the code your app shows now (it changes every "
    "30 seconds), or one of your recovery codes that you have not used yet."
)


class ConfirmPasswordForm(PlainLabelsMixin, forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        kwargs.setdefault("auto_id", "password-%s")
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not is_encodable(password) or not self.user.check_password(password):
            # Half of a surrogate pair cannot be hashed, so it cannot be anyone's password.
            raise forms.ValidationError(WRONG_PASSWORD, code="wrong")
        return password


class ConfirmCodeForm(PlainLabelsMixin, forms.Form):
    code = forms.CharField(
        label="A code from your authenticator app, or a recovery code",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, devices, **kwargs):
        self.devices = devices
        self.device = None  # the device whose code matched
        kwargs.setdefault("auto_id", "code-%s")
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        # Apps show "123 456"; people copy codes with spaces around them.
        token = "".join(self.cleaned_data["code"].split())
        # While wrong codes (here or at sign-in) keep any device waiting,
        # nothing is tried, as at sign-in, and the person is told how long.
        wait = second_factor.wait_seconds(self.devices)
        if wait:
            raise forms.ValidationError(second_factor.too_many_wrong_codes(wait), code="waiting")
        for device in self.devices:
            # Each device throttles its own failures (django-otp) and a
            # recovery code is used up when it matches.
            if isinstance(device, StaticDevice):
                matched = recovery_codes.verify(device, token)
            else:
                matched = device.verify_token(token)
            if matched:
                self.device = device
                # A right code clears the wait on every device, as at sign-in.
                for other in self.devices:
                    if getattr(other, "throttling_failure_count", 0):
                        other.throttle_reset()
                return token
        raise forms.ValidationError(WRONG_CODE, code="wrong")
