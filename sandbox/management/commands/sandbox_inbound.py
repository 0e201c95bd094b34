"""Simulate an inbound SMS/MMS on a sandbox number, and send its newSMS event."""

from django.core.management.base import BaseCommand, CommandError

from sandbox import media, services


class Command(BaseCommand):
    help = ("Store a RECEIVED message on a sandbox messaging number, as if someone had texted "
            "it, and POST the newSMS event to the number's callback URL.")

    def add_arguments(self, parser):
        parser.add_argument("number", help="the sandbox number that receives, e.g. +13109549528")
        parser.add_argument("--from", dest="source", default="+12135550123",
                            help="who sends it, a US number (default +12135550123)")
        parser.add_argument("--text", default="", help="the message text")
        parser.add_argument("--media", dest="media_names", action="append", default=[],
                            choices=sorted(media.KINDS),
                            help="attach a sample file of this kind (repeatable)")

    def handle(self, *args, number, source, text, media_names, **options):
        try:
            message, delivered = services.simulate_inbound(
                number=number, source=source, text=text, media_names=media_names)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Stored inbound message {message.uuid} on {message.number}.")
        if delivered is None:
            self.stdout.write(self.style.WARNING(
                "The number has no callback URL (set one with updateNumber): no event sent."))
        elif delivered:
            self.stdout.write(self.style.SUCCESS("Delivered the newSMS event."))
        else:
            raise CommandError("Delivering the newSMS event failed; the message is stored "
                               "(see the log for why).")
