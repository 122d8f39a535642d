"""The signed-in workspace (to be written: issue 5)."""

app_name = "workspace"
urlpatterns = []
