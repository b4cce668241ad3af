"""The one base class of every business refusal.

A service raises a `DomainError` subclass with a Chinese sentence a person can act on. A view that holds
a form catches `DomainError` and adds it to the form (what the person typed stays); one that does not
catch it leaves it to `DomainErrorMiddleware`, which shows it as a page of its own: never a 500."""

from django.shortcuts import render


class DomainError(Exception):
    """A business rule said no. `str(error)` is the Chinese message shown to the person."""

    status = 409  # the request was understood; the state of things does not allow it


class InvalidTransition(DomainError):
    """A state change that the entity's transition table does not allow."""


class DomainErrorMiddleware:
    """A refusal no view caught: the 业务提示 page with its message, nothing saved (the request's
    transaction, if any, has rolled back by the time the exception reaches here)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            return render(request, "refused.html", {"problem": str(exception)}, status=exception.status)
        return None
