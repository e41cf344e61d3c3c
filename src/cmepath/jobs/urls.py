from django.urls import path

from .views import applications, employers, moderation, saved, search, vacancies

app_name = "jobs"

urlpatterns = [
    path("", search.search, name="search"),
    path("for-you/", search.for_you, name="for_you"),
    path("vacancies/<int:pk>/", vacancies.vacancy_detail, name="vacancy"),
    path("vacancies/<int:pk>/apply/", vacancies.apply, name="apply"),
    path("vacancies/<int:pk>/report/", vacancies.report, name="report"),
    path("vacancies/<int:pk>/edit/", vacancies.vacancy_edit, name="vacancy_edit"),
    path("vacancies/<int:pk>/submit/", vacancies.vacancy_submit, name="vacancy_submit"),
    path("vacancies/<int:pk>/close/", vacancies.vacancy_close, name="vacancy_close"),
    path("vacancies/<int:pk>/publish/", moderation.vacancy_publish, name="vacancy_publish"),
    path("vacancies/<int:pk>/return/", moderation.vacancy_return, name="vacancy_return"),
    path("vacancies/<int:pk>/applicants/", vacancies.vacancy_applicants, name="vacancy_applicants"),
    path("applications/", applications.applications, name="applications"),
    path("applications/<int:pk>/", applications.application_detail, name="application"),
    path(
        "applications/<int:pk>/withdraw/",
        applications.application_withdraw,
        name="application_withdraw",
    ),
    path("applications/<int:pk>/move/", applications.application_move, name="application_move"),
    path(
        "applications/<int:pk>/transcript/",
        applications.application_transcript,
        name="application_transcript",
    ),
    path("saved/", saved.saved, name="saved"),
    path("saved/new/", saved.saved_create, name="saved_create"),
    path("saved/<int:pk>/delete/", saved.saved_delete, name="saved_delete"),
    path("unsubscribe/<str:token>/", saved.unsubscribe, name="unsubscribe"),
    path("employers/<int:pk>/", employers.employer_detail, name="employer"),
    path("employers/<int:pk>/verify/", moderation.employer_verify, name="employer_verify"),
    path(
        "employers/<int:employer_pk>/vacancies/new/",
        vacancies.vacancy_create,
        name="vacancy_create",
    ),
    path(
        "employers/<int:pk>/members/",
        employers.employer_member_add,
        name="employer_member_add",
    ),
    path("employer/", employers.employer_home, name="employer_home"),
    path("employer/new/", employers.employer_create, name="employer_create"),
    path("moderation/", moderation.moderation, name="moderation"),
    path("reports/<int:pk>/decide/", moderation.report_decide, name="report_decide"),
]
