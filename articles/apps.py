from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles and reviews"

    def ready(self) -> None:
        # Register the Celery tasks in every process, not only in workers: the services queue them by name.
        from . import tasks  # noqa: F401
