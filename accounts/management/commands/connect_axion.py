"""Connect an organization to one of Axion's APIs; secrets come from the environment."""

import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import TIME_ZONE_CHOICES, Connection, Organization
from common.commands import command_error


class Command(BaseCommand):
    help = ("Create or update an organization's fax or SMS connection. The API key and "
            "password are read from AXION_API_KEY and AXION_PASSWORD, never from the "
            "command line; when a connection exists, an unset variable keeps the stored value.")

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("kind", choices=Connection.Kind.values)
        parser.add_argument("--url", required=True)
        parser.add_argument("--username", required=True)
        parser.add_argument("--timezone", default="UTC",
                            help="time zone of the fax API's times (default UTC)")

    def handle(self, *args, slug, kind, url, username, timezone, **options):
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organization with the slug {slug!r}.")
        if timezone not in dict(TIME_ZONE_CHOICES):
            raise CommandError(f"Unknown time zone {timezone!r}; use a name such as "
                               "America/New_York.")
        values = {"api_url": url, "username": username,
                  "api_key": os.environ.get("AXION_API_KEY", ""),
                  "password": os.environ.get("AXION_PASSWORD", "")}
        if kind == Connection.Kind.FAX:
            values["time_zone"] = timezone
        try:
            services.save_connection(organization=organization, kind=kind, values=values,
                                     actor=None)
        except ValidationError as error:
            raise command_error(error, {"api_key": "AXION_API_KEY",
                                        "password": "AXION_PASSWORD"}) from error
        self.stdout.write(self.style.SUCCESS(f"Saved the {kind} connection of {slug}."))
