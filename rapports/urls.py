from django.urls import path

from rapports import views

app_name = "rapports"

urlpatterns = [
    path("tableaux-de-bord/", views.tableaux_de_bord, name="tableaux_de_bord"),
]
