"""Add a messaging number to an organization and register its webhook URL."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from common.commands import command_error
from messaging import services


class Command(BaseCommand):
    help = ("Add a messaging number to an organization, register its webhook URL with "
            "Axion (updateNumber), and print the URL.")

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("number", help="a US number in any common format")
        parser.add_argument("--label", default="")

    def handle(self, *args, slug, number, label, **options):
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organization with the slug {slug!r}.")
        try:
            added = services.add_number(organization=organization, number=number, label=label)
        except ValidationError as error:
            raise command_error(error) from error
        self.stdout.write(f"Added {added.number} to {slug}.")
        self.stdout.write(f"Webhook URL: {added.webhook_url}")
        if added.registered_at:
            self.stdout.write(self.style.SUCCESS("Registered with Axion."))
        else:
            self.stdout.write(self.style.WARNING(
                f"Not registered with Axion: {added.registration_error}"))
