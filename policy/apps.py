from django.apps import AppConfig


class PolicyConfig(AppConfig):
    """The center policy (中心政策): banks, business hours, caps, rates, the working-day calendar, as data an
    operator edits in admin; the snapshot every rule reads (center.py) and the middleware that holds every
    business submission to its window and bank list. It imports gjj_portal only; every app may import it."""

    name = "policy"
    verbose_name = "中心政策"
