"""The project's URL configuration without the API (``api/v1/``), for tests of a layout whose
urlconf lacks an app: the footer's API link goes, every other link stays."""

from cmepath import urls as project

urlpatterns = [p for p in project.urlpatterns if str(p.pattern) != "api/v1/"]
