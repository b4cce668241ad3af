"""Find Django's own English strings in a rendered page.

Django's and its contrib apps' English catalogs list every string Django can show (msgids),
translated into Chinese or not; a page that still contains one of them as visible text — or as a
button value, placeholder, title, aria-label or alt — shows English to the person. A few
untranslated defaults are added by hand."""

import re
from functools import cache
from html.parser import HTMLParser
from importlib import import_module
from pathlib import Path

import django

UNTRANSLATED_DEFAULTS = [
    "Not Found",
    "Forbidden",
    "Server Error (500)",
    "Bad Request (400)",
    "CSRF verification",
    # Django's default permission names, stored in English ("Can add log entry").
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
]
THIRD_PARTY = ["axes", "captcha"]
ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}


def _msgids(po: str):
    current = None
    for line in po.splitlines() + [""]:
        if line.startswith('msgid "'):
            current = line[7:-1]
        elif line.startswith('"') and current is not None:
            current += line[1:-1]
        elif current is not None:
            yield current.replace('\\"', '"')
            current = None


@cache
def _pattern() -> re.Pattern:
    ids = set(UNTRANSLATED_DEFAULTS)
    catalogs = list(Path(django.__file__).parent.glob("**/locale/en/LC_MESSAGES/django.po"))
    for package in THIRD_PARTY:  # their msgids are English whichever language's file holds them
        catalogs += list(Path(import_module(package).__file__).parent.glob("locale/*/LC_MESSAGES/django.po"))[:1]
    for po in catalogs:
        for text in _msgids(po.read_text(encoding="utf-8")):
            # Words of prose only: "Log out", "Change password", "Delete?" — not "%(name)s" or "ID".
            if re.fullmatch(r"[A-Z][A-Za-z ,.'’?!:-]{3,}", text):
                ids.add(text)
    alternatives = sorted((re.escape(i) for i in ids), key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z])(" + "|".join(alternatives) + r")(?![A-Za-z])")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        button = tag == "input" and dict(attrs).get("type") in ("submit", "button", "reset")
        # An option's or a field's value is data, a button's value is what it says.
        self.parts += [v for k, v in attrs if v and (k in ATTRIBUTES or (button and k == "value"))]

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_in(text: str) -> set[str]:
    """Django's English strings found in `text` (visible text, or HTML to be reduced to it)."""
    if "<" in text:
        text = visible_text(text)
    return set(_pattern().findall(text))
