"""Working-day calendar (工作日): deadlines counted in Chinese working days.

The arithmetic is in :mod:`.calendar`; the admin-edited holiday table in :mod:`.models`;
:data:`.signals.calendar_changed` tells other apps when the table changes.
"""
