"""`manage.py import_reply` and the import function behind it: all or nothing."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from commitments import importing
from commitments.models import Commitment, Measure, Organisation, Proposal, Reply, Session
from tests.conftest import SEED_LETTER

SEED_COMMITMENT_TITLES = [
    "加强政策引领,推动产业高质量发展",
    "开展精准招商,强化龙头企业引领",
    "提高创新能力,持续攻关核心技术",
    "优化产业生态,营造良好发展环境",
]


def test_import_reply_saves_the_seed_letter(db):
    call_command("import_reply", str(SEED_LETTER))

    reply = Reply.objects.get()
    assert reply.organisation.name == "无锡高新区(新吴区)工业和信息化局"
    assert reply.index_number == "014032126/2024-01636"
    assert str(reply.reply_date) == "2024-07-23"
    assert str(reply.published_date) == "2024-08-16"
    assert reply.proposal.number == "20"
    assert reply.proposal.session.name == "区政协二届三次会议"
    assert reply.proposal.proposers == ["袁伟"]
    assert reply.proposal.title == "关于推动无锡高新区人工智能产业高质量集聚发展的建议"
    assert reply.measures.count() == 5
    commitments = list(reply.commitments.order_by("position"))
    assert [c.title for c in commitments] == SEED_COMMITMENT_TITLES
    # The promised text is the letter's own words.
    for commitment in commitments:
        assert commitment.promised_text in SEED_LETTER.read_text(encoding="utf-8")
        assert commitment.status == "not_assessed"


def test_import_reply_stores_the_letters_own_heading_as_reply_title(db):
    call_command("import_reply", str(SEED_LETTER))

    assert Reply.objects.get().title == "对区政协二届三次会议第20号提案的答复函"


def test_importing_the_same_letter_twice_does_not_duplicate_it(db):
    call_command("import_reply", str(SEED_LETTER))
    with translation.override("en"), pytest.raises(CommandError, match="already been imported"):
        call_command("import_reply", str(SEED_LETTER))
    assert Reply.objects.count() == 1
    assert Commitment.objects.count() == 4

    call_command("import_reply", str(SEED_LETTER), "--update")
    assert Reply.objects.count() == 1
    assert Commitment.objects.count() == 4


def test_import_failing_halfway_leaves_no_rows(db, monkeypatch):
    saved = []
    original_save = Commitment.save

    def fail_on_third_commitment(self, *args, **kwargs):
        saved.append(self.title)
        if len(saved) == 3:
            raise RuntimeError("disk full")
        original_save(self, *args, **kwargs)

    monkeypatch.setattr(Commitment, "save", fail_on_third_commitment)
    with pytest.raises(RuntimeError):
        call_command("import_reply", str(SEED_LETTER))

    assert len(saved) == 3
    for model in (Organisation, Session, Proposal, Reply, Measure, Commitment):
        assert model.objects.count() == 0, model.__name__


def test_unreadable_file_is_refused_and_writes_nothing(db, tmp_path):
    bogus = tmp_path / "letter.pdf"
    bogus.write_bytes(b"%PDF-1.4 not a letter")
    with pytest.raises(CommandError):
        call_command("import_reply", str(bogus))
    missing = tmp_path / "missing.txt"
    with pytest.raises(CommandError):
        call_command("import_reply", str(missing))
    assert Reply.objects.count() == 0


def test_letter_without_organisation_is_refused(db):
    with pytest.raises(importing.LetterImportError):
        importing.reply_import(letter={"title": "关于某事的建议"}, full_text="…")
    assert Proposal.objects.count() == 0


def test_load_demo_twice_does_not_duplicate(db, capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    call_command("load_demo")
    second = capsys.readouterr().out
    real = Reply.objects.filter(proposal__is_sample=False)
    assert real.count() == 1
    assert Commitment.objects.filter(reply__in=real).count() == 4
    assert first.count("password") == 6  # three users, and three for the sample data
    assert "password" not in second.replace("its password was printed once", "")


def test_staff_cannot_import_a_reply_in_another_bureaus_name(seed_text, staff_user, other_bureau):
    from django.core.exceptions import PermissionDenied

    from commitments.importing import reply_import
    from commitments.letters import parse_letter

    with pytest.raises(PermissionDenied):
        reply_import(
            letter=parse_letter(seed_text),
            full_text=seed_text,
            organisation=other_bureau,
            by=staff_user,
        )

    assert not Reply.objects.exists()
