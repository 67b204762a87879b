"""The current safety version, read at most once per request."""

from mats.services import one_safety_read


class SafetyVersionPerRequest:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with one_safety_read():
            return self.get_response(request)
