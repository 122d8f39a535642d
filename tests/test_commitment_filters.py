"""The list's filters: each FilterSet filters with its own values, however many are made at
once (commitments/filters.py copies the class's filters rather than deep-copying them)."""

from commitments.filters import CommitmentFilter
from commitments.models import Commitment, Organisation, Status


def test_filtersets_made_together_each_filter_with_their_own_values(reply, bureau, other_bureau):
    led = Commitment.objects.create(
        reply=reply, position=1, title="甲", promised_text="……", lead_organisation=bureau
    )
    other = Commitment.objects.create(
        reply=reply, position=2, title="乙", promised_text="……", lead_organisation=other_bureau,
        status=Status.COMPLETED,
    )  # fmt: skip
    by_bureau = CommitmentFilter({"organisation": bureau.slug})
    by_other = CommitmentFilter({"organisation": other_bureau.slug})
    completed = CommitmentFilter({"status": "completed"})
    unknown = CommitmentFilter({"organisation": "no-such-bureau"})
    assert list(by_other.qs) == [other]
    assert list(by_bureau.qs) == [led]
    assert list(completed.qs) == [other]
    assert not unknown.is_valid()
    assert "organisation" in unknown.errors
    for filterset in (by_bureau, by_other, completed):
        assert all(f.parent is filterset for f in filterset.filters.values())
    # The class's own filters are left as they were: no FilterSet of their own.
    assert not any(hasattr(f, "parent") for f in CommitmentFilter.base_filters.values())
    assert list(CommitmentFilter({"organisation": bureau.slug}).qs) == [led]


def test_filter_forms_one_after_another_each_check_their_own_values(bureau):
    """The forms share their fields' options (CopiedFields), never what one form was given or
    found: an organisation added between two requests is a valid choice in the second."""
    unknown = CommitmentFilter({"organisation": "new-bureau", "year": "1900"})
    assert not unknown.is_valid()
    assert set(unknown.errors) == {"organisation", "year"}

    Organisation.objects.create(name="新设局", slug="new-bureau")
    known = CommitmentFilter({"organisation": "new-bureau", "status": "completed"})
    plain = CommitmentFilter({"organisation": bureau.slug})

    assert known.is_valid() and plain.is_valid()
    assert known.form.cleaned_data["organisation"].slug == "new-bureau"
    assert plain.form.cleaned_data["organisation"] == bureau
    assert plain.form.cleaned_data["status"] == ""
    assert not unknown.is_valid()  # its own errors, kept
