"""The pages for changing one's own sign-in address (``accounts.email_change``)."""

from dataclasses import replace

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import audit, email_change
from accounts.email_change import EmailChangeRefused
from accounts.errors import sentence
from accounts.forms import ChangeEmailForm
from accounts.sudo import sudo_required

# The address the last link went to, for the "we sent a link" page after the redirect.
SENT_KEY = "_email_change_sent_to"


@require_http_methods(["GET", "POST"])
@sudo_required
def email_change_request(request):
    form = ChangeEmailForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["email"]
        try:
            email_change.request_change(request.user, new_email, actor=audit.Actor.of(request))
        except EmailChangeRefused as error:
            form.add_error(error.field, sentence(error))
            status = 429 if error.code == "email_change.limited" else 200
        else:
            request.session[SENT_KEY] = new_email
            return redirect("email-change-sent")
    return render(
        request,
        "accounts/email_change.html",
        {"form": form, "hours": email_change._hours()},
        status=status,
    )


@require_GET
def email_change_sent(request):
    new_email = request.session.get(SENT_KEY)
    if not new_email:
        return redirect("email-change")
    return render(
        request,
        "accounts/email_change_sent.html",
        {"new_email": new_email, "hours": email_change._hours()},
    )


@require_http_methods(["GET", "POST"])
def email_change_confirm(request, token: str):
    """The link's page: a button, so that a mail scanner opening the link
    changes nothing. Signed in as the person who asked (the site's sign-in
    wall sends anyone else to sign in first, then back here)."""
    try:
        if request.method == "POST":
            # The token carries the new address: the audit row keeps the path without it.
            actor = replace(audit.Actor.of(request), path=request.path.replace(token, "…"))
            new_email = email_change.confirm_change(request.user, token, actor=actor)
        else:
            new_email = email_change.read_token(token, request.user)
    except EmailChangeRefused as error:
        status = 403 if error.code == "email_change.other_account" else 200
        return render(
            request,
            "accounts/email_change_confirm.html",
            {"problem": sentence(error), "code": error.code},
            status=status,
        )
    if request.method == "POST":
        request.session.pop(SENT_KEY, None)
        messages.success(request, f"Done: you now sign in with {new_email}.")
        return redirect("home")
    return render(request, "accounts/email_change_confirm.html", {"new_email": new_email})
