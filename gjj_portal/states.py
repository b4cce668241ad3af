"""Every entity with a life cycle (application, payout, remittance list, personal account, loan contract,
instalment, case, standing instruction) declares its allowed moves as a table {status: {next statuses}};
each move goes through one recorder, `moves_record`, which checks it against the table and writes a change
row (a `StateChange`: who, when, from, to, why); `change_record` writes the first row of a new entity."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .errors import InvalidTransition


def transition_check(
    transitions: dict,
    current: str,
    to: str,
    *,
    subject: str,
    labels,
    error: type[InvalidTransition] = InvalidTransition,
) -> None:
    """Refuse a move the table does not allow, in Chinese: “{subject}当前状态为“…”，不能变更为“…”。”
    `error` lets an app raise its own subclass (applications: one its callers catch as WithdrawalError)."""
    if to not in transitions.get(current, ()):
        raise error(f"{subject}当前状态为“{labels(current).label}”，不能变更为“{labels(to).label}”。")


def moves_record(
    change_model,
    transitions: dict,
    labels,
    moves,
    *,
    to: str,
    reason: str,
    actor=None,
    error: type[InvalidTransition] = InvalidTransition,
) -> None:
    """The one recorder of a move: check every move against the table, then write all their change rows in
    one INSERT. `moves` holds (the fields naming the entity in `change_model` — they may carry a `reason` of
    their own —, its state before, how a refusal names it). The caller writes the new state itself (one row,
    or one UPDATE for a batch) in the same transaction."""
    moves = list(moves)
    for _entity, before, subject in moves:
        transition_check(transitions, before, to, subject=subject, labels=labels, error=error)
    change_model.objects.bulk_create(
        change_model(**{"reason": reason, **entity, "from_status": before, "to_status": to, "actor": actor})
        for entity, before, _subject in moves
    )


def change_record(change_model, entity: dict, *, to: str, reason: str, actor=None, before: str = "") -> None:
    """A change row no table judges: the first of an entity just created in status `to` (from nothing), or an
    event in its history that keeps its status (`before` == `to`, e.g. 开通网上服务)."""
    change_model.objects.create(**entity, from_status=before, to_status=to, actor=actor, reason=reason)


class StateChange(models.Model):
    """A change row. Concrete tables add the foreign key to their entity and may give the two status
    fields their choices."""

    from_status = models.CharField("原状态", max_length=30, blank=True)
    to_status = models.CharField("新状态", max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    reason = models.CharField("说明", max_length=500, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self):
        return change_label(self)


def change_label(change) -> str:
    """“待复核放款 → 待付款”: the two states by their Chinese names (admin shows it above each row)."""
    before = change.get_from_status_display() if change.from_status else "新建"
    return f"{before} → {change.get_to_status_display()}"
