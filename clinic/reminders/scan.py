"""The reminder scan (issue 13): placeholder until the scan lands.

``send_due(now)`` is the scheduled job ``reminders.send_due``: it stores
every reminder, nudge and digest that has fallen due by ``now`` and not
gone yet, and returns how many it stored.
"""

from datetime import datetime


def send_due(now: datetime) -> int:
    return 0
