"""The lived-in demo: load_demo adds invented sample data (示例数据) in every status and state,
marked as such in public, loaded once however often it runs; remove_demo takes exactly it away."""

from io import StringIO

import pytest
from django.core.management import call_command

from commitments.models import (
    Commitment,
    Measure,
    Organisation,
    ProgressUpdate,
    Proposal,
    Rehandling,
    Reply,
    Review,
    SatisfactionRating,
    Status,
    User,
)

pytestmark = pytest.mark.django_db


def load_demo():
    call_command("load_demo", stdout=StringIO())


def real_letter():
    """What the seed letter alone leaves in the database."""
    return {
        "proposals": list(Proposal.objects.values_list("pk", "title")),
        "replies": list(Reply.objects.values_list("pk", "index_number")),
        "commitments": list(Commitment.objects.values_list("pk", "promised_text", "status")),
        "measures": list(Measure.objects.values_list("pk", "text")),
        "organisations": list(Organisation.objects.values_list("pk", "slug")),
    }


def test_a_fresh_demo_shows_every_status_every_state_and_a_report(client):
    load_demo()

    assert set(Commitment.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(ProgressUpdate.objects.values_list("state", flat=True)) == set(
        ProgressUpdate.State.values
    )
    assert Commitment.objects.overdue().exists() and Commitment.objects.stale().exists()
    assert Commitment.objects.filter(parent__isnull=False, last_published_at__isnull=False)
    assert Review.objects.exists() and SatisfactionRating.objects.exists()
    assert Rehandling.objects.exists() and Reply.objects.filter(round=2).exists()
    assert ProgressUpdate.objects.filter(evidence__url__startswith="https://").exists()
    member = User.objects.get(username="member")
    assert Proposal.objects.proposed_by(member).filter(is_sample=True).count() == 2
    assert Proposal.objects.proposed_by(member).filter(is_sample=False).count() == 1
    assert {u.role for u in User.objects.all()} == set(User.Role.values)

    report = client.get("/en/reports/2024/")
    assert report.status_code == 200
    assert "示例交通局" in report.content.decode() or "示例区交通运输局" in report.content.decode()
    sample = Commitment.objects.filter(reply__proposal__is_sample=True, status="completed").get()
    page = client.get(sample.get_absolute_url()).content.decode()
    assert "Sample data" in page
    real = Commitment.objects.filter(reply__proposal__is_sample=False).first()
    assert "Sample data" not in client.get(real.get_absolute_url()).content.decode()


def test_loading_the_demo_twice_duplicates_nothing():
    load_demo()
    counts = [model.objects.count() for model in (Proposal, Reply, Commitment, ProgressUpdate)]

    load_demo()

    assert [m.objects.count() for m in (Proposal, Reply, Commitment, ProgressUpdate)] == counts


def test_remove_demo_leaves_exactly_the_real_letter():
    load_demo()
    # What the seed letter alone gives, to compare with.
    sample_free = {
        "proposals": list(Proposal.objects.filter(is_sample=False).values_list("pk", "title")),
        "replies": list(
            Reply.objects.filter(proposal__is_sample=False).values_list("pk", "index_number")
        ),
        "commitments": list(
            Commitment.objects.filter(reply__proposal__is_sample=False).values_list(
                "pk", "promised_text", "status"
            )
        ),
        "measures": list(
            Measure.objects.filter(reply__proposal__is_sample=False).values_list("pk", "text")
        ),
        "organisations": list(
            Organisation.objects.filter(is_sample=False).values_list("pk", "slug")
        ),
    }

    call_command("remove_demo", stdout=StringIO())

    left = real_letter()
    assert left == sample_free
    assert len(left["replies"]) == 1 and len(left["commitments"]) == 4
    assert set(User.objects.values_list("username", flat=True)) == {"staff", "office", "member"}
    assert not ProgressUpdate.objects.exists() and not SatisfactionRating.objects.exists()
