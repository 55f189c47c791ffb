"""Reference data screens for the direction (Django admin, at /gestion/).

Access follows the model permissions given to the roles (maillage/roles.py): the direction
edits, staff without is_staff never see these screens. Foreign keys to Commune use
autocompletion: a select of ~1 550 communes would be heavy and hard to use.
"""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from territoires.models import (
    EPCI,
    Commune,
    Departement,
    PointAccueil,
    Quartier,
    ReferentTerritoire,
    StructurePartenaire,
    TerritoireGouvernance,
    TerritoirePLDE,
)


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "nombre_communes"]
    search_fields = ["code", "nom"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Departement]:
        return super().get_queryset(request).annotate(nb_communes=Count("communes"))

    @admin.display(description="communes", ordering="nb_communes")
    def nombre_communes(self, obj: Departement) -> int:
        return obj.nb_communes


@admin.register(EPCI)
class EPCIAdmin(admin.ModelAdmin):
    list_display = ["nom", "sigle", "siren", "nature", "nombre_communes"]
    list_editable = ["sigle"]
    list_filter = ["nature", "territoires_plde"]
    search_fields = ["nom", "sigle", "siren"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[EPCI]:
        return super().get_queryset(request).annotate(nb_communes=Count("communes"))

    @admin.display(description="communes", ordering="nb_communes")
    def nombre_communes(self, obj: EPCI) -> int:
        return obj.nb_communes


@admin.register(TerritoireGouvernance)
class TerritoireGouvernanceAdmin(admin.ModelAdmin):
    list_display = ["nom", "epci", "nombre_communes"]
    list_filter = ["epci"]
    search_fields = ["nom"]
    autocomplete_fields = ["epci"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TerritoireGouvernance]:
        return super().get_queryset(request).select_related("epci").annotate(nb=Count("communes"))

    @admin.display(description="communes", ordering="nb")
    def nombre_communes(self, obj: TerritoireGouvernance) -> int:
        return obj.nb


class ReferentTerritoireInline(admin.TabularInline):
    model = ReferentTerritoire
    extra = 1
    fields = ["salarie", "debut", "fin"]
    ordering = ["-debut"]


@admin.register(TerritoirePLDE)
class TerritoirePLDEAdmin(admin.ModelAdmin):
    list_display = ["nom", "liste_epci"]
    search_fields = ["nom"]
    autocomplete_fields = ["epcis"]
    inlines = [ReferentTerritoireInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TerritoirePLDE]:
        return super().get_queryset(request).prefetch_related("epcis")

    @admin.display(description="EPCI couverts")
    def liste_epci(self, obj: TerritoirePLDE) -> str:
        return ", ".join(e.libelle for e in obj.epcis.all())


@admin.register(ReferentTerritoire)
class ReferentTerritoireAdmin(admin.ModelAdmin):
    list_display = ["territoire", "salarie", "debut", "fin"]
    list_filter = ["territoire"]
    date_hierarchy = "debut"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReferentTerritoire]:
        return super().get_queryset(request).select_related("territoire", "salarie")


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = [
        "nom",
        "code_insee",
        "codes_postaux",
        "departement",
        "epci",
        "territoire_gouvernance",
        "population",
        "situee",
    ]
    list_filter = ["departement", "epci", "territoire_gouvernance"]
    search_fields = ["nom", "code_insee", "codes_postaux"]
    autocomplete_fields = ["epci", "territoire_gouvernance"]
    list_select_related = ["departement", "epci", "territoire_gouvernance"]
    list_per_page = 50

    @admin.display(description="coordonnées", boolean=True)
    def situee(self, obj: Commune) -> bool:
        return obj.latitude is not None and obj.longitude is not None


@admin.register(Quartier)
class QuartierAdmin(admin.ModelAdmin):
    list_display = ["nom", "commune", "qpv", "code_qpv"]
    list_filter = ["qpv", "commune__departement"]
    search_fields = ["nom", "commune__nom", "commune__code_insee", "code_qpv"]
    autocomplete_fields = ["commune"]
    list_select_related = ["commune"]


@admin.register(StructurePartenaire)
class StructurePartenaireAdmin(admin.ModelAdmin):
    list_display = ["nom", "sigle", "categorie", "commune", "actif"]
    list_filter = ["categorie", "actif"]
    search_fields = ["nom", "sigle", "commune__nom", "commune__code_insee"]
    autocomplete_fields = ["commune"]
    list_select_related = ["commune"]


@admin.register(PointAccueil)
class PointAccueilAdmin(admin.ModelAdmin):
    list_display = [
        "nom",
        "commune",
        "quartier",
        "nature",
        "structure",
        "territoire_plde",
        "date_convention",
        "actif_depuis",
        "actif_jusqu_au",
    ]
    list_filter = ["nature", "territoire_plde", "commune__epci", "commune__departement"]
    search_fields = ["nom", "commune__nom", "commune__code_insee", "structure__nom", "adresse"]
    autocomplete_fields = ["commune", "quartier", "structure"]
    list_select_related = ["commune", "quartier", "structure", "territoire_plde"]
    fieldsets = [
        (None, {"fields": ["nom", "nature", "structure", "territoire_plde"]}),
        ("Lieu", {"fields": ["commune", "quartier", "adresse", "latitude", "longitude"]}),
        ("Contact et convention", {"fields": ["contact", "date_convention"]}),
        ("Période d'ouverture", {"fields": ["actif_depuis", "actif_jusqu_au"]}),
    ]
