from django.apps import AppConfig


class PorteursConfig(AppConfig):
    name = "porteurs"
    verbose_name = "Porteurs de projet et dossiers"
