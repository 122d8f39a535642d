from django.urls import path

from .views import export, public

app_name = "commitments"

urlpatterns = [
    path("", public.OverviewView.as_view(), name="overview"),
    path("commitments/", public.CommitmentListView.as_view(), name="commitment_list"),
    path("commitments/export.csv", export.commitment_export, name="commitment_export"),
    path("commitments/<int:pk>/", public.CommitmentDetailView.as_view(), name="commitment"),
    path("replies/<int:pk>/", public.ReplyDetailView.as_view(), name="reply"),
    path(
        "organisations/<slug:slug>/",
        public.OrganisationDetailView.as_view(),
        name="organisation",
    ),
    path("methodology/", public.MethodologyView.as_view(), name="methodology"),
]
