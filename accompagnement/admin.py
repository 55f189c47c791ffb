"""Admin of appointments and phase changes, for inspection and small fixes.

Nothing here can change a phase: ChangementPhase is read-only (accompagnement.phases writes
it), and on an appointment the fields the phase rule reads (dossier, date, time, status) are
read-only; appointments are added, moved or cancelled in the app, which applies the rule.
"""

from django.contrib import admin

from accompagnement.models import ChangementPhase, RendezVous


@admin.register(RendezVous)
class RendezVousAdmin(admin.ModelAdmin):
    list_display = ["date", "heure", "dossier", "charge", "lieu", "objet", "statut", "collectif"]
    list_filter = ["statut", "lieu", "objet", "collectif"]
    search_fields = ["dossier__reference", "dossier__porteur__nom", "dossier__porteur__prenom"]
    list_select_related = ["dossier", "charge"]
    date_hierarchy = "date"
    raw_id_fields = ["charge", "point_accueil"]
    readonly_fields = ["dossier", "date", "heure", "statut", "cree_le", "modifie_le", "cree_par"]
    fields = [
        "dossier",
        "date",
        "heure",
        "statut",
        "duree_minutes",
        "charge",
        "lieu",
        "point_accueil",
        "lieu_precision",
        "objet",
        "collectif",
        "notes",
        "cree_le",
        "modifie_le",
        "cree_par",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ChangementPhase)
class ChangementPhaseAdmin(admin.ModelAdmin):
    list_display = ["dossier", "phase", "date", "type_sortie", "issue", "automatique", "auteur"]
    list_filter = ["phase", "type_sortie", "issue", "automatique"]
    search_fields = ["dossier__reference", "dossier__porteur__nom"]
    list_select_related = ["dossier", "auteur"]
    date_hierarchy = "date"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
