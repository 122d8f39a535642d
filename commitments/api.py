"""Read-only JSON API of the published data (to be written: issue 4)."""

app_name = "api"
urlpatterns = []
