"""The Jinja2 environment of jinja2/: the layout around every page (header, user panel, menu, footer) and the
six read-only pages a depositor opens most (我的公积金, 缴存支取信息, 个人基本信息, 消息中心, 我发起的, 贷款信息).

In Django's template language the layout alone cost about a millisecond a page (some 500 nodes); Jinja2,
which compiles a template to Python, takes about a tenth of that. Pages with forms stay Django templates
(crispy-forms renders them): templates/base.html hands their blocks to the same layout
(gjj_portal/templatetags/layout.py), so the layout has one source whichever language a page is in.
The filters here write what the Django ones write in a Django template (tests/gjj_portal/test_layout.py).
"""

import datetime
import uuid
from functools import lru_cache

from django.core.signals import setting_changed
from django.middleware.csrf import get_token
from django.template import defaultfilters
from django.templatetags.static import static as django_static
from django.urls import reverse
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in django-stubs

from jinja2 import Environment, pass_context

from .templatetags import gjj
from .templatetags.layout import csrf_input
from .templatetags.memo_url import remembered_reverse, remembered_reverse_uuid, where_of_request


@pass_context
def url(context, name: str, *args, **kwargs) -> str:
    """reverse(); a link without arguments is remembered, as `{% url %}` does, and so is one whose one
    argument is a UUID (templatetags/memo_url.py)."""
    if kwargs or len(args) > 1 or (args and type(args[0]) is not uuid.UUID):
        return reverse(name, args=args or None, kwargs=kwargs or None)
    where = where_of_request(context.get("request"))
    if args:
        return remembered_reverse_uuid(name, where, args[0])
    return remembered_reverse(name, where)


@lru_cache(maxsize=256)
def static(path: str) -> str:
    """{% static %}: the manifest's hashed name, looked up once per process for each file."""
    return django_static(path)


def _forget(**kwargs):
    static.cache_clear()


setting_changed.connect(_forget)


def csrf_once(request) -> dict:
    """The page's CSRF field, masked once: the Jinja2 backend's own `csrf_input` masks the token anew each
    time a form writes it (a random mask costs ~0.1 ms, and the layout alone has five forms)."""
    return {"csrf_input": csrf_input(get_token(request))}


def date(value, arg=None):
    """Django's `date` filter as a Django template applies it: a moment in the center's time zone (Django's
    template engine converts it before the filter runs). A day (not a moment) as Y-m-d is its ISO form,
    which Django's formatter takes ~20 µs to write (明细 tables show a dozen or more a page)."""
    if arg == "Y-m-d" and type(value) is datetime.date:
        return value.isoformat()
    return defaultfilters.date(template_localtime(value), arg)


_labels: dict[tuple[type, str], dict] = {}


def label(obj, name: str):
    """What `obj.get_<name>_display()` says, from the field's choices read once per model: Django's method
    flattens the choices anew on every call (a 明细 table calls it on every row)."""
    key = (type(obj), name)
    labels = _labels.get(key)
    if labels is None:
        labels = _labels[key] = {value: str(text) for value, text in obj._meta.get_field(name).flatchoices}
    value = getattr(obj, name)
    return labels.get(value, value)


def years(months) -> int:
    """贷款年限: months in whole years, rounded as `{% widthratio months 12 1 %}` rounds."""
    return round(months / 12)


def environment(**options) -> Environment:
    options.pop("autoescape", None)  # always on: the layout writes names, messages and links
    env = Environment(autoescape=True, **options)
    env.globals.update(url=url, static=static)
    env.filters.update(
        money=gjj.money,
        percent=gjj.percent,
        percent2=gjj.percent2,
        date=date,
        linebreaksbr=defaultfilters.linebreaksbr,
        years=years,
        label=label,
        mask_card=gjj.validators.mask_card,
        mask_id=gjj.validators.mask_id_number,
        mask_phone=gjj.validators.mask_phone,
        mask_name=gjj.validators.mask_name,
        mask_account=gjj.validators.mask_account,
    )
    return env
