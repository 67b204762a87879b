"""The review stores nothing of its own: each patient's list flag is stored on
their row (``accounts.Patient.flagged``, ``clinic.review.flags``)."""
