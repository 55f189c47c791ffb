from django.urls import path

from formations import views

app_name = "formations"

urlpatterns = [
    path("", views.conventions, name="conventions"),
    path("conventions/nouvelle/", views.nouvelle_convention, name="nouvelle_convention"),
    path("conventions/<int:pk>/", views.convention, name="convention"),
    path("conventions/<int:pk>/modifier/", views.modifier_convention, name="modifier_convention"),
    path("sessions/nouvelle/", views.nouvelle_session, name="nouvelle_session"),
    path("sessions/<int:pk>/", views.session, name="session"),
    path("sessions/<int:pk>/modifier/", views.modifier_session, name="modifier_session"),
    path("sessions/<int:pk>/inscrire/", views.inscrire_stagiaire, name="inscrire_stagiaire"),
    path("sessions/<int:pk>/inscrire-nouveau/", views.inscrire_nouveau, name="inscrire_nouveau"),
    path("sessions/<int:pk>/presences/", views.presences, name="presences"),
    path("sessions/<int:pk>/emargement/", views.emargement, name="emargement"),
    path("sessions/<int:pk>/emargement.pdf", views.emargement_pdf, name="emargement_pdf"),
    path("inscriptions/<int:pk>/annuler/", views.annuler, name="annuler"),
    path("inscriptions/<int:pk>/fiche/", views.fiche, name="fiche"),
    path("inscriptions/<int:pk>/attestation.pdf", views.attestation, name="attestation"),
    path("stagiaires/", views.stagiaires, name="stagiaires"),
    path("stagiaires/<int:pk>/", views.stagiaire, name="stagiaire"),
    path("stagiaires/<int:pk>/modifier/", views.modifier_stagiaire, name="modifier_stagiaire"),
    path("associations/", views.associations, name="associations"),
    path("associations/<int:pk>/", views.association, name="association"),
    path(
        "associations/<int:pk>/modifier/",
        views.modifier_association,
        name="modifier_association",
    ),
    path("evenements/", views.evenements, name="evenements"),
    path("evenements/nouveau/", views.nouvel_evenement, name="nouvel_evenement"),
    path("evenements/<int:pk>/modifier/", views.modifier_evenement, name="modifier_evenement"),
]
