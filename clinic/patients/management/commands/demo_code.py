"""Print the code each demo practitioner's and the staff admin's authenticator
shows now, so the demo can be signed into without a phone (development only)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.patients.demo import DEMO_AUTHENTICATOR_KEY


class Command(BaseCommand):
    help = "Print the current sign-in code of each demo account (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code only runs with DEBUG on; it is for the demo.")
        now = time.time()
        # Only the demo's own authenticators: the known key, set by seed_demo.
        devices = (
            TOTPDevice.objects.filter(key=DEMO_AUTHENTICATOR_KEY, confirmed=True)
            .select_related("user")
            .order_by("user__email")
        )
        if not devices:
            raise CommandError("No demo sign-ins found: load the demo first (make run).")
        self.stdout.write("Sign-in codes now:")
        width = max(len(device.user.email) for device in devices)
        for device in devices:
            code = totp(device.bin_key, device.step, device.t0, device.digits)
            self.stdout.write(f"  {device.user.email:<{width}}  {code:0{device.digits}d}")
        left = 30 - int(now % 30)
        self.stdout.write(
            f"Each code works once, for about {left} more seconds; run this again for a new one."
        )
