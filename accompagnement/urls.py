from django.urls import path

from accompagnement import views

app_name = "accompagnement"

urlpatterns = [
    path("", views.mes_rendez_vous, name="mes_rendez_vous"),
]
