from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/npi/", views.npi_submit, name="npi_submit"),
    path("profile/npi/dispute/", views.npi_dispute, name="npi_dispute"),
    path("licences/", views.licences, name="licences"),
    path("licences/<int:pk>/delete/", views.licence_delete, name="licence_delete"),
    path("licences/undo/<uuid:token>/", views.licence_undo, name="licence_undo"),
    path("licences/<int:pk>/proof/", views.proof_upload, name="proof_upload"),
    path("certifications/", views.board_cert_create, name="board_cert_create"),
    path("certifications/<int:pk>/delete/", views.board_cert_delete, name="board_cert_delete"),
    path("proofs/<int:pk>/", views.proof_download, name="proof_download"),
    path("verification/", views.verification_queue, name="verification_queue"),
    path("verification/<int:pk>/decide/", views.proof_decide, name="proof_decide"),
    path(
        "verification/disputes/<int:pk>/decide/",
        views.npi_dispute_decide,
        name="npi_dispute_decide",
    ),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
