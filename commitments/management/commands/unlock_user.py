from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from commitments.signin import signin_unlock


class Command(BaseCommand):
    help = (
        "Let a user sign in again at once after a lockout for repeated failed sign-ins; also "
        "lifts the password-reset limit of the user's email address."
    )

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="+", metavar="USERNAME")

    def handle(self, *args, usernames, **options):
        users = get_user_model().objects.in_bulk(usernames, field_name="username")
        if not all(usernames):
            raise CommandError("A username may not be empty.")
        for username in usernames:
            user = users.get(username)
            removed = signin_unlock(username=username, email=user.email if user else "")
            if removed:
                self.stdout.write(self.style.SUCCESS(f"Unlocked {username}: failed tries cleared."))
            else:
                self.stdout.write(f"{username} had no failed tries to clear.")
