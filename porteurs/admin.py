"""Admin of porteurs and dossiers, for the direction's occasional fixes.

The phase and the reception territory of a dossier are read-only here: they change only
through accompagnement.phases (the dossier pages of the app), so the admin cannot make a
history illegal.
"""

from django.contrib import admin

from accompagnement.models import ChangementPhase
from porteurs.models import Dossier, Porteur


@admin.register(Porteur)
class PorteurAdmin(admin.ModelAdmin):
    list_display = [
        "nom",
        "prenom",
        "type_porteur",
        "genre",
        "commune",
        "situation_professionnelle",
    ]
    list_filter = ["type_porteur", "genre", "situation_professionnelle", "niveau_qualification"]
    search_fields = ["nom", "prenom", "email", "rna", "siret"]
    list_select_related = ["commune"]
    raw_id_fields = ["commune", "quartier"]
    readonly_fields = ["cree_le", "modifie_le"]
    fieldsets = [
        (None, {"fields": ["type_porteur", "nom", "prenom"]}),
        (
            "personne physique",
            {
                "fields": [
                    "genre",
                    "date_naissance",
                    "niveau_qualification",
                    "situation_professionnelle",
                    "revenu",
                ]
            },
        ),
        ("coordonnées", {"fields": ["telephone", "email", "adresse", "commune", "quartier"]}),
        ("association", {"fields": ["rna", "siret", "date_creation_structure"]}),
        ("suivi", {"fields": ["cree_le", "modifie_le"]}),
    ]


class ChangementPhaseInline(admin.TabularInline):
    """The phase history, read-only: it is written by accompagnement.phases only."""

    model = ChangementPhase
    fk_name = "dossier"
    extra = 0
    can_delete = False
    fields = [
        "phase",
        "date",
        "type_sortie",
        "issue",
        "orientation_vers",
        "date_convention",
        "automatique",
        "auteur",
        "commentaire",
        "enregistre_le",
    ]
    readonly_fields = fields
    ordering = ["date", "pk"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "intitule",
        "porteur",
        "dispositif",
        "phase",
        "date_accueil",
        "referent",
    ]
    list_filter = ["phase", "dispositif", "secteur", "projet_collectif", "qpv_accueil"]
    search_fields = ["reference", "intitule", "porteur__nom", "porteur__prenom"]
    list_select_related = ["porteur", "referent"]
    date_hierarchy = "date_accueil"
    autocomplete_fields = ["porteur", "co_porteurs"]
    raw_id_fields = ["prescripteur", "referent"]
    readonly_fields = [
        "phase",
        "date_accueil",
        "commune_accueil",
        "epci_accueil",
        "territoire_gouvernance_accueil",
        "quartier_accueil",
        "qpv_accueil",
        "cree_le",
        "modifie_le",
    ]
    fieldsets = [
        (None, {"fields": ["reference", "porteur", "co_porteurs", "intitule", "dispositif"]}),
        (
            "questionnaire d'accueil",
            {
                "fields": [
                    "secteur",
                    "projet_collectif",
                    "projet_economique",
                    "forme_juridique_envisagee",
                    "stade_premier_accueil",
                    "prescripteur",
                ]
            },
        ),
        ("suivi", {"fields": ["referent", "emplois_crees", "phase", "date_accueil"]}),
        (
            "territoire à l'accueil",
            {
                "fields": [
                    "commune_accueil",
                    "epci_accueil",
                    "territoire_gouvernance_accueil",
                    "quartier_accueil",
                    "qpv_accueil",
                ]
            },
        ),
        ("enregistrement", {"fields": ["cree_le", "modifie_le"]}),
    ]
    inlines = [ChangementPhaseInline]
