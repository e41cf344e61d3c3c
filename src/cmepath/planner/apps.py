from django.apps import AppConfig


class PlannerConfig(AppConfig):
    """Career planner: the optimal CME plan for a career goal within budget, leave and deadlines."""

    name = "cmepath.planner"
    label = "planner"
    verbose_name = "Career planner"
