"""The open-data shapes of the JSON API: published data only, never contact details or notes.

Every serializer names its fields explicitly, so a new model field never leaks by default. Texts
are read through the models' `public_…` properties, which withhold contact details (redaction.py).
"""

from rest_framework import serializers

from .models import (
    Commitment,
    Evidence,
    Measure,
    Organisation,
    ProgressUpdate,
    Proposal,
    Reply,
    Session,
)
from .redaction import reply_public_text


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["slug", "name", "short_name"]


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "body", "name", "year"]


class ProposalSerializer(serializers.ModelSerializer):
    session = SessionSerializer(read_only=True)
    lead_organisation = OrganisationSerializer(read_only=True)
    co_organisations = OrganisationSerializer(many=True, read_only=True)
    replies = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "kind",
            "session",
            "number",
            "title",
            "proposers",
            "lead_organisation",
            "co_organisations",
            "is_key",
            "assigned_date",
            "reply_due_date",
            "replies",
        ]


def public_text_field(source):
    return serializers.CharField(
        source=source, read_only=True, help_text="As written, with contact details withheld."
    )


class MeasureSerializer(serializers.ModelSerializer):
    text = public_text_field("public_text")

    class Meta:
        model = Measure
        fields = ["position", "title", "text"]


class ReplySerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer(read_only=True)
    measures = MeasureSerializer(many=True, read_only=True)
    commitments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    full_text = serializers.SerializerMethodField(
        help_text="The letter as received, with the contact person's name and phone withheld."
    )
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = [
            "id",
            "web_url",
            "proposal",
            "organisation",
            "round",
            "title",
            "document_number",
            "index_number",
            "signer",
            "reply_date",
            "published_date",
            "category",
            "source_url",
            "measures",
            "commitments",
            "full_text",
        ]

    def get_full_text(self, reply) -> str:
        return reply_public_text(reply)

    def get_web_url(self, reply) -> str:
        return self.context["request"].build_absolute_uri(reply.get_absolute_url())


class CommitmentSerializer(serializers.ModelSerializer):
    lead_organisation = OrganisationSerializer(read_only=True)
    co_organisations = OrganisationSerializer(many=True, read_only=True)
    promised_text = public_text_field("public_promised_text")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    is_stale = serializers.BooleanField(read_only=True)
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Commitment
        fields = [
            "id",
            "web_url",
            "reply",
            "position",
            "title",
            "promised_text",
            "lead_organisation",
            "co_organisations",
            "original_target_date",
            "current_target_date",
            "status",
            "status_label",
            "progress",
            "is_overdue",
            "is_stale",
            "last_published_at",
            "parent",
            "weight",
            "is_key",
        ]

    def get_web_url(self, commitment) -> str:
        return self.context["request"].build_absolute_uri(commitment.get_absolute_url())


class EvidenceSerializer(serializers.ModelSerializer):
    description = public_text_field("public_description")
    file = serializers.SerializerMethodField(help_text="Address of the uploaded file, if any.")

    class Meta:
        model = Evidence
        fields = ["description", "url", "file"]

    def get_file(self, evidence) -> str | None:
        if not evidence.file:
            return None
        # Files are served by a view that checks the update is published, not from /media/.
        return self.context["request"].build_absolute_uri(evidence.get_absolute_url())


class ProgressUpdateSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer(read_only=True)
    # A plain string, so the schema names the status vocabulary once (StatusEnum), not twice.
    status_before = serializers.CharField(
        read_only=True, help_text="The commitment's status key before this update was published."
    )
    evidence = EvidenceSerializer(many=True, read_only=True)
    text = public_text_field("public_text")
    reason = public_text_field("public_reason")
    target_date_reason = public_text_field("public_target_date_reason")

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "commitment",
            "as_of",
            "published_at",
            "organisation",
            "text",
            "status_before",
            "status",
            "progress",
            "reason",
            "new_target_date",
            "target_date_reason",
            "evidence",
        ]
