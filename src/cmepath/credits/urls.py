from django.urls import path

from . import views

app_name = "credits"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # Public: what the shipped rules cover (no sign-in).
    path("coverage/", views.coverage, name="coverage"),
    path("completions/", views.history, name="history"),
    path("completions/new/", views.completion_new, name="completion_new"),
    path("completions/import/", views.completion_import, name="completion_import"),
    path("completions/<int:pk>/delete/", views.completion_delete, name="completion_delete"),
    path("completions/undo/<uuid:token>/", views.completion_undo, name="completion_undo"),
    path("completions/<int:pk>/badge/", views.badge_page, name="badge"),
    path("completions/<int:pk>/badge.json", views.completion_badge, name="completion_badge"),
    path("certificates/", views.certificate_upload, name="certificate_upload"),
    path("certificates/<int:pk>/", views.certificate_download, name="certificate_download"),
    path("transcript.csv", views.transcript_csv, name="transcript_csv"),
    path("transcript.pdf", views.transcript_pdf, name="transcript_pdf"),
    path(
        "provider/activities/<int:pk>/completions/",
        views.provider_completions,
        name="provider_completions",
    ),
    path("notifications/", views.notifications, name="notifications"),
    path("share/", views.share_links, name="share_links"),
    path("share/<int:pk>/revoke/", views.share_link_revoke, name="share_link_revoke"),
    path("share/undo/<uuid:token>/", views.share_link_undo, name="share_link_undo"),
    # Public, read-only: the unguessable token is the credential (no sign-in).
    path("shared/<str:token>/", views.shared, name="shared"),
    path("shared/<str:token>/transcript.pdf", views.shared_pdf, name="shared_pdf"),
    path(
        "shared/<str:token>/certificates/<int:pk>/",
        views.shared_certificate,
        name="shared_certificate",
    ),
]
