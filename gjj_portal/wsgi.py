import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gjj_portal.settings")
application = get_wsgi_application()

from gjj_portal.checks import refuse_unsafe_start  # noqa: E402  (settings are configured by now)

refuse_unsafe_start()
