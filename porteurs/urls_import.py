from django.urls import path

from porteurs import imports

app_name = "imports"

urlpatterns = [
    path("", imports.importer, name="importer"),
    path("confirmer/", imports.confirmer, name="confirmer"),
    path("modele/<str:genre>.csv", imports.modele, name="modele"),
]
