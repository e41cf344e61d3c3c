from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("activities/", views.activity_search, name="activity_search"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/stages/", views.stage_complete, name="stage_complete"),
    path("<int:pk>/finish/", views.project_finish, name="project_finish"),
    path("<int:pk>/dua/", views.dua_record, name="dua_record"),
    path("<int:pk>/intervention/", views.intervention_set, name="intervention_set"),
    path("<int:pk>/upload/", views.dataset_upload, name="dataset_upload"),
    path("<int:pk>/datasets/<int:dataset_id>/", views.dataset_status, name="dataset_upload_status"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("plotly.min.js", views.plotly_js, name="plotly_js"),
]
