import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from commitments.data_version import bump_data_version
from commitments.models import Commitment, ProgressUpdate, Proposal, Reply
from commitments.synthetic.build import Generator
from commitments.tallies import compact

ANALYZED_TABLES = [Proposal, Reply, Commitment, ProgressUpdate]


class Command(BaseCommand):
    help = (
        "Fill the database with realistic synthetic proposals, replies, commitments and progress "
        "updates for load tests and demos (about 5 commitments per proposal, 10 updates each). "
        "Bulk data has no change history."
    )

    def add_arguments(self, parser):
        parser.add_argument("--commitments", type=int, default=1000, metavar="N")
        parser.add_argument(
            "--seed", type=int, default=1, help="The same seed gives the same data on a given day."
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="Add to a database that already holds proposals or commitments.",
        )

    def handle(self, *args, commitments, seed, append, **options):
        if commitments < 1:
            raise CommandError("--commitments must be at least 1.")
        existing = Commitment.objects.count()
        if not append and (existing or Proposal.objects.exists()):
            raise CommandError(
                f"The database already holds {existing:,} commitments; "
                "pass --append to add synthetic data to it."
            )
        started = time.monotonic()
        self.stdout.write(f"Generating {commitments:,} commitments (seed {seed}) …")
        # All or nothing: an interrupted run leaves the database as it was.
        with transaction.atomic():
            counts = Generator(seed=seed).run(commitments, progress=self._progress)
            # Bulk inserts send no signals: cached pages must still see the new rows.
            bump_data_version()
        # The bulk inserts left the kept counts in many pieces: fold them before anyone reads.
        compact()
        if connection.vendor == "postgresql":
            # Fresh planner statistics, or the first queries plan for empty tables.
            with connection.cursor() as cursor:
                for model in ANALYZED_TABLES:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {counts['proposals']:,} proposals, {counts['replies']:,} replies, "
                f"{counts['measures']:,} measures, {counts['commitments']:,} commitments, "
                f"{counts['updates']:,} progress updates and {counts['evidence']:,} evidence "
                f"links in {time.monotonic() - started:.0f} s."
            )
        )

    def _progress(self, counts):
        self.stdout.write(
            f"{counts['percent']:>4}%  {counts['commitments']:>9,} commitments  "
            f"{counts['updates']:>10,} updates  {counts['seconds']:>6.0f} s"
        )
