from tests.api.conftest import log_in


def test_smoke(api, depositor):
    depositor.set_password("demo1234")
    depositor.save()
    log_in(api, depositor.id_number)
    status, body = api.call("account_get")
    assert status == 200, body
    print(body)
    status, body = api.call("entries_list")
    assert status == 200, body
    status, body = api.call("withdrawal_offers")
    print(body)
    assert status == 200
