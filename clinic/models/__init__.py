"""The care side: needling appointments and, later, between-visit plans."""

from clinic.models.visits import NOTE_MAX_LENGTH, Appointment

__all__ = ["NOTE_MAX_LENGTH", "Appointment"]
