from django.urls import path, re_path

from porteurs import views

app_name = "porteurs"

urlpatterns = [
    path("", views.dossiers, name="dossiers"),
    path("recevoir/", views.recevoir, name="recevoir"),
    re_path(r"^export\.(?P<format>csv|xlsx)$", views.exporter, name="exporter"),
    path("porteurs/", views.porteurs, name="porteurs"),
    path("information-donnees/", views.information_donnees, name="information_donnees"),
    re_path(
        r"^porteurs/(?P<pk>\d+)/donnees\.(?P<format>json|pdf)$",
        views.exporter_personne,
        name="exporter_personne",
    ),
    path("porteurs/<int:pk>/anonymiser/", views.anonymiser, name="anonymiser"),
    path("<str:reference>/", views.dossier, name="dossier"),
    path("<str:reference>/modifier/", views.modifier_dossier, name="modifier"),
    path("<str:reference>/phase/", views.changer_phase, name="changer_phase"),
    path("<str:reference>/annuler-phase/", views.annuler_changement, name="annuler_changement"),
]
