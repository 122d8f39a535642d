from django.core.management.base import BaseCommand

from commitments.demo import sample_data_remove


class Command(BaseCommand):
    help = "Remove the demo's invented sample data (示例数据), leaving real letters intact."

    def handle(self, *args, **options):
        count = sample_data_remove()
        self.stdout.write(f"Removed {count} sample proposals and everything recorded on them.")
