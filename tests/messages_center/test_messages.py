import pytest
from django.urls import reverse

from messages_center.models import Message
from tests.withdrawals.helpers import submitted_rent
from withdrawals.review import withdrawal_approve, withdrawal_reject


@pytest.fixture
def client_zw(client, depositor):
    client.force_login(depositor)
    return client


def test_each_state_change_sends_a_message(depositor, reviewer):
    application = submitted_rent(depositor)
    withdrawal_approve(application_id=application.pk, reviewer=reviewer, opinion="同意")
    titles = list(Message.objects.filter(recipient=depositor).order_by("id").values_list("title", flat=True))
    assert titles == ["申请已提交", "审核通过"]
    body = Message.objects.get(title="审核通过").body
    assert application.number in body and "3,600.00" in body and "同意" in body


def test_a_rejection_message_carries_the_reason(depositor, reviewer):
    application = submitted_rent(depositor)
    withdrawal_reject(application_id=application.pk, reviewer=reviewer, opinion="租房合同与地址不符")
    assert "租房合同与地址不符" in Message.objects.get(title="审核不通过").body


def test_an_upload_todo_opens_for_a_draft_and_closes_itself_on_submit(client_zw, depositor):
    from withdrawals.models import Material
    from withdrawals.services import withdrawal_submit

    application = submitted_rent(depositor, region="大连市")
    todo = Message.objects.open_todos().get(recipient=depositor)
    assert todo.link == reverse("withdrawals:materials", args=[application.public_id])
    assert "待办" in client_zw.get(reverse("messages_center:todos")).content.decode()
    Material.objects.create(
        application=application, file="m.png", original_name="m.png", content_type="image/png", size=1
    )
    withdrawal_submit(application=application, user=depositor)
    todo.refresh_from_db()
    assert todo.done_at is not None
    assert not Message.objects.open_todos().filter(recipient=depositor).exists()


def test_unread_count_in_the_header_and_read_and_delete(client_zw, depositor):
    submitted_rent(depositor)
    message = Message.objects.get(recipient=depositor)
    page = client_zw.get(reverse("home")).content.decode()
    assert 'data-testid="unread">1<' in page
    detail = client_zw.get(reverse("messages_center:detail", args=[message.public_id])).content.decode()
    for words in ("业务名称", "消息内容", "发送渠道", "租房提取", "关闭", "标为已阅"):
        assert words in detail
    response = client_zw.post(reverse("messages_center:mark_read", args=[message.public_id]), follow=True)
    assert "已标记为已阅" in response.content.decode()
    assert message.title in client_zw.get(reverse("messages_center:read")).content.decode()
    assert 'data-testid="unread"' not in client_zw.get(reverse("home")).content.decode()
    response = client_zw.post(reverse("messages_center:delete", args=[message.public_id]), follow=True)
    assert "消息已删除" in response.content.decode()
    message.refresh_from_db()
    assert message.deleted_at is not None
    assert message.title not in client_zw.get(reverse("messages_center:read")).content.decode()


def test_more_pages_through_the_history(client_zw, depositor):
    from messages_center.services import message_send

    for i in range(25):
        message_send(recipient=depositor, business="测试", title=f"第{i}条", body="-")
    first = client_zw.get(reverse("messages_center:inbox"))
    assert len(first.context["page"].object_list) == 10 and "更多" in first.content.decode()
    more = client_zw.get(reverse("messages_center:inbox"), {"more": "1", "page": "2"})
    assert len(more.context["page"].object_list) == 5


def test_my_applications_tab_lists_business_status_and_opinion(client_zw, depositor, reviewer):
    application = submitted_rent(depositor)
    withdrawal_reject(application_id=application.pk, reviewer=reviewer, opinion="材料不全")
    page = client_zw.get(reverse("hall:messages_mine")).content.decode()
    assert "租房提取" in page and "审核不通过" in page and "材料不全" in page and application.number in page


def test_the_counts_every_page_shows_count_each_persons_live_messages(depositor, other_depositor):
    """The header's numbers, against the messages counted one by one: unread notices, open 待办, 已阅;
    deleted ones and other people's never count."""
    import random

    from django.utils import timezone

    from messages_center.selectors import inbox_counts

    rng = random.Random(14)
    for n in range(40):
        kind = rng.choice([Message.Kind.NOTICE, Message.Kind.TODO])
        Message.objects.create(
            recipient=rng.choice([depositor, other_depositor]),
            kind=kind,
            business="提取",
            title=f"第{n}条",
            key=f"k{n}",
            body="",
            read_at=timezone.now() if rng.random() < 0.4 else None,
            done_at=timezone.now() if kind == Message.Kind.TODO and rng.random() < 0.5 else None,
            deleted_at=timezone.now() if rng.random() < 0.15 else None,
        )
    for user in (depositor, other_depositor):
        live = [m for m in Message.objects.all() if m.recipient_id == user.pk and m.deleted_at is None]
        expected = {
            "unread": sum(m.kind == Message.Kind.NOTICE and m.read_at is None for m in live),
            "todos": sum(m.kind == Message.Kind.TODO and m.done_at is None for m in live),
            "read": sum(m.kind == Message.Kind.NOTICE and m.read_at is not None for m in live),
        }
        assert inbox_counts(user=user) == expected and sum(expected.values()) > 0
