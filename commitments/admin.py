"""Django's admin: the supervising office's tool, held to the same rules as the workspace.

Bureau staff and members have no admin (admin_site.py). What the office changes here goes through
`workflow.py`: corrections are checked for permission and for a newer edit (the form carries the
row's version), progress updates are never edited in place (DESIGN rule 6) and are published only
from the submitted state, and only superusers change admin rights.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import workflow
from .kept import fragment_context
from .models import (
    Commitment,
    EditConflict,
    Evidence,
    Follow,
    Measure,
    Organisation,
    ProgressUpdate,
    Proposal,
    Proposer,
    Rehandling,
    Reply,
    Review,
    ReviewMessage,
    SatisfactionRating,
    Session,
    User,
)
from .permissions import (
    can_change_account,
    can_change_role,
    can_decide_updates,
    can_link_proposers,
)
from .roles import assign_role
from .tallies import count_of

EDIT_CONFLICT = _(
    "Someone else changed this record after you opened it. Your changes were not saved: "
    "the form now shows the current version; make your changes again."
)


class CommitmentChangeList(ChangeList):
    """The commitment list reads only the columns it shows, of 50 rows of five joined tables."""

    COLUMNS = [
        "title",
        "status",
        "progress",
        "current_target_date",
        "last_published_at",
        "lead_organisation__name",
        "lead_organisation__short_name",
        "reply__proposal__number",
        "reply__proposal__title",
        "reply__proposal__session__name",
    ]

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).only(*self.COLUMNS)

    def get_results(self, request):
        super().get_results(request)
        # "0 of N selected" needs only the page's length, which the count gives: the rows are
        # read when the list is rendered, and not at all when the rendered list is kept.
        if self.multi_page and not self.show_all:
            shown = self.result_count - (self.page_num - 1) * self.list_per_page
            length = max(0, min(self.list_per_page, shown))
        else:
            length = self.result_count
        self.result_list = PageRows(self.result_list, length)


class PageRows:
    """A page of the changelist, read when first iterated, of a length known beforehand."""

    def __init__(self, rows, length):
        self.rows = rows
        self.length = length

    def __len__(self):
        return self.length

    def __iter__(self):
        return iter(self.rows)


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


class VersionedForm(forms.ModelForm):
    """Carries the version of the row it was loaded from, as the workspace's forms do."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["edit_version"].required = True
            self.fields["edit_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("edit_version")
        if self.instance.pk and expected is not None:
            current = (
                type(self.instance)
                .objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current != expected:
                raise ValidationError(EDIT_CONFLICT, code="edit_conflict")
        return cleaned


class RecordAdmin(SimpleHistoryAdmin):
    """A record an import created and the office may correct, through `workflow.record_correct`."""

    form = VersionedForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        first_name, first = fieldsets[0]
        fields = [*first["fields"], "edit_version"]
        return [(first_name, {**first, "fields": fields}), *fieldsets[1:]]

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        # The row and then its many-to-many relations are written under the lock taken here.
        workflow.record_correct(
            record=obj,
            by=request.user,
            version=form.cleaned_data.get("edit_version"),
            save=lambda: admin.ModelAdmin.save_model(self, request, obj, form, change),
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # The transaction was rolled back; show the current version.
            self.message_user(request, EDIT_CONFLICT, messages.ERROR)
            return HttpResponseRedirect(request.path)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting to an old version would overwrite the record without the rules' checks.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnly:
    """Shown, never written here: no add, change or delete for anyone."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    """Records that members or bureaus own: the office reads them here, changes them nowhere."""


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "slug", "is_office"]
    list_filter = ["is_office"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["short_name"]}


# Rights that only a superuser grants: the office must not raise its own or anyone's.
ADMIN_RIGHTS_FIELDS = ["is_superuser", "is_staff", "groups", "user_permissions"]
ROLE_FIELDS = ["role", "organisation", "is_active"]


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
    list_filter = ["role", "organisation", "is_active"]
    list_select_related = ["organisation"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Role"), {"fields": ["role", "organisation", "filing_names"]}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("Role"), {"fields": ["role", "organisation", "filing_names"]}),
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = ["last_login", "date_joined"]
        if not request.user.is_superuser:
            readonly += ADMIN_RIGHTS_FIELDS
        if obj is not None and not can_change_role(request.user, obj):
            readonly += ROLE_FIELDS
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and not can_change_account(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, not deleted: their updates and reviews keep an author.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change and not can_change_account(request.user, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)
        role_changed = not change or {"role", "organisation"} & set(form.changed_data)
        if role_changed and obj.role:
            # The role decides admin access and permissions; nothing else may grant them.
            assign_role(obj, obj.role, obj.organisation)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["name", "body", "year"]
    list_filter = ["body", "year"]
    search_fields = ["name"]


@admin.register(Proposal)
class ProposalAdmin(RecordAdmin):
    list_display = ["number", "title", "kind", "session", "lead_organisation", "is_key"]
    list_display_links = ["number", "title"]
    list_filter = ["kind", "session", "lead_organisation", "is_key"]
    list_select_related = ["session", "lead_organisation"]
    search_fields = ["title", "number"]
    autocomplete_fields = ["session", "lead_organisation", "co_organisations"]
    fields = [
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
    ]


class MeasureInline(admin.StackedInline):
    model = Measure
    extra = 0
    fields = ["position", "title", "text"]


class CommitmentInline(ReadOnly, admin.StackedInline):
    """The reply's commitments, each corrected on its own page where its version is checked."""

    model = Commitment
    extra = 0
    fields = ["position", "title", "lead_organisation", "status", "progress"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Reply)
class ReplyAdmin(RecordAdmin):
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


class ProgressUpdateInline(ReadOnly, admin.StackedInline):
    """Updates are written in the workspace by the bureau; the office publishes or returns them."""

    model = ProgressUpdate
    extra = 0
    fields = ["as_of", "text", "status", "progress", "state", "author", "published_at"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


# The changelist's filters that the kept counts answer (tallies.py), and their arguments.
KEPT_COUNT_FILTERS = {
    "status__exact": "status",
    "lead_organisation__id__exact": "lead_organisation",
    "session__id__exact": "session",
}


@admin.register(Commitment)
class CommitmentAdmin(RecordAdmin):
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
    list_select_related = ["reply__proposal__session", "lead_organisation"]
    search_fields = ["title", "promised_text", "reply__proposal__title"]
    autocomplete_fields = ["reply", "lead_organisation", "co_organisations", "parent"]
    fields = [
        "reply",
        "position",
        "title",
        "promised_text",
        "lead_organisation",
        "co_organisations",
        "original_target_date",
        "current_target_date",
        "status",
        "progress",
        "parent",
        "weight",
        "is_key",
        "last_published_at",
    ]
    # Status, progress and the current date move only through published updates (DESIGN rule 2).
    readonly_fields = ["status", "progress", "current_target_date", "last_published_at"]
    inlines = [ProgressUpdateInline]
    # The public list's default order, which an index serves (Commitment.Meta.indexes).
    ordering = [F("last_published_at").desc(nulls_last=True), "-reply_id", "position"]
    # "N of M selected" would need a second COUNT over the whole table on every page.
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).defer("reply__full_text")

    def get_changelist(self, request, **kwargs):
        return CommitmentChangeList

    def changelist_view(self, request, extra_context=None):
        # The rows are the same for every account with the same permissions until something
        # changes: kept as the workspace's lists are (kept.py), per address and language.
        user = request.user
        scope = "superuser" if user.is_superuser else ",".join(sorted(user.get_all_permissions()))
        extra_context = {
            **(extra_context or {}),
            **fragment_context(signed_in=True),
            "kept_scope": scope,
        }
        return super().changelist_view(request, extra_context)

    def get_paginator(self, request, queryset, *args, **kwargs):
        paginator = super().get_paginator(request, queryset, *args, **kwargs)
        # Unfiltered, or by status, organisation or session: the number from the kept counts.
        filters = {name: value for name, value in request.GET.items() if name not in {"o", "p"}}
        known = None
        if set(filters) <= set(KEPT_COUNT_FILTERS):
            try:
                known = count_of(**{KEPT_COUNT_FILTERS[name]: v for name, v in filters.items()})
            except ValueError:  # a malformed id: the changelist refuses it
                known = None
        if known is not None:
            paginator.count = known
        return paginator

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


class EvidenceInline(ReadOnly, admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["description", "url", "file"]
    readonly_fields = fields


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnly, SimpleHistoryAdmin):
    """Read-only: updates are written in the workspace, and a published one is never edited."""

    list_display = ["commitment", "as_of", "status", "progress", "state", "organisation", "author"]
    list_filter = ["state", "status", "organisation"]
    list_select_related = ["commitment", "organisation", "author"]
    # The model's reading order with a tie-break, which an index serves (ProgressUpdate.Meta).
    ordering = ["-as_of", "-created_at", "-id"]
    show_full_result_count = False
    search_fields = ["text", "commitment__title"]
    inlines = [EvidenceInline]
    actions = ["publish_selected"]

    def get_queryset(self, request):
        # Bureau drafts stay with the bureau, here as in the workspace.
        return super().get_queryset(request).visible_to(request.user)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_publish_permission(self, request):
        return can_decide_updates(request.user)

    @admin.action(description=_("Publish selected submitted updates"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        published, skipped = 0, 0
        for update in queryset.select_related("commitment"):
            if update.state != ProgressUpdate.State.SUBMITTED:
                skipped += 1
                continue
            try:
                workflow.update_publish(update=update, by=request.user)
                published += 1
            except (ValidationError, EditConflict, PermissionDenied) as error:
                reason = "; ".join(getattr(error, "messages", [])) or _("changed meanwhile")
                self.message_user(request, f"{update}: {reason}", messages.ERROR)
        self.message_user(request, _("%(count)d updates published.") % {"count": published})
        if skipped:
            self.message_user(
                request,
                _("%(count)d updates were not submitted and were left as they are.")
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["update", "member", "verdict", "created_at"]
    list_filter = ["verdict"]
    search_fields = ["comment", "update__text"]
    list_select_related = ["update__commitment", "member"]


@admin.register(ReviewMessage)
class ReviewMessageAdmin(ReadOnlyAdmin):
    list_display = ["review", "author", "organisation", "created_at"]
    search_fields = ["text"]
    list_select_related = ["review__member", "author", "organisation"]


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(ReadOnlyAdmin):
    list_display = ["reply", "member", "handling", "outcome", "created_at"]
    list_filter = ["handling", "outcome"]
    search_fields = ["comment", "reply__title"]
    list_select_related = ["reply", "member"]


@admin.register(Rehandling)
class RehandlingAdmin(admin.ModelAdmin):
    list_display = ["proposal", "round", "due_date", "opened_at", "closed_at"]
    list_select_related = ["proposal__session"]
    autocomplete_fields = ["proposal"]
    raw_id_fields = ["rating"]


@admin.register(Proposer)
class ProposerAdmin(admin.ModelAdmin):
    """Which member a proposer's name stands for: the import proposes, the office confirms or
    picks another (through `workflow.proposer_confirm`, which also makes the member follow)."""

    list_display = ["name", "proposal", "member", "confirmed_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["proposal__session", "member"]
    search_fields = ["name", "proposal__title", "member__username", "member__first_name"]
    fields = ["proposal", "name", "member", "confirmed_at"]
    readonly_fields = ["proposal", "name", "confirmed_at"]
    actions = ["confirm_selected"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "member":
            kwargs["queryset"] = User.objects.filter(role=User.Role.MEMBER, is_active=True)
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return can_link_proposers(request.user)

    def has_view_permission(self, request, obj=None):
        return can_link_proposers(request.user)

    def has_change_permission(self, request, obj=None):
        return can_link_proposers(request.user)

    def has_add_permission(self, request):
        return False  # links come from the proposal's names (the import), one per name

    def has_delete_permission(self, request, obj=None):
        return False

    def has_confirm_permission(self, request):
        return can_link_proposers(request.user)

    def save_model(self, request, obj, form, change):
        workflow.proposer_confirm(link=obj, member=obj.member, by=request.user)

    @admin.action(description=_("Confirm the proposed members"), permissions=["confirm"])
    def confirm_selected(self, request, queryset):
        confirmed = 0
        for link in queryset.awaiting_confirmation().select_related("member"):
            workflow.proposer_confirm(link=link, member=link.member, by=request.user)
            confirmed += 1
        self.message_user(request, _("%(count)d proposers confirmed.") % {"count": confirmed})


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdmin):
    list_display = ["user", "commitment", "created_at"]
    list_select_related = ["user", "commitment"]
