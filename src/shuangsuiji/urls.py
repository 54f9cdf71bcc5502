from django.urls import include, path

from shuangsuiji.api.api import api
from shuangsuiji.web.admin_site import admin_site

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin_site.urls),
    path("api/", api.urls),
    path("", include("shuangsuiji.web.urls")),
]
