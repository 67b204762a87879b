"""The site's URLs plus two ceilings for ``make bench-run``; used only by
``clinic.operations.bench_settings``, never by the site.

- ``bench/bare/``: the least a request through the whole middleware can
  cost: no session, no template, two bytes.
- ``bench/floor/``: the least a signed-in request can cost: the session and
  the user are read (and, for members, the second factor checked), then the
  person's email is sent back. Every page behind sign-in pays at least this.
"""

from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET

from clinic.urls import handler400, handler403, handler404, handler500  # noqa: F401

BARE_URL = "/bench/bare/"
FLOOR_URL = "/bench/floor/"


@require_GET
@login_not_required
def bare(request):
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@login_required
def floor(request):
    return HttpResponse(request.user.email, content_type="text/plain")


urlpatterns = [
    path(BARE_URL.strip("/") + "/", bare, name="bench-bare"),
    path(FLOOR_URL.strip("/") + "/", floor, name="bench-floor"),
    path("", include("clinic.urls")),
]
