"""授权管理 in the browser: the person sees each partner application they let read their data, and 撤销授权
ends it — the partner's next call is refused — while another person can end nothing of theirs."""

from django.urls import reverse

from api.models import PartnerConsent
from api.services import consent_grant, partner_app_register


def test_a_depositor_sees_and_withdraws_a_consent_in_the_browser(client, depositor, other_depositor):
    app, _key = partner_app_register(name="建行手机银行", organization="中国建设银行沈阳分行", grants=["account"])
    consent_grant(user=depositor, app=app)
    client.force_login(depositor)
    assert reverse("consents:list") in client.get(reverse("deposits:profile")).content.decode()
    page = client.get(reverse("consents:list")).content.decode()
    assert "建行手机银行" in page and "撤销授权" in page

    client.force_login(other_depositor)
    assert client.post(reverse("consents:end", args=[app.client_id])).status_code == 404
    assert PartnerConsent.objects.get(user=depositor).withdrawn_at is None

    client.force_login(depositor)
    done = client.post(reverse("consents:end", args=[app.client_id]), follow=True).content.decode()
    assert "已撤销对“建行手机银行”的授权" in done and "已撤销" in done
    assert PartnerConsent.objects.get(user=depositor).withdrawn_at is not None
    assert client.post(reverse("consents:end", args=[app.client_id])).status_code == 404  # nothing open now
    assert client.get(reverse("consents:end", args=[app.client_id])).status_code == 405
