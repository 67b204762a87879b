"""Load the curated mat content a fresh install needs.

Safe to run on every start: it only adds what is missing, never overwrites
what content editors changed, and publishes safety version 1 only when no
version exists. Unlike seed_demo this is real content, so it runs with
DEBUG off too.
"""

from django.core.management.base import BaseCommand

from mats.seed import load_seed_content


class Command(BaseCommand):
    help = "Add the standard positions, routines, safety content, guides and evidence if missing."

    def handle(self, *args, **options):
        report = load_seed_content()
        added = ", ".join(f"{count} {label}" for label, count in report.created.items() if count)
        self.stdout.write(self.style.SUCCESS(f"Mat content is ready. Added: {added or 'nothing'}."))
        if report.published_version:
            self.stdout.write(f"Published safety version {report.published_version}.")
