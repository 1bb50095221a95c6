"""``softspot admin therapist USER --name NAME``: make (or mark) a therapist account and print its first link."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from softspot.practice.accounts import issue_reset_link
from softspot.practice.management.links import show_link, site_url
from softspot.practice.models import HANDLE_MAX, Therapist

HANDLE = re.compile(rf"^[a-z][a-z0-9-]{{0,{HANDLE_MAX - 1}}}$")


def handle_for(username: str) -> str:
    made = re.sub(r"[^a-z0-9-]+", "-", username.lower()).strip("-")[:HANDLE_MAX].rstrip("-")
    return made if made and made[0].isalpha() else f"t-{made}"[:HANDLE_MAX]


class Command(BaseCommand):
    help = (
        "Make a therapist account (or make an existing account a therapist) and print a one-time link "
        "with which the therapist sets a password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", metavar="USER", help="The username the therapist signs in with.")
        parser.add_argument("--name", required=True, help="The name clients see, e.g. 'Jo Reyes, massage therapist'.")
        parser.add_argument("--handle", help="Ends the therapist's technique ids (default: from USER).")
        parser.add_argument("--email", default="", help="For reset links by e-mail, when mail is set up.")
        parser.add_argument("--site", help="The site's address, e.g. https://softspot.example.org.")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"].strip()
        name: str = options["name"].strip()
        if not username or len(username) > 150:
            raise CommandError("USER: give a username of 1 to 150 characters")
        if not name or len(name) > 100:
            raise CommandError("--name: give the name clients see, 1 to 100 characters")
        handle = options["handle"] or handle_for(username)
        if not HANDLE.match(handle):
            raise CommandError(
                f"--handle: '{handle}' must start with a letter and use a-z, 0-9 and -, at most {HANDLE_MAX}"
            )
        with transaction.atomic():
            user, made = User.objects.get_or_create(username=username, defaults={"email": options["email"]})
            if made:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            existing = Therapist.objects.filter(user=user).first()
            if existing is None and Therapist.objects.filter(handle=handle).exists():
                raise CommandError(f"--handle: '{handle}' is taken by another therapist; choose another")
            if existing is None:
                Therapist.objects.create(user=user, handle=handle, name=name)
            else:
                Therapist.objects.filter(pk=existing.pk).update(name=name)
        verb = "Made" if made else "Updated"
        self.stdout.write(f"{verb} the therapist {name} (sign-in name {username}, techniques end in @{handle}).")
        url = issue_reset_link(user, site_url(options["site"]))
        self.stdout.write("The therapist sets a password with this one-time link (24 hours):")
        show_link(url, self.stdout)  # type: ignore[arg-type]
