from django.urls import path

from .views import api_docs, export, public, reports

app_name = "commitments"

urlpatterns = [
    path("", public.OverviewView.as_view(), name="overview"),
    path("commitments/", public.CommitmentListView.as_view(), name="commitment_list"),
    path("commitments/export.csv", export.commitment_export, name="commitment_export"),
    path("commitments/export.xlsx", export.commitment_export_xlsx, name="commitment_export_xlsx"),
    path("commitments/<int:pk>/", public.CommitmentDetailView.as_view(), name="commitment"),
    path("replies/<int:pk>/", public.ReplyDetailView.as_view(), name="reply"),
    path(
        "organisations/<slug:slug>/",
        public.OrganisationDetailView.as_view(),
        name="organisation",
    ),
    path("methodology/", public.MethodologyView.as_view(), name="methodology"),
    path("api/", api_docs.ApiDocsView.as_view(), name="api_docs"),
    path("reports/", reports.ReportIndexView.as_view(), name="report_index"),
    path("reports/<int:year>/", reports.ReportView.as_view(), name="report"),
    path("reports/<int:year>.xlsx", reports.ReportWorkbookView.as_view(), name="report_workbook"),
]
