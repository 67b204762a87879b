"""A "sudo" moment: re-enter the password or a code before a sensitive step.

Placeholder until the confirmation page lands: ``sudo_required`` lets every
request through.
"""

from functools import wraps


def sudo_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapped
