from django.urls import path

from . import views

app_name = "planner"

urlpatterns = [
    path("", views.planner, name="planner"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/replan/", views.plan_replan, name="plan_replan"),
    path("plans/<int:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("plans/<int:pk>/plan.ics", views.plan_ical, name="plan_ical"),
]
