"""Create an organization and its owner (the owner user is created when missing)."""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import services
from accounts.models import Organization
from common.commands import command_error


class Command(BaseCommand):
    help = ("Create an organization with an owner. A new owner's password comes from "
            "PORTAL_OWNER_PASSWORD or a prompt, never from the command line.")

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--owner", required=True, help="username of the owner")
        parser.add_argument("--email", default="", help="e-mail of a new owner")
        parser.add_argument("--time-zone", default="UTC")

    def handle(self, *args, slug, name, owner, email, time_zone, **options):
        if Organization.objects.filter(slug=slug).exists():
            raise CommandError(f"An organization with the slug {slug!r} exists already.")
        User = get_user_model()
        with transaction.atomic():
            user = User.objects.filter(username=owner).first()
            if user is None:
                user = User(username=owner, email=email)
                password = self._new_password(user)
                user.set_password(password)
                user.save()
                self.stdout.write(f"Created user {owner}.")
            try:
                organization = services.create_organization(
                    name=name, slug=slug, owner=user, time_zone=time_zone)
            except ValidationError as error:
                raise command_error(error) from error
        self.stdout.write(self.style.SUCCESS(
            f"Created organization {organization.slug} with owner {owner}."))

    def _new_password(self, user) -> str:
        password = os.environ.get("PORTAL_OWNER_PASSWORD")
        if password is None:
            if not os.isatty(0):
                raise CommandError("Set PORTAL_OWNER_PASSWORD: there is no terminal to ask on.")
            password = getpass.getpass(f"Password for {user.username}: ")
            if password != getpass.getpass("Again: "):
                raise CommandError("The two passwords differ.")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("The password is too weak: " + " ".join(error.messages)) from None
        return password
