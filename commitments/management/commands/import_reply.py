from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commitments.importing import LetterImportError, reply_import
from commitments.letters import LetterFileError, extract_text, parse_letter
from commitments.models import Organisation


class Command(BaseCommand):
    help = "Import a reply letter (.txt in UTF-8 or GB18030, or .docx): all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--update", action="store_true", help="Replace a reply that was imported before."
        )
        parser.add_argument(
            "--organisation", metavar="SLUG", help="The replying organisation, if not the signer."
        )
        parser.add_argument("--source-url", default="", help="Where the letter was published.")

    def handle(self, *args, file, update, organisation, source_url, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        try:
            text = extract_text(data, file.name)
        except LetterFileError as error:
            raise CommandError(f"{file}: {error}") from error
        org = None
        if organisation:
            org = Organisation.objects.filter(slug=organisation).first()
            if org is None:
                raise CommandError(f"No organisation with slug {organisation!r}.")
        letter = parse_letter(text)
        try:
            reply = reply_import(
                letter=letter,
                full_text=text,
                organisation=org,
                source_url=source_url,
                update=update,
            )
        except LetterImportError as error:
            raise CommandError(f"{file}: {error}") from error
        for warning in letter["warnings"]:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported reply #{reply.pk}: {reply.measures.count()} measures, "
                f"{reply.commitments.count()} commitments."
            )
        )
