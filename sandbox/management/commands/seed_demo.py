"""Create the demo: organization "demo" on the built-in sandbox, with a week of history."""

from django.conf import settings
from django.core.management.base import BaseCommand

from sandbox import demo


class Command(BaseCommand):
    help = ("Create the demo organization (Demo Clinic, login demo / demo) with its connections "
            "pointed at the sandbox and a history of faxes and messages there. Idempotent.")

    def add_arguments(self, parser):
        parser.add_argument("--if-new", action="store_true",
                            help="do nothing when the demo organization exists")

    def handle(self, *args, if_new, **options):
        result = demo.seed_demo(if_new=if_new)
        if not result.created:
            self.stdout.write("The demo organization exists: nothing to do.")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Demo ready: {result.organization.name} on sandbox account "
                f"{result.account.username}."))
        self.stdout.write(f"  Portal: {settings.PORTAL_BASE_URL}/")
        self.stdout.write(f"  Login:  {demo.USERNAME} / {demo.PASSWORD}")
        # The portal's messaging numbers are registered by the messaging app (it creates
        # its MessagingNumber rows and sets their callback URLs with updateNumber).
