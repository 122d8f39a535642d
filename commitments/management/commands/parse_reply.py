import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commitments.letters import LetterFileError, extract_text, parse_letter


class Command(BaseCommand):
    help = "Print what the parser reads from a reply letter, without touching the database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, file, json: bool, **options):
        try:
            text = extract_text(file.read_bytes(), file.name)
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        except LetterFileError as error:
            raise CommandError(f"{file}: {error}") from error
        letter = parse_letter(text)
        if json:
            self.stdout.write(_dumps(letter))
            return
        for key, value in letter.items():
            if key in ("measures", "commitments"):
                self.stdout.write(f"{key}:")
                for position, item in enumerate(value, start=1):
                    due = f"  (due {item['target_date']}: {item['target_phrase']})"
                    due = due if item.get("target_phrase") else ""
                    self.stdout.write(f"  {position}. {item['title']}{due}")
            else:
                self.stdout.write(f"{key}: {value}")


def _dumps(letter):
    return json.dumps(letter, ensure_ascii=False, indent=2)
