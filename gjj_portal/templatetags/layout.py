"""`{% layout %}`: templates/base.html hands a Django template's blocks (title, content, public_content) to the
Jinja2 layout (jinja2/layout.html), which puts the header, user panel, menu and footer around them; see
gjj_portal/jinja_env.py for why the layout is in Jinja2.

    {% layout %}…title…{% layout_content %}…content…{% layout_public %}…public content…{% endlayout %}

The blocks stay Django blocks (a page's `{% block content %}` overrides them as before); the layout gets the
page's whole context (the context processors' values included) and the page's CSRF token, so the layout's
forms and the page's carry the same one.
"""

from typing import cast

from django import template
from django.template import engines
from django.template.backends.jinja2 import Jinja2
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from markupsafe import Markup

register = template.Library()
_NOT_PROVIDED = "NOTPROVIDED"  # noqa: S105 — what django.template.context_processors.csrf gives without a token


class LayoutNode(template.Node):
    child_nodelists = ("title_nodes", "content_nodes", "public_nodes")  # so {% extends %} finds the blocks

    def __init__(self, title_nodes, content_nodes, public_nodes):
        self.title_nodes = title_nodes
        self.content_nodes = content_nodes
        self.public_nodes = public_nodes

    def render(self, context):
        values = jinja_context(context)
        values.update(
            # NodeList.render gives SafeStrings, whose __html__ tells Jinja2 they are escaped already
            dtl_title=self.title_nodes.render(context),
            dtl_content=self.content_nodes.render(context),
            dtl_public_content=self.public_nodes.render(context),
        )
        return jinja_template("layout.html").render(values)


def jinja_template(name: str):
    return cast(Jinja2, engines["jinja2"]).env.get_template(name)


def jinja_context(context) -> dict:
    """A Django template's context for a Jinja2 template: every value, and the page's CSRF field."""
    values = context.flatten()
    values["csrf_input"] = csrf_input(context.get("csrf_token"))
    return values


def csrf_input(token) -> Markup:
    """What `{% csrf_token %}` writes, for the same token (the page's lazy one, masked once per page)."""
    if not token or token == _NOT_PROVIDED:
        return Markup("")
    return Markup('<input type="hidden" name="csrfmiddlewaretoken" value="{}">').format(conditional_escape(token))


@register.simple_tag(takes_context=True)
def jinja_include(context, name: str):
    """A Jinja2 part shared with Jinja2 pages (e.g. loans/_tabs.html), in a Django page, with its context."""
    return mark_safe(jinja_template(name).render(jinja_context(context)))  # noqa: S308 — escaped by Jinja2


@register.tag
def layout(parser, token):
    title_nodes = parser.parse(("layout_content",))
    parser.delete_first_token()
    content_nodes = parser.parse(("layout_public",))
    parser.delete_first_token()
    public_nodes = parser.parse(("endlayout",))
    parser.delete_first_token()
    return LayoutNode(title_nodes, content_nodes, public_nodes)
