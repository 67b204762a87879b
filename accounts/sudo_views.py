"""The confirm page of the sudo moment (``accounts.sudo``): the password, or
a current code from one of the person's second-factor devices."""

import math

from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import audit, passkeys, sudo, throttle
from accounts.factor_reset import clinic_id_of
from accounts.models import AuditEvent
from accounts.sudo_forms import ConfirmCodeForm, ConfirmPasswordForm

WAYS = ("password", "code")


def _minutes_until(moment) -> int:
    return max(1, math.ceil((moment - timezone.now()).total_seconds() / 60))


@require_http_methods(["GET", "POST"])
def confirm_identity(request):
    user = request.user
    data = request.POST if request.method == "POST" else request.GET
    next_url = sudo.safe_next(request, data.get("next")) or reverse("home")
    way = request.POST.get("way") if request.method == "POST" else None
    if request.method == "POST" and way not in WAYS:
        return HttpResponseBadRequest("Choose your password or a code.")
    refused_minutes = None
    with transaction.atomic():
        # Locked while a code is checked, so one recovery code cannot be used twice at once.
        devices = list(devices_for_user(user, confirmed=True, for_verify=way == "code"))
        if way == "code" and not devices:
            return HttpResponseBadRequest("There is no second factor on this account.")
        password_form = ConfirmPasswordForm(request.POST if way == "password" else None, user=user)
        code_form = ConfirmCodeForm(request.POST if way == "code" else None, devices=devices)
        if way is not None:
            form = password_form if way == "password" else code_form
            refusal = throttle.take(sudo.TRIES_PER_USER, f"user:{user.pk}")
            if refusal is not None:
                refused_minutes = _minutes_until(refusal.until)
            elif form.is_valid():
                sudo.mark_confirmed(request)
                clinic_id = clinic_id_of(user)
                audit.record(request, AuditEvent.Action.CONFIRMED, user, clinic_id=clinic_id)
                if isinstance(code_form.device, StaticDevice):
                    audit.record(
                        request,
                        AuditEvent.Action.RECOVERY_CODE_USED,
                        code_form.device,
                        clinic_id=clinic_id,
                    )
                return redirect(next_url)
    has_passkey = passkeys.has_passkey(user)
    return render(
        request,
        "accounts/confirm_identity.html",
        {
            # A passkey confirms through its own endpoint (accounts.passkeys).
            "passkey_config": passkeys.config_for(request) if has_passkey else None,
            "next": next_url,
            "password_form": password_form,
            "code_form": code_form if devices else None,
            "refused_minutes": refused_minutes,
            "window_minutes": int(sudo.WINDOW.total_seconds() // 60),
        },
        status=429 if refused_minutes else 200,
    )
