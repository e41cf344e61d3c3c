from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Careers: employers, vacancies with their CME benefit, matching, applications."""

    name = "cmepath.jobs"
    label = "jobs"
    verbose_name = "Careers"
