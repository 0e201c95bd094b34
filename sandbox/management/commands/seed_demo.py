"""Create the demo: organization "demo" on the built-in sandbox, with a week of history."""

from django.conf import settings
from django.core.management.base import BaseCommand

from sandbox import demo


class Command(BaseCommand):
    help = ("Create the demo organization (Demo Clinic, login demo / demo) with its connections "
            "pointed at the sandbox, a history of faxes and messages there, contacts and "
            "labels, and run its first sync (sandbox/first_sync.py). Idempotent.")

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
            if result.not_synced:
                self.stdout.write(f"  First sync not run here: {result.not_synced}.")
            else:
                self.stdout.write(f"  First sync done: {result.messages} messages and "
                                  f"{result.faxes} faxes in the portal.")
        self.stdout.write(f"  Portal: {settings.PORTAL_BASE_URL}/")
        self.stdout.write(f"  Login:  {demo.USERNAME} / {demo.PASSWORD}")
