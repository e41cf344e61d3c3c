from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.search, name="search"),
    path("for-you/", views.for_you, name="for_you"),
    path("vacancies/<int:pk>/", views.vacancy_detail, name="vacancy"),
    path("vacancies/<int:pk>/apply/", views.apply, name="apply"),
    path("vacancies/<int:pk>/report/", views.report, name="report"),
    path("vacancies/<int:pk>/edit/", views.vacancy_edit, name="vacancy_edit"),
    path("vacancies/<int:pk>/submit/", views.vacancy_submit, name="vacancy_submit"),
    path("vacancies/<int:pk>/close/", views.vacancy_close, name="vacancy_close"),
    path("vacancies/<int:pk>/publish/", views.vacancy_publish, name="vacancy_publish"),
    path("vacancies/<int:pk>/return/", views.vacancy_return, name="vacancy_return"),
    path("vacancies/<int:pk>/applicants/", views.vacancy_applicants, name="vacancy_applicants"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path(
        "applications/<int:pk>/withdraw/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path("applications/<int:pk>/move/", views.application_move, name="application_move"),
    path("saved/", views.saved, name="saved"),
    path("saved/new/", views.saved_create, name="saved_create"),
    path("saved/<int:pk>/delete/", views.saved_delete, name="saved_delete"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("employers/<int:pk>/", views.employer_detail, name="employer"),
    path("employers/<int:pk>/verify/", views.employer_verify, name="employer_verify"),
    path(
        "employers/<int:employer_pk>/vacancies/new/",
        views.vacancy_create,
        name="vacancy_create",
    ),
    path("employer/", views.employer_home, name="employer_home"),
    path("employer/new/", views.employer_create, name="employer_create"),
    path("moderation/", views.moderation, name="moderation"),
    path("reports/<int:pk>/decide/", views.report_decide, name="report_decide"),
]
