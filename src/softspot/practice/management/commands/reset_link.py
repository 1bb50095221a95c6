"""``softspot admin reset_link USER``: a one-time link (and QR code) that lets USER set a new password."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from softspot.practice.accounts import issue_reset_link, mail_configured
from softspot.practice.management.links import show_link, site_url, user_named
from softspot.practice.models import RESET_LINK_LIFETIME


class Command(BaseCommand):
    help = "Print a one-time link (and its QR code) with which USER sets a new password; works once, for 24 hours."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", metavar="USER", help="The account's username.")
        parser.add_argument("--site", help="The site's address, e.g. https://softspot.example.org.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_named(options["username"])
        url = issue_reset_link(user, site_url(options["site"]))
        hours = int(RESET_LINK_LIFETIME.total_seconds() // 3600)
        self.stdout.write(f"Reset link for {user.username} (works once, for {hours} hours):")
        show_link(url, self.stdout)  # type: ignore[arg-type]
        if mail_configured() and user.email:
            self.stdout.write(f"Also sent by e-mail to {user.email}.")
