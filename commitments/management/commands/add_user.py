import secrets

from django.core.management.base import BaseCommand, CommandError

from commitments.models import Organisation, User
from commitments.roles import assign_role


class Command(BaseCommand):
    help = "Create a user with a role: bureau staff, supervising office or committee member."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in User.Role])
        parser.add_argument("--organisation", metavar="SLUG", help="Required for staff.")
        parser.add_argument("--password", help="Generated and printed when not given.")
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="", help="Full name shown in the workspace.")

    def handle(self, *args, username, role, organisation, password, email, name, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"User {username!r} already exists.")
        org = None
        if organisation:
            org = Organisation.objects.filter(slug=organisation).first()
            if org is None:
                raise CommandError(f"No organisation with slug {organisation!r}.")
        if role == User.Role.STAFF and org is None:
            raise CommandError("Bureau staff need --organisation SLUG.")
        generated = password is None
        password = password or secrets.token_urlsafe(9)
        user = User(username=username, email=email, first_name=name)
        user.set_password(password)
        assign_role(user, role, org)
        shown = f" with password {password}" if generated else ""
        self.stdout.write(self.style.SUCCESS(f"Created {role} user {username}{shown}."))
