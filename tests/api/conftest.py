import pytest
from captcha.models import CaptchaStore

from .openapi_client import OpenApiClient, django_http


@pytest.fixture
def api(client, db):
    """An app: the OpenAPI document fetched from the portal, and nothing else."""
    schema = client.get("/api/v1/openapi.json").json()
    return OpenApiClient(django_http(client), schema)


def captcha_answer(key: str) -> str:
    """What a person reads off the image (the test reads the store)."""
    return CaptchaStore.objects.get(hashkey=key).response


def log_in(api, identifier: str, password: str = "demo1234", device: str = "device-1") -> dict:
    status, captcha = api.call("auth_captcha", auth=False)
    assert status == 200
    status, body = api.call(
        "auth_login",
        body={"identifier": identifier, "password": password, "captcha_key": captcha["key"],
              "captcha_value": captcha_answer(captcha["key"]), "device_id": device},
        auth=False,
    )  # fmt: skip
    assert status == 200, body
    api.token = body["access_token"]
    return body
