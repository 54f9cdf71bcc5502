"""``calendar_changed``: the working-day calendar of some years has changed.

Sent after a :class:`~.models.CalendarDay` or :class:`~.models.CalendarYear` row is saved or
deleted, always with ``sender=CalendarDay`` (so ``connect(receiver, sender=CalendarDay)``
hears every change) and the keyword argument ``years``: the ``set[int]`` of years whose
working days or known-ness may differ now.  Apps that store deadlines (results, 结果公示)
connect to it and recompute the deadlines that fall in, or count through, those years::

    from shuangsuiji.workdays.models import CalendarDay
    from shuangsuiji.workdays.signals import calendar_changed

    def recompute(sender, *, years, **kwargs):
        ...

    calendar_changed.connect(recompute, sender=CalendarDay)

It is sent synchronously, inside the transaction that changed the table, so a receiver's
writes commit or roll back with the change.  Bulk writers wrap their work in
:func:`batched_changes` to send one signal for all their rows instead of one per row.
``QuerySet.update()`` bypasses model signals: writers of the calendar save rows instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

calendar_changed = Signal()

# The years collected by the innermost open batched_changes() block, if any.
_pending: ContextVar[set[int] | None] = ContextVar("workdays_pending_years", default=None)


def notify(years: set[int]) -> None:
    """Send ``calendar_changed`` now, or at the end of the open batch."""
    if not years:
        return
    pending = _pending.get()
    if pending is not None:
        pending |= years
        return
    from .models import CalendarDay

    calendar_changed.send(sender=CalendarDay, years=set(years))


@contextmanager
def batched_changes() -> Iterator[None]:
    """Collect the changes in the block and send one ``calendar_changed`` when it succeeds.

    Nothing is sent if the block raises: its writes are being rolled back.  Nested blocks
    leave the sending to the outermost one.
    """
    if _pending.get() is not None:
        yield
        return
    years: set[int] = set()
    token = _pending.set(years)
    try:
        yield
    finally:
        _pending.reset(token)
    notify(years)


def _day_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    years = {instance.date.year}
    if instance._loaded_date is not None:
        years.add(instance._loaded_date.year)
    if kwargs.get("created") is not None:  # post_save: the row now holds the current date
        instance._loaded_date = instance.date
    notify(years)


def _year_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    years = {instance.year}
    if instance._loaded_year is not None:
        years.add(instance._loaded_year)
    if kwargs.get("created") is not None:
        instance._loaded_year = instance.year
    notify(years)


def connect_model_signals() -> None:
    """Called from ``WorkdaysConfig.ready``."""
    from .models import CalendarDay, CalendarYear

    for model, receiver in ((CalendarDay, _day_changed), (CalendarYear, _year_changed)):
        uid = f"workdays.{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.delete")
