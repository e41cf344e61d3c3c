from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.search, name="search"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/wishlist/", views.wishlist_toggle, name="wishlist_toggle"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/outcomes/", views.outcome_create, name="outcome_create"),
    path("wishlist/", views.wishlist, name="wishlist"),
    path("provider/", views.provider_home, name="provider_home"),
    path(
        "provider/<int:provider_pk>/activities/new/", views.activity_create, name="activity_create"
    ),
    path("provider/<int:provider_pk>/import/", views.import_upload, name="import"),
]
