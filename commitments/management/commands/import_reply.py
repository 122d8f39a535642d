from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commitments.importing import LetterImportError, reply_import
from commitments.letters import LetterFileError, parse_letter
from commitments.letters.batch import LETTER_SUFFIXES, read_batch
from commitments.models import Organisation


class Command(BaseCommand):
    help = (
        "Import reply letters (.txt in UTF-8 or GB18030, .docx, text .pdf, or a .zip of them; "
        "files or folders): each letter all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_FOLDER")
        parser.add_argument(
            "--update", action="store_true", help="Replace a reply that was imported before."
        )
        parser.add_argument(
            "--organisation", metavar="SLUG", help="The replying organisation, if not the signer."
        )
        parser.add_argument("--source-url", default="", help="Where the letter was published.")

    def handle(self, *args, paths, update, organisation, source_url, **options):
        org = None
        if organisation:
            org = Organisation.objects.filter(slug=organisation).first()
            if org is None:
                raise CommandError(f"No organisation with slug {organisation!r}.")
        files = self._files(paths)
        try:
            letters = read_batch(self._contents(files), max_letters=100_000)
        except LetterFileError as error:
            raise CommandError(str(error)) from error
        failed = 0
        for letter_file in letters:
            try:
                if letter_file.error is not None:
                    raise LetterFileError(letter_file.error)
                self._import(letter_file.text, org, source_url, update)
            except (LetterFileError, LetterImportError) as error:
                if len(letters) == 1:
                    raise CommandError(f"{letter_file.name}: {error}") from error
                failed += 1
                self.stderr.write(self.style.ERROR(f"{letter_file.name}: {error}"))
        if failed:
            # Each letter was saved whole or not at all; say how many were not.
            raise CommandError(f"{failed} of {len(letters)} letters were not imported.")

    def _files(self, paths: list[Path]) -> list[Path]:
        """The files named, and every letter or .zip inside the folders named."""
        files = []
        for path in paths:
            if path.is_dir():
                files += sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in (*LETTER_SUFFIXES, ".zip")
                )
            elif path.exists():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or folder")
        return files

    def _contents(self, files: list[Path]):
        for path in files:
            try:
                yield str(path), path.read_bytes()
            except OSError as error:
                raise CommandError(f"{path}: {error.strerror}") from error

    def _import(self, text, org, source_url, update):
        letter = parse_letter(text)
        reply = reply_import(
            letter=letter,
            full_text=text,
            organisation=org,
            source_url=source_url,
            update=update,
        )
        for warning in letter["warnings"]:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported reply #{reply.pk}: {reply.measures.count()} measures, "
                f"{reply.commitments.count()} commitments."
            )
        )
