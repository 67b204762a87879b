"""The patient's private calendar feed (issue 13): placeholder until the feed lands."""

from dataclasses import dataclass

from accounts.models import Patient


@dataclass(frozen=True)
class FeedSection:
    """What the settings page shows about the feed."""

    https_url: str | None  # None: the patient has no feed yet
    webcal_url: str | None


def section(patient: Patient) -> FeedSection:
    return FeedSection(https_url=None, webcal_url=None)
