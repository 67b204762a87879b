"""The second factor's pages: set up an authenticator, pass it at sign-in,
see and renew recovery codes, (patients only) turn it off, and add, name and
remove passkeys.

The rules live in ``accounts.second_factor``; the middleware
(``SecondFactorRequiredMiddleware``) sends people here.
"""

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts import passkeys, second_factor
from accounts.forms import AuthenticatorCodeForm, PasskeyNameForm, SecondFactorForm
from accounts.sudo import confirmation_needed, sudo_required


def _next(request: HttpRequest) -> str:
    """Where to go after the factor: ``next`` if it is on this site, else home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _url(name: str, **query: str) -> str:
    return f"{resolve_url(name)}?{urlencode(query)}"


# Below this, the wait after a wrong code is over before the person has typed
# the next one: not worth a word.
_WAIT_WORTH_SAYING = 5


def _refusal(outcome: second_factor.Outcome, what: str, *, setting_up: bool = False) -> str:
    if not outcome.checked:
        # While setting up a first app there are no recovery codes to suggest.
        return second_factor.too_many_wrong_codes(
            outcome.wait_seconds, has_recovery_codes=not setting_up
        )
    message = (
        f"That {what} did not work. Codes change every 30 seconds and each works once: "
        "type the one your app shows now."
        if what == "code"
        else f"That {what} did not work. Check it, or type the code your app shows."
    )
    if outcome.wait_seconds >= _WAIT_WORTH_SAYING:
        wait = second_factor.wait_in_words(outcome.wait_seconds)
        message += f" After several wrong codes, wait {wait} first."
    return message


@require_GET
def account_security(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "has_factor": second_factor.has_factor(user),
            "has_authenticator": second_factor.authenticator(user) is not None,
            "required": second_factor.must_have_factor(user),
            "codes_left": second_factor.recovery_codes_left(user),
            "passkeys": passkeys.passkeys_of(user),
        },
    )


@require_http_methods(["GET", "POST"])
def factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator; with one already, replace it (after a sudo check)."""
    user = request.user
    if second_factor.has_factor(user):
        if not user.is_verified():
            # A new factor never stands in for passing the one the person has.
            return redirect(_url("factor-verify", next=resolve_url("factor-setup")))
        return _replace(request)
    return _setup(request)


@sudo_required
def _replace(request: HttpRequest) -> HttpResponse:
    return _setup(request)


def _setup(request: HttpRequest) -> HttpResponse:
    device = second_factor.pending_authenticator(request.user)
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = second_factor.confirm_authenticator(request, device, form.cleaned_data["code"])
        if outcome.passed:
            messages.success(request, "Your authenticator app is set up.")
            return redirect(_url("recovery-codes", next=_next(request)))
        form.add_error("code", _refusal(outcome, "code", setting_up=True))
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/factor_setup.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(
                scale=5,
                border=4,
                dark="#000",
                light="#fff",
                svgclass="qr-code",
                title="QR code to scan with your authenticator app",
            ),
            "secret": second_factor.secret_in_groups(device),
            "replacing": second_factor.authenticator(request.user) is not None,
            "required": second_factor.must_have_factor(request.user),
            "next": _next(request),
        },
    )


@require_http_methods(["GET", "POST"])
def factor_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not second_factor.has_factor(user):
        if second_factor.must_have_factor(user):
            return redirect("factor-setup")
        return redirect(_next(request))
    if user.is_verified():
        return redirect(_next(request))
    recovery = request.GET.get("with") == "recovery"
    form = SecondFactorForm(request.POST or None, recovery=recovery)
    if request.method == "POST" and form.is_valid():
        outcome = second_factor.verify(request, form.cleaned_data["code"])
        if outcome.passed:
            if isinstance(outcome.device, StaticDevice):
                left = second_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. If your phone is lost, set up "
                    "your app again on Account security, which also gives you new codes.",
                )
            return redirect(_next(request))
        form.add_error("code", _refusal(outcome, "recovery code" if recovery else "code"))
    has_passkey = passkeys.has_passkey(user)
    return render(
        request,
        "accounts/factor_verify.html",
        {
            "form": form,
            "recovery": recovery,
            "next": _next(request),
            "has_passkey": has_passkey,
            "passkey_config": passkeys.config_for(request) if has_passkey else None,
        },
    )


@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows new recovery codes once; otherwise offers to make new ones."""
    if not second_factor.has_factor(request.user):
        return redirect("account-security")
    if request.method == "POST":
        return _renew(request)
    codes = request.session.pop(second_factor.CODES_TO_SHOW, None)
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": [f"{code[:4]} {code[4:]}" for code in codes or []],
            "codes_left": second_factor.recovery_codes_left(request.user),
            "next": _next(request),
        },
    )


@sudo_required
def _renew(request: HttpRequest) -> HttpResponse:
    second_factor.renew_recovery_codes(request)
    messages.success(request, "You have ten new recovery codes. The old ones no longer work.")
    return redirect("recovery-codes")


@require_http_methods(["GET", "POST"])
def factor_remove(request: HttpRequest) -> HttpResponse:
    """Patients may turn their second factor off; members and staff may not."""
    if second_factor.must_have_factor(request.user):
        # The wrong role for this step (403), told what they can do instead.
        return render(request, "accounts/factor_remove.html", {"refused": True}, status=403)
    if not second_factor.has_factor(request.user):
        return redirect("account-security")
    return _turn_off(request)


@sudo_required
def _turn_off(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        second_factor.turn_off(request)
        messages.success(request, "Sign-in codes are off. You now sign in with your password only.")
        return redirect("account-security")
    return render(request, "accounts/factor_remove.html")


@require_GET
def passkey_add(request: HttpRequest) -> HttpResponse:
    """The page with the button that makes a passkey: the browser and the
    library's script do the rest, then the person names it."""
    if second_factor.authenticator(request.user) is None:
        messages.info(
            request,
            "Set up your authenticator app first. A passkey is a second way in, on top of it.",
        )
        return redirect("account-security")
    return _passkey_add(request)


@sudo_required
def _passkey_add(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/passkey_add.html",
        {"passkey_config": passkeys.config_for(request)},
    )


def _own_passkey(request: HttpRequest, pk: int) -> WebAuthnCredential:
    """One of the signed-in person's passkeys; anyone else's is 404."""
    return get_object_or_404(WebAuthnCredential, pk=pk, user=request.user, confirmed=True)


@require_http_methods(["GET", "POST"])
def passkey_rename(request: HttpRequest, pk: int) -> HttpResponse:
    passkey = _own_passkey(request, pk)
    form = PasskeyNameForm(request.POST or None, initial={"name": passkey.name})
    if request.method == "POST" and form.is_valid():
        passkeys.rename(passkey, form.cleaned_data["name"])
        messages.success(request, f"Your passkey is saved as “{passkey.name}”.")
        return redirect("account-security")
    return render(request, "accounts/passkey_rename.html", {"form": form, "passkey": passkey})


@require_http_methods(["GET", "POST"])
def passkey_remove(request: HttpRequest, pk: int) -> HttpResponse:
    passkey = _own_passkey(request, pk)
    answer = confirmation_needed(request)
    if answer is not None:
        return answer
    if request.method == "POST":
        passkeys.remove(request, passkey)
        messages.success(
            request,
            f"“{passkey.name}” is removed. It no longer signs you in here; "
            "you may also delete it from your device or password manager.",
        )
        return redirect("account-security")
    return render(request, "accounts/passkey_remove.html", {"passkey": passkey})
