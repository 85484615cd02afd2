"""Error reports (and, if asked, a share of traces) to Sentry, for web requests and Celery tasks alike.

The production settings call `sentry_init` with SENTRY_DSN; without a DSN nothing is initialised and nothing is sent.
"""


def sentry_init(*, dsn: str, traces_sample_rate: float = 0.0, environment: str = "production") -> bool:
    """Start the Sentry SDK with the Django and Celery integrations; False (and nothing done) without a DSN."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=traces_sample_rate,
        environment=environment,
        # Usernames, addresses, cookies and request bodies stay out of the reports.
        send_default_pii=False,
    )
    return True
