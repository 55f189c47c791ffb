from django.urls import path

app_name = "territoires"

urlpatterns: list = []
