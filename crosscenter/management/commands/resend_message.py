import uuid

from django.core.management.base import BaseCommand, CommandError

from crosscenter.messaging import message_resend, outbox_flush
from crosscenter.models import OutboxMessage
from gjj_portal.errors import DomainError


class Command(BaseCommand):
    help = "Send an outbox message again (same id: a partner that has it answers 'already done'), now."

    def add_arguments(self, parser):
        parser.add_argument(
            "message_id", help="the message's id (admin: 发出报文), or 'pending' for every partner's queue"
        )

    def handle(self, *args, message_id, **options):
        if message_id == "pending":
            partners = OutboxMessage.objects.filter(status="pending").values_list("partner_id", flat=True).distinct()
        else:
            try:
                message = message_resend(message_id=uuid.UUID(message_id), enqueue=False)
            except (ValueError, OutboxMessage.DoesNotExist) as exc:
                raise CommandError(f"no such message: {message_id}") from exc
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
            partners = [message.partner_id]
        for partner_id in set(partners):
            flush = outbox_flush(partner_id=partner_id)
            self.stdout.write(
                f"partner {partner_id}: delivered {flush.delivered}, refused {flush.refused}"
                + (f", next try in {flush.retry_in:.0f} s" if flush.retry_in is not None else "")
            )
