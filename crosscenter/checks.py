"""System checks of 跨省通办's configuration."""

from django.core.checks import Error, register


@register(deploy=True)
def signing_key_check(app_configs, **kwargs):
    """Without a valid signing key no message to a partner center can be signed: every case would wait for ever
    while the depositor was told it had been sent."""
    from .signing import signing_problem

    if signing_problem():
        return [
            Error(
                "GJJ_CENTER_SIGNING_KEY is missing or not an Ed25519 private key: 跨省通办 messages cannot be signed.",
                hint="Generate one with `manage.py center_key --generate` and give partners its public key.",
                id="gjj.E002",
            )
        ]
    return []
