"""A stand-in for a center's SMS provider adapter in production-settings tests: it keeps the last
messages in the cache (as a provider's delivery log would), never in the application log."""

from django.core.cache import cache

from accounts.sms import SmsBackend


class ProviderSandboxSmsBackend(SmsBackend):
    def send(self, phone, text, *, params=None):
        sent = cache.get("provider-sandbox-sms", [])
        cache.set("provider-sandbox-sms", (sent + [(phone, text)])[-50:], 3600)
