"""The signed-in workspace, under /<lang>/workspace/."""

from django.urls import path

from .views import (
    batch_imports,
    corrections,
    history,
    imports,
    profile,
    queries,
    ratings,
    rehandlings,
    reports,
    subtargets,
    updates,
    workspace,
)

app_name = "workspace"
urlpatterns = [
    path("", workspace.HomeView.as_view(), name="home"),
    path("commitments/", workspace.CommitmentListView.as_view(), name="commitments"),
    path("commitments/<int:pk>/", workspace.CommitmentDetailView.as_view(), name="commitment"),
    path(
        "commitments/<int:pk>/updates/new/",
        updates.UpdateCreateView.as_view(),
        name="update_new",
    ),
    path(
        "commitments/<int:pk>/correct/",
        corrections.CommitmentCorrectView.as_view(),
        name="commitment_correct",
    ),
    path("replies/<int:pk>/correct/", corrections.ReplyCorrectView.as_view(), name="reply_correct"),
    path("commitments/<int:pk>/history/", history.HistoryView.as_view(), name="history"),
    path("commitments/<int:pk>/follow/", workspace.FollowView.as_view(), name="follow"),
    path("updates/<int:pk>/", updates.UpdateDetailView.as_view(), name="update"),
    path("updates/<int:pk>/edit/", updates.UpdateEditView.as_view(), name="update_edit"),
    path("updates/<int:pk>/submit/", updates.UpdateSubmitView.as_view(), name="update_submit"),
    path("updates/<int:pk>/publish/", updates.UpdatePublishView.as_view(), name="update_publish"),
    path("updates/<int:pk>/return/", updates.UpdateReturnView.as_view(), name="update_return"),
    path("updates/<int:pk>/review/", updates.ReviewView.as_view(), name="update_review"),
    path("evidence/<int:pk>/", updates.EvidenceFileView.as_view(), name="evidence"),
    path("replies/<int:pk>/rate/", ratings.RateReplyView.as_view(), name="rate_reply"),
    # The loop after a verdict: queries answered, re-handling rounds, sub-targets, email choices.
    path("queries/<int:pk>/answer/", queries.QueryAnswerView.as_view(), name="query_answer"),
    path(
        "queries/<int:pk>/follow-up/", queries.QueryFollowUpView.as_view(), name="query_follow_up"
    ),
    path("queries/<int:pk>/resolve/", queries.QueryResolveView.as_view(), name="query_resolve"),
    path("queries/<int:pk>/publish/", queries.QueryPublishView.as_view(), name="query_publish"),
    path(
        "rehandlings/<int:pk>/",
        rehandlings.RehandlingDetailView.as_view(),
        name="rehandling",
    ),
    path(
        "commitments/<int:pk>/sub-targets/",
        subtargets.SubTargetsView.as_view(),
        name="subtargets",
    ),
    path("profile/", profile.ProfileView.as_view(), name="profile"),
    # The year's report with what is not published yet: the office's.
    path("reports/", reports.OfficeReportIndexView.as_view(), name="report_index"),
    path("reports/<int:year>/", reports.OfficeReportView.as_view(), name="report"),
    path(
        "reports/<int:year>.xlsx",
        reports.OfficeReportWorkbookView.as_view(),
        name="report_workbook",
    ),
    # Reply import: paste or upload → editable preview → save.
    path("import/", imports.ImportView.as_view(), name="import"),
    path("import/save/", imports.ImportSaveView.as_view(), name="import_save"),
    # Many letters at once: upload → a row per letter → the ready ones saved together.
    path("import/batch/", batch_imports.BatchImportView.as_view(), name="import_batch"),
    path("import/batch/save/", batch_imports.BatchSaveView.as_view(), name="import_batch_save"),
]
