from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_account, views_department, views_targets

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views_account.LoginView.as_view(), name="login"),
    path("account/", views_account.account, name="account"),
    path("account/password/", views_account.password_change, name="password_change"),
    path("account/two-factor/", views_account.otp_enrol, name="otp_enrol"),
    path("account/two-factor/off/", views_account.otp_disable, name="otp_disable"),
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

# Task documents: published files (byte for byte, for `shuangsuiji verify`), notices, lists.
from . import views_documents as docs  # noqa: E402 - appended block, kept apart from the rest

urlpatterns += [
    path("tasks/<int:pk>/population.csv", docs.task_population, name="task_population"),
    path("tasks/<int:pk>/exclusions.csv", docs.task_exclusions, name="task_exclusions"),
    path("tasks/<int:pk>/draw.json", docs.task_draw_record, name="task_draw_record"),
    path(
        "tasks/<int:pk>/draws/<int:sequence>.json",
        docs.task_draw_record_sequence,
        name="task_draw_record_sequence",
    ),
    path(
        "tasks/<int:pk>/matching-inputs.json",
        docs.task_matching_inputs,
        name="task_matching_inputs",
    ),
    path("tasks/<int:pk>/matching.json", docs.task_matching_record, name="task_matching_record"),
    path("tasks/<int:pk>/notices.pdf", docs.task_notices, name="task_notices"),
    path("tasks/<int:pk>/notices/<int:position>.pdf", docs.task_notice, name="task_notice"),
    path("tasks/<int:pk>/notices/<int:position>/", docs.task_notice_html, name="task_notice_html"),
    path(
        "tasks/<int:pk>/inspectors/<int:inspector_id>/assignments/",
        docs.inspector_assignments,
        name="inspector_assignments",
    ),
    path(
        "tasks/<int:pk>/inspectors/<int:inspector_id>/assignments.pdf",
        docs.inspector_assignments_pdf,
        name="inspector_assignments_pdf",
    ),
]

# Annual plans and tasks in their fixed order: plan → task → freeze → ceremony/draw → matching
# → recusal; targeted checks, commissions; the public plan and task announcement pages.
from . import views_plans, views_tasks  # noqa: E402 - appended block, kept apart from the rest

urlpatterns += [
    path("plans/", views_plans.plan_list, name="plan_list"),
    path("departments/<int:department_id>/plans/new/", views_plans.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views_plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views_plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/submit/", views_plans.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/approve/", views_plans.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/amend/", views_plans.plan_amend, name="plan_amend"),
    path("public/plans/", views_plans.public_plan_list, name="public_plan_list"),
    path("public/plans/<int:pk>/", views_plans.public_plan_detail, name="public_plan_detail"),
    path("tasks/", views_tasks.task_list, name="task_list"),
    path("departments/<int:department_id>/tasks/new/", views_tasks.task_create, name="task_create"),
    path("tasks/<int:pk>/", views_tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/freeze/", views_tasks.task_freeze, name="task_freeze"),
    path("tasks/<int:pk>/ceremony/", views_tasks.task_ceremony, name="task_ceremony"),
    path("tasks/<int:pk>/draw/", views_tasks.task_draw, name="task_draw"),
    path("tasks/<int:pk>/redraw/", views_tasks.task_redraw, name="task_redraw"),
    path("tasks/<int:pk>/match/", views_tasks.task_match, name="task_match"),
    path("tasks/<int:pk>/dispatch/", views_tasks.task_dispatch, name="task_dispatch"),
    path("tasks/<int:pk>/commissions/", views_tasks.task_commissions, name="task_commissions"),
    path("assignments/<int:pk>/recuse/", views_tasks.assignment_recuse, name="assignment_recuse"),
    path(
        "departments/<int:department_id>/targeted-checks/",
        views_tasks.targeted_checks,
        name="targeted_checks",
    ),
    path("public/tasks/", views_tasks.public_task_list, name="public_task_list"),
    path("public/tasks/<int:pk>/", views_tasks.public_task_detail, name="public_task_detail"),
]

# Import and export (导入导出): upload, check, preview, confirm; templates and exports.
from . import views_import  # noqa: E402 - appended block, kept apart from the rest

urlpatterns += [
    path("import/", views_import.import_home, name="import_home"),
    path("import/jobs/<int:pk>/", views_import.import_job, name="import_job"),
    path("import/jobs/<int:pk>/status/", views_import.import_job_status, name="import_job_status"),
    path("import/jobs/<int:pk>/apply/", views_import.import_job_apply, name="import_job_apply"),
    path(
        "import/template/<str:kind>.<str:fmt>",
        views_import.import_template,
        name="import_template",
    ),
    path("export/<str:kind>.<str:fmt>", views_import.export_kind, name="export_kind"),
]

# Results (检查结果): entry, review, publication, follow-up; the public result pages.
from . import views_public_results, views_results  # noqa: E402 - appended block

urlpatterns += [
    path("results/", views_results.results_home, name="results_home"),
    path(
        "departments/<int:department_id>/results/",
        views_results.department_results,
        name="department_results",
    ),
    path(
        "tasks/<int:task_pk>/targets/<int:target_pk>/result/",
        views_results.result_entry,
        name="result_entry",
    ),
    path("results/<int:pk>/", views_results.result_detail, name="result_detail"),
    path("results/<int:pk>/return/", views_results.result_return, name="result_return"),
    path("results/<int:pk>/publish/", views_results.result_publish, name="result_publish"),
    path("results/<int:pk>/follow-ups/", views_results.followup_create, name="followup_create"),
    path("attachments/<int:pk>/", views_results.attachment_download, name="attachment_download"),
    path("follow-ups/", views_results.followup_inbox, name="followup_inbox"),
    path("follow-ups/<int:pk>/close/", views_results.followup_close, name="followup_close"),
    path("reminders/", views_results.reminders, name="reminders"),
    path("public/results/", views_public_results.public_results, name="public_results"),
    path("public/results.csv", views_public_results.public_results_csv, name="public_results_csv"),
    path(
        "public/results/<int:pk>/",
        views_public_results.public_result_detail,
        name="public_result_detail",
    ),
    path(
        "public/entities/<str:credit_code>/",
        views_public_results.public_entity,
        name="public_entity",
    ),
]

# The public portal's front door and entity search (issue 7).
from . import views_portal  # noqa: E402 - appended block

urlpatterns += [
    path("public/", views_portal.public_home, name="public_home"),
    path("public/search/", views_portal.public_search, name="public_search"),
    path("language/", views_portal.switch_language, name="switch_language"),
]

# Joint tasks (跨部门联合抽查): a participant confirms its part.
from . import views_joint  # noqa: E402 - appended block

urlpatterns += [
    path(
        "tasks/<int:pk>/participation/",
        views_joint.task_participation_confirm,
        name="task_participation_confirm",
    ),
]

# Credit linkage (信用监管联动): lists and entries, proposals, imports, an entity's history;
# the participation answer (联合惩戒查询) as a public page and a JSON call.
from . import views_credit  # noqa: E402 - appended block, kept apart from the rest

urlpatterns += [
    path("credit/", views_credit.credit_home, name="credit_home"),
    path("credit/lists/<slug:code>/", views_credit.credit_list, name="credit_list"),
    path("credit/lists/<slug:code>/add/", views_credit.credit_entry_add, name="credit_entry_add"),
    path("credit/entries/<int:pk>/", views_credit.credit_entry, name="credit_entry"),
    path(
        "credit/entries/<int:pk>/remove/",
        views_credit.credit_entry_remove,
        name="credit_entry_remove",
    ),
    path("credit/entities/<str:credit_code>/", views_credit.credit_entity, name="credit_entity"),
    path("credit/proposals/", views_credit.credit_proposals, name="credit_proposals"),
    path(
        "credit/proposals/<int:pk>/confirm/",
        views_credit.credit_proposal_confirm,
        name="credit_proposal_confirm",
    ),
    path(
        "credit/proposals/<int:pk>/reject/",
        views_credit.credit_proposal_reject,
        name="credit_proposal_reject",
    ),
    path("credit/import/", views_credit.credit_import, name="credit_import"),
    path("credit/participation/", views_credit.credit_participation, name="credit_participation"),
    path("credit/participation/answer/", views_credit.credit_answer, name="credit_answer"),
    path(
        "api/credit/participation", views_credit.api_participation, name="api_credit_participation"
    ),
]

# Supervision (督查考核, issue 10): the dashboard for department administrators (the county's
# stays at web:oversight), the records behind each figure, the periodic report (通报) as
# PDF and XLSX, and the CSV of every figure.
from . import views_oversight  # noqa: E402 - appended block

urlpatterns += [
    path(
        "oversight/department/",
        views_oversight.department_dashboard,
        name="oversight_department",
    ),
    path(
        "oversight/records/<slug:metric>/",
        views_oversight.oversight_records,
        name="oversight_records",
    ),
    path("oversight/report.pdf", views_oversight.oversight_report_pdf, name="oversight_report_pdf"),
    path(
        "oversight/report.xlsx", views_oversight.oversight_report_xlsx, name="oversight_report_xlsx"
    ),
    path(
        "oversight/figures.csv",
        views_oversight.oversight_metrics_csv,
        name="oversight_metrics_csv",
    ),
]
