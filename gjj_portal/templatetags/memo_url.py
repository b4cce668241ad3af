"""`{% url %}` that remembers the links without arguments (the menu, the header, the buttons: some thirty
on every page), so each is reversed once per process instead of once per page. Registered as a
template builtin in settings, so it replaces Django's tag everywhere without a `{% load %}`.

A link with arguments, or `as var`, is Django's tag unchanged. The key holds everything reverse()
depends on besides the name: the URLconf, the script prefix and the current application namespace.
"""

import uuid

from django.conf import settings
from django.core.signals import setting_changed
from django.template import Library
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = Library()
_reversed: dict[tuple, str] = {}
_reversed_uuid: dict[tuple, tuple] = {}  # (name, *where) → (before, after) the UUID, or () if not like that
_STAND_IN = uuid.UUID("5e1f0000-0000-4000-8000-00000000ab1e")
_WHERE = "gjj_url_where"


class MemoURLNode(URLNode):
    def render(self, context):
        name = self.view_name.var
        if self.args or self.kwargs or self.asvar or self.view_name.filters or not isinstance(name, str):
            return super().render(context)
        where = context.render_context.get(_WHERE)  # asked once per template, not once per link
        if where is None:
            where = context.render_context[_WHERE] = where_of(getattr(context, "request", None))
        url = remembered_reverse(name, where)
        return conditional_escape(url) if context.autoescape else url


def where_of(request) -> tuple:
    """What reverse() depends on besides the name: the current application, the script prefix, the URLconf."""
    current_app = getattr(request, "current_app", None)
    if current_app is None:
        current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
    return (current_app, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


def where_of_request(request) -> tuple:
    """where_of(request), worked out once per request (a page writes some forty links)."""
    if request is None:
        return where_of(None)
    where = request.__dict__.get(_WHERE)
    if where is None:
        where = request.__dict__[_WHERE] = where_of(request)
    return where


def remembered_reverse_uuid(name: str, where: tuple, value: uuid.UUID) -> str:
    """reverse(name, args=[value]) for a link whose one argument is a UUID (a message's, an application's):
    reversed once per process with a stand-in UUID, then the stand-in replaced (the uuid converter writes
    any UUID as str(value), in characters the URL keeps as they are). A test holds it equal to reverse()
    for every such link."""
    key = (name, *where)
    parts = _reversed_uuid.get(key)
    if parts is None:
        head, found, tail = reverse(name, args=[_STAND_IN], current_app=where[0]).partition(str(_STAND_IN))
        parts = _reversed_uuid[key] = (head, tail) if found else ()
    if not parts:
        return reverse(name, args=[value], current_app=where[0])
    return f"{parts[0]}{value}{parts[1]}"


def remembered_reverse(name: str, where: tuple) -> str:
    """reverse(name) without arguments, once per process for each `where` (also the Jinja2 layout's url())."""
    key = (name, *where)
    url = _reversed.get(key)
    if url is None:
        url = _reversed[key] = reverse(name, current_app=where[0])
    return url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return MemoURLNode(node.view_name, node.args, node.kwargs, node.asvar)


def _forget(**kwargs):
    _reversed.clear()
    _reversed_uuid.clear()


setting_changed.connect(_forget)  # tests that swap URLconfs
