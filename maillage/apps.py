from django.apps import AppConfig


class MaillageConfig(AppConfig):
    name = "maillage"
    verbose_name = "Comptes et rôles"

    def ready(self) -> None:
        # Connects the security log to Django's login signals.
        from maillage import journal  # noqa: F401
