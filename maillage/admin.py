"""Admin of accounts and of the association's life (members, board, board meetings), at
/gestion/. A staff member who leaves is deactivated, never deleted: their appointments,
sessions and events stay attached to them."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from maillage.models import (
    AnneeAssociative,
    AssembleeGenerale,
    MembreConseil,
    ReunionConseil,
    Utilisateur,
)


@admin.register(Utilisateur)
class UtilisateurAdmin(UserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "fonction",
        "etp",
        "date_entree",
        "date_sortie",
        "is_active",
    ]
    list_filter = ["is_active", "is_staff", "groups"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Poste", {"fields": ["fonction", "etp", "date_entree", "date_sortie"]}),
    ]


@admin.register(AnneeAssociative)
class AnneeAssociativeAdmin(admin.ModelAdmin):
    list_display = ["annee", "nombre_adherents"]


class MembreConseilInline(admin.TabularInline):
    model = MembreConseil
    extra = 0


@admin.register(AssembleeGenerale)
class AssembleeGeneraleAdmin(admin.ModelAdmin):
    list_display = ["date", "extraordinaire"]
    date_hierarchy = "date"
    inlines = [MembreConseilInline]


@admin.register(ReunionConseil)
class ReunionConseilAdmin(admin.ModelAdmin):
    list_display = ["date", "salaries_invites", "precision"]
    list_filter = ["salaries_invites"]
    date_hierarchy = "date"
