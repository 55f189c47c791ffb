from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from maillage import views

admin.site.site_header = "Maillage — administration"
admin.site.site_title = "Maillage"
admin.site.index_title = "Référentiels et comptes"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("sans-role/", views.sans_role, name="sans_role"),
    path("sante/", views.sante, name="sante"),
    path(
        "connexion/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("rendez-vous/", include("accompagnement.urls")),
    path("dossiers/", include("porteurs.urls")),
    path("import/", include("porteurs.urls_import")),
    path("formations/", include("formations.urls")),
    path("rapports/", include("rapports.urls")),
    path("territoires/", include("territoires.urls")),
    path("gestion/", admin.site.urls),
]
