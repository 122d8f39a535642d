import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from commitments import workflow
from commitments.demo import sample_data_load
from commitments.importing import reply_import
from commitments.letters import extract_text, parse_letter
from commitments.models import Organisation, Proposal, Reply, User
from commitments.roles import assign_role

SEED_LETTER = Path(settings.BASE_DIR) / "sample_data" / "reply-xinwu-2024-20.txt"


DEMO_USERS = [
    ("staff", User.Role.STAFF, "xinwu-industry", "徐明"),
    ("office", User.Role.OFFICE, "cppcc-office", "陈督办"),
    # The demo letter's proposer, so that the member's own proposal comes first in the workspace.
    ("member", User.Role.MEMBER, None, "袁伟"),
]


class Command(BaseCommand):
    help = (
        "Load the demo: the seed reply letter, invented sample data (示例数据) and users for "
        "each role. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-samples",
            action="store_true",
            help="Only the real seed letter and its users, without the invented sample data.",
        )

    @transaction.atomic
    def handle(self, *args, no_samples=False, **options):
        bureau, _ = Organisation.objects.get_or_create(
            name="无锡高新区(新吴区)工业和信息化局",
            defaults={"short_name": "新吴区工信局", "slug": "xinwu-industry"},
        )
        Organisation.objects.get_or_create(
            name="新吴区政协提案委员会",
            defaults={"short_name": "区政协提案委", "slug": "cppcc-office", "is_office": True},
        )
        text = extract_text(SEED_LETTER.read_bytes(), SEED_LETTER.name)
        letter = parse_letter(text)
        if Reply.objects.filter(index_number=letter["index_number"]).exists():
            self.stdout.write("Demo letter already loaded.")
        else:
            reply = reply_import(letter=letter, full_text=text, organisation=bureau)
            self.stdout.write(
                f"Imported the demo letter: {reply.measures.count()} measures, "
                f"{reply.commitments.count()} commitments."
            )
        for username, role, slug, name in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                self.stdout.write(f"Demo user {username!r} exists (its password was printed once).")
                continue
            password = secrets.token_urlsafe(9)
            user = User(username=username, first_name=name, email=f"{username}@example.org")
            user.set_password(password)
            organisation = Organisation.objects.get(slug=slug) if slug else None
            assign_role(user, role, organisation)
            self.stdout.write(
                self.style.SUCCESS(f"Demo user  {username:<7} role {role:<7} password {password}")
            )
        # The member files under the demo letter's proposer name; the office confirms the match,
        # as it would for a real import.
        office = User.objects.get(username="office")
        for proposal in Proposal.objects.filter(replies__organisation=bureau).distinct():
            for link in workflow.proposers_match(proposal=proposal):
                if link.member_id and link.confirmed_at is None:
                    workflow.proposer_confirm(link=link, member=link.member, by=office)
        if no_samples:
            return
        member = User.objects.get(username="member")
        made = sample_data_load(office=office, member=member)
        if not made and Proposal.objects.filter(is_sample=True).exists():
            self.stdout.write("Sample data (示例数据) already loaded.")
        else:
            self.stdout.write("Loaded the sample data (示例数据); remove it with remove_demo.")
        for username, role, password in made:
            self.stdout.write(
                self.style.SUCCESS(f"Demo user  {username:<7} role {role:<7} password {password}")
            )
