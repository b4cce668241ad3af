"""The one base class of every business refusal.

A service raises a `DomainError` subclass with a Chinese sentence a person can act on. Views show it in
one of two ways, both here: inside the form the person filled in (`refusal_on(form)`, so what they typed
stays), or, when a view does not catch it, as a page of its own (`DomainErrorMiddleware`): never a 500."""

from contextlib import contextmanager

from django.shortcuts import render


class DomainError(Exception):
    """A business rule said no. `str(error)` is the Chinese message shown to the person."""

    status = 409  # the request was understood; the state of things does not allow it


class InvalidTransition(DomainError):
    """A state change that the entity's transition table does not allow."""


@contextmanager
def refusal_on(form):
    """Run a service; a refusal becomes the form's error (kept input, a Chinese message at the top)."""
    try:
        yield
    except DomainError as exc:
        form.add_error(None, str(exc))


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
