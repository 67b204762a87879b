import sys

from django.db import DatabaseError
from django.http import HttpResponse
from django.template.loader import render_to_string


def server_error(request):
    """Plain error pages that need neither the database nor a request context.

    When the database is out of reach the site answers 503 so that a load
    balancer and the person both know to try again shortly.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, DatabaseError):
        return HttpResponse(render_to_string("503.html"), status=503, headers={"Retry-After": "30"})
    return HttpResponse(render_to_string("500.html"), status=500)
