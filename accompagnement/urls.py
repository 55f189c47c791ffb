from django.urls import path

from accompagnement import views

app_name = "accompagnement"

urlpatterns = [
    path("", views.mes_rendez_vous, name="mes_rendez_vous"),
    path("nouveau/", views.nouveau_rendez_vous, name="nouveau"),
    path("<int:pk>/modifier/", views.modifier_rendez_vous, name="modifier"),
    path("<int:pk>/supprimer/", views.supprimer_rendez_vous, name="supprimer"),
    path("feuille-du-jour/", views.feuille_du_jour, name="feuille_du_jour"),
    path("agenda/<int:pk>/<str:jeton>.ics", views.agenda, name="agenda"),
]
