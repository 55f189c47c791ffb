from django.urls import path

from rapports import urls_tableaux, vues_rapport

app_name = "rapports"

urlpatterns = [
    *urls_tableaux.urlpatterns,
    path("", vues_rapport.index, name="index"),
    path("<int:annee>/", vues_rapport.rapport, name="rapport"),
    path("<int:annee>/rapport.pdf", vues_rapport.rapport_pdf, name="rapport_pdf"),
    path("<int:annee>/rapport.json", vues_rapport.rapport_json, name="rapport_json"),
    path("<int:annee>/publier/", vues_rapport.publier_annee, name="publier"),
    path("<int:annee>/textes/<slug:section>/", vues_rapport.rediger, name="rediger"),
    path("<int:annee>/indicateurs/", vues_rapport.indicateurs, name="indicateurs"),
    path("<int:annee>/editions/<int:version>/", vues_rapport.edition, name="edition"),
    path(
        "<int:annee>/editions/<int:version>/rapport.pdf",
        vues_rapport.edition_pdf,
        name="edition_pdf",
    ),
    path(
        "<int:annee>/editions/<int:version>/rapport.json",
        vues_rapport.edition_json,
        name="edition_json",
    ),
]
