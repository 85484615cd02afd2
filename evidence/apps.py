from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence"

    def ready(self) -> None:
        from articles.views.citation_filters import citation_status_register

        from .selectors import citation_statuses

        for value, label, narrow in citation_statuses():
            citation_status_register(value=value, label=label, narrow=narrow)
