"""Make an API key for an organization and print it, once: only its digest is kept."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.api_keys import create_api_key
from accounts.models import Organization
from common.commands import command_error


class Command(BaseCommand):
    help = ("Make an API key for the organization SLUG and print it. It is shown this once: "
            "keep it in the program's secret store.")

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True, help="what uses the key")
        parser.add_argument("--scopes", default="read",
                            help="comma-separated: read, send (default: read)")

    def handle(self, *args, slug, name, scopes, **options):
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"There is no organization with the slug {slug!r}.")
        try:
            key, clear = create_api_key(organization=organization, name=name, scopes=scopes,
                                        actor_label="manage.py create_api_key")
        except ValidationError as error:
            raise command_error(error, {"name": "--name", "scopes": "--scopes"}) from error
        self.stderr.write(f"Made {key.label} with the scopes {', '.join(key.scope_list)} "
                          f"for {organization.slug}. It is shown once:")
        self.stdout.write(clear)
