"""URLs of the dashboards, part of the "rapports" namespace (see rapports/urls.py)."""

from django.urls import path

from rapports import vues_tableaux

urlpatterns = [
    path("tableaux-de-bord/", vues_tableaux.tableaux_de_bord, name="tableaux_de_bord"),
]
