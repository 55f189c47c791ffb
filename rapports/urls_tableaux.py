"""URLs of the dashboards, part of the "rapports" namespace (see rapports/urls.py)."""

from django.urls import path, re_path

from rapports import vues_tableaux

urlpatterns = [
    path("tableaux-de-bord/", vues_tableaux.tableaux_de_bord, name="tableaux_de_bord"),
    path(
        "tableaux-de-bord/direction/",
        vues_tableaux.tableau_direction,
        name="tableau_direction",
    ),
    path(
        "tableaux-de-bord/carte/",
        vues_tableaux.carte_points_accueil,
        name="carte_points_accueil",
    ),
    # One URL per chart and page; the filters ride in the query string.
    re_path(
        r"^tableaux-de-bord/(?P<page>conseil|direction|carte)/(?P<identifiant>[a-z0-9-]+)\.csv$",
        vues_tableaux.tableau_csv,
        name="tableau_csv",
    ),
    re_path(
        r"^tableaux-de-bord/(?P<page>conseil|direction|carte)/(?P<identifiant>[a-z0-9-]+)\.svg$",
        vues_tableaux.tableau_svg,
        name="tableau_svg",
    ),
]
