from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_department, views_targets

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("oversight/", views.oversight, name="oversight"),
    path("workspace/", views.workspace, name="workspace"),
    path("my/", views.my_home, name="my"),
    path("items/", views.item_list, name="item_list"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("inspectors/", views.inspector_list, name="inspector_list"),
    path("inspectors/<int:pk>/", views.inspector_detail, name="inspector_detail"),
    path("targets/", views_targets.target_list, name="target_list"),
    path("audit/", views.audit_list, name="audit_list"),
    path("public/", views.public_home, name="public_home"),
    path("public/items/<int:department_id>/", views.public_items, name="public_items"),
    path(
        "departments/<int:department_id>/items/publish/",
        views_department.item_list_publish,
        name="item_list_publish",
    ),
    path("departments/<int:department_id>/rules/", views_department.rules_edit, name="rules_edit"),
    path("rules/<int:pk>/publish/", views_department.rules_publish, name="rules_publish"),
    path(
        "departments/<int:department_id>/library/",
        views_department.library_edit,
        name="library_edit",
    ),
    path(
        "inspectors/<int:pk>/conflicts/",
        views_department.inspector_conflicts,
        name="inspector_conflicts",
    ),
    path("inspectors/<int:pk>/status/", views_department.inspector_status, name="inspector_status"),
    path(
        "public/departments/<int:department_id>/",
        views_department.public_department,
        name="public_department",
    ),
    path("healthz", views.healthz, name="healthz"),
]
