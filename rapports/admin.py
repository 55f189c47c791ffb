from django.contrib import admin

from rapports.models import AgregatHistorique


@admin.register(AgregatHistorique)
class AgregatHistoriqueAdmin(admin.ModelAdmin):
    """The figures of the years before the app (published reports), kept as published."""

    list_display = ["annee", "indicateur", "dispositif", "valeur", "source"]
    list_filter = ["indicateur", "dispositif"]
    search_fields = ["source"]
    ordering = ["-annee", "indicateur"]
