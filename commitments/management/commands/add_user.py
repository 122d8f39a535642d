import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from commitments import workflow
from commitments.models import Organisation, Proposal, Proposer, User
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
        parser.add_argument(
            "--proposer-name",
            action="append",
            default=[],
            dest="filing_names",
            metavar="NAME",
            help="For members: a name their proposals give them (repeat for several). "
            "Proposals naming them get this member proposed, for the office to confirm.",
        )

    def handle(
        self, *args, username, role, organisation, password, email, name, filing_names, **options
    ):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"User {username!r} already exists.")
        org = None
        if organisation:
            org = Organisation.objects.filter(slug=organisation).first()
            if org is None:
                raise CommandError(f"No organisation with slug {organisation!r}.")
        if role == User.Role.STAFF and org is None:
            raise CommandError("Bureau staff need --organisation SLUG.")
        if filing_names and role != User.Role.MEMBER:
            raise CommandError("Only committee members file proposals (--proposer-name).")
        generated = password is None
        password = password or secrets.token_urlsafe(9)
        user = User(username=username, email=email, first_name=name, filing_names=filing_names)
        user.set_password(password)
        with transaction.atomic():
            assign_role(user, role, org)
            named = Proposal.objects.filter(
                pk__in=Proposer.objects.filter(name__in=filing_names).values("proposal")
            )
            for proposal in named:
                workflow.proposers_match(proposal=proposal)
        shown = f" with password {password}" if generated else ""
        self.stdout.write(self.style.SUCCESS(f"Created {role} user {username}{shown}."))
        if filing_names:
            self.stdout.write(
                f"Proposed as proposer of {named.count()} proposals, for the office to confirm "
                "(admin: Proposers)."
            )
