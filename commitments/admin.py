from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Commitment,
    Evidence,
    Follow,
    Measure,
    Organisation,
    ProgressUpdate,
    Proposal,
    Rehandling,
    Reply,
    Review,
    SatisfactionRating,
    Session,
    User,
)


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", _("Overdue")), ("0", _("Not overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.overdue()
        if self.value() == "0":
            return queryset.exclude(pk__in=queryset.overdue().values("pk"))
        return queryset


class StaleFilter(admin.SimpleListFilter):
    title = _("stale")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("1", _("Stale")), ("0", _("Not stale"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.stale()
        if self.value() == "0":
            return queryset.exclude(pk__in=queryset.stale().values("pk"))
        return queryset


class OrganisationScopedAdmin(SimpleHistoryAdmin):
    """Bureau staff see and change only their own organisation's rows (DESIGN rule 4)."""

    organisation_lookups: tuple[str, ...] = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if user.is_superuser or user.is_office or not self.organisation_lookups:
            return queryset
        if not user.is_bureau_staff:
            return queryset.none()
        condition = Q()
        for lookup in self.organisation_lookups:
            condition |= Q(**{lookup: user.organisation})
        return queryset.filter(condition).distinct()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer (and accept) only rows the user may see, so nobody attaches a row of theirs to
        # another organisation's commitment, reply or proposal.
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if isinstance(related_admin, OrganisationScopedAdmin) and "queryset" not in kwargs:
            kwargs["queryset"] = related_admin.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "slug", "is_office"]
    list_filter = ["is_office"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["short_name"]}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "organisation",
        "is_active",
    ]
    list_filter = ["role", "organisation", "is_active", "is_staff"]
    list_select_related = ["organisation"]
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Role"), {"fields": ["role", "organisation"]}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("Role"), {"fields": ["role", "organisation"]}),
    )


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["name", "body", "year"]
    list_filter = ["body", "year"]
    search_fields = ["name"]


@admin.register(Proposal)
class ProposalAdmin(OrganisationScopedAdmin):
    organisation_lookups = ("lead_organisation", "co_organisations", "replies__organisation")
    list_display = ["number", "title", "kind", "session", "lead_organisation", "is_key"]
    list_display_links = ["number", "title"]
    list_filter = ["kind", "session", "lead_organisation", "is_key"]
    list_select_related = ["session", "lead_organisation"]
    search_fields = ["title", "number"]
    autocomplete_fields = ["session", "lead_organisation", "co_organisations"]


class MeasureInline(admin.StackedInline):
    model = Measure
    extra = 0
    fields = ["position", "title", "text"]


class CommitmentInline(admin.StackedInline):
    model = Commitment
    extra = 0
    fields = [
        "position",
        "title",
        "promised_text",
        "lead_organisation",
        "original_target_date",
        "status",
        "progress",
    ]
    readonly_fields = ["status", "progress"]
    show_change_link = True


@admin.register(Reply)
class ReplyAdmin(OrganisationScopedAdmin):
    organisation_lookups = ("organisation",)
    list_display = ["__str__", "organisation", "reply_date", "published_date", "category", "round"]
    list_filter = ["category", "organisation", "proposal__session", "round"]
    list_select_related = ["organisation", "proposal__session"]
    search_fields = ["title", "full_text", "index_number", "document_number", "proposal__title"]
    date_hierarchy = "reply_date"
    autocomplete_fields = ["proposal", "organisation"]
    inlines = [MeasureInline, CommitmentInline]
    fieldsets = [
        (None, {"fields": ["proposal", "organisation", "round", "title", "category"]}),
        (
            _("Document"),
            {
                "fields": [
                    "document_number",
                    "index_number",
                    "signer",
                    "reply_date",
                    "published_date",
                    "source_url",
                    "full_text",
                ]
            },
        ),
        (_("Contact (internal)"), {"fields": ["contact_name", "contact_phone"]}),
    ]


class ProgressUpdateInline(admin.StackedInline):
    model = ProgressUpdate
    extra = 0
    fields = ["as_of", "text", "status", "progress", "state", "author", "published_at"]
    readonly_fields = ["state", "author", "published_at"]
    show_change_link = True

    # Updates are entered and edited on their own page, where the publish rules apply.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Commitment)
class CommitmentAdmin(OrganisationScopedAdmin):
    organisation_lookups = ("lead_organisation", "co_organisations")
    list_display = [
        "title",
        "proposal_label",
        "lead_organisation",
        "status",
        "progress",
        "current_target_date",
        "last_published_at",
    ]
    list_filter = [
        "status",
        OverdueFilter,
        StaleFilter,
        "lead_organisation",
        "session",
        "is_key",
    ]
    list_select_related = ["reply__organisation", "reply__proposal__session", "lead_organisation"]
    search_fields = ["title", "promised_text", "reply__proposal__title"]
    autocomplete_fields = ["reply", "lead_organisation", "co_organisations", "parent"]
    readonly_fields = ["status", "progress", "last_published_at"]
    inlines = [ProgressUpdateInline]
    # The public list's default order, which an index serves (Commitment.Meta.indexes).
    ordering = [F("last_published_at").desc(nulls_last=True), "-reply_id", "position"]
    # "N of M selected" would need a second COUNT over the whole table on every page.
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).defer("reply__full_text")

    @admin.display(description=_("proposal"))
    def proposal_label(self, commitment):
        # The whole reply title would crowd the list; session and number identify it.
        proposal = commitment.reply.proposal
        if not proposal.number:
            return proposal.session or proposal.title[:30]
        return _("%(session)s No. %(number)s") % {
            "session": proposal.session or "",
            "number": proposal.number,
        }

    def get_search_results(self, request, queryset, search_term):
        # The public list's search (a subquery for the proposal title rather than a join, no
        # case folding for Chinese), every word required.
        for word in search_term.split():
            queryset = queryset.search(word)
        return queryset, False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj and obj.original_target_date:
            fields.append("original_target_date")
        return fields


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 1


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(OrganisationScopedAdmin):
    organisation_lookups = ("organisation", "commitment__lead_organisation")
    list_display = ["commitment", "as_of", "status", "progress", "state", "organisation", "author"]
    list_filter = ["state", "status", "organisation"]
    list_select_related = ["commitment", "organisation", "author"]
    # The model's reading order with a tie-break, which an index serves (ProgressUpdate.Meta).
    ordering = ["-as_of", "-created_at", "-id"]
    show_full_result_count = False
    search_fields = ["text", "commitment__title"]
    autocomplete_fields = ["commitment"]
    readonly_fields = ["state", "status_before", "submitted_at", "published_at", "published_by"]
    inlines = [EvidenceInline]
    actions = ["publish_selected"]

    @admin.action(description=_("Publish selected updates"))
    def publish_selected(self, request, queryset):
        published = 0
        for update in queryset.exclude(state=ProgressUpdate.State.PUBLISHED):
            try:
                update.publish(by=request.user)
                published += 1
            except ValidationError as error:
                self.message_user(request, f"{update}: {'; '.join(error.messages)}", "error")
        self.message_user(request, _("%(count)d updates published.") % {"count": published})

    def has_publish_permission(self, request):
        return request.user.is_office

    publish_selected.allowed_permissions = ["publish"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
            obj.organisation = obj.organisation or request.user.organisation
        super().save_model(request, obj, form, change)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["update", "member", "verdict", "created_at"]
    list_filter = ["verdict"]
    search_fields = ["comment", "update__text"]
    list_select_related = ["update__commitment", "member"]


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(admin.ModelAdmin):
    list_display = ["reply", "member", "handling", "outcome", "created_at"]
    list_filter = ["handling", "outcome"]
    search_fields = ["comment", "reply__title"]
    list_select_related = ["reply", "member"]


@admin.register(Rehandling)
class RehandlingAdmin(admin.ModelAdmin):
    list_display = ["proposal", "round", "due_date", "opened_at", "closed_at"]
    list_select_related = ["proposal__session"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "commitment", "created_at"]
    list_select_related = ["user", "commitment"]
