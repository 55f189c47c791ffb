"""Filters of the dossier and porteur lists (django-filter)."""

import django_filters
from django import forms
from django.db.models import Q

from maillage.comptes import salaries_actifs
from maillage.formulaires import classes_bootstrap
from porteurs.models import Dossier, Phase, Porteur
from territoires.models import EPCI
from territoires.recherche import trouver_commune

OUI_NON_NR = [("oui", "oui"), ("non", "non"), ("nr", "non renseigné")]


def _date(label: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


class DossierFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Rechercher", method="rechercher", help_text="Référence, nom, prénom ou intitulé."
    )
    phase = django_filters.ChoiceFilter(
        label="Phase",
        choices=[("aucune", "pas encore reçu"), *Phase.choices],
        method="filtrer_phase",
    )
    dispositif = django_filters.ChoiceFilter(label="Dispositif", choices=Dossier.Dispositif.choices)
    referent = django_filters.ModelChoiceFilter(label="Référent(e)", queryset=salaries_actifs())
    commune = django_filters.CharFilter(
        label="Commune (à l'accueil)", method="filtrer_commune", help_text="Nom ou code INSEE."
    )
    epci = django_filters.ModelChoiceFilter(
        label="EPCI (à l'accueil)",
        field_name="epci_accueil",
        queryset=EPCI.objects.exclude(sigle="").order_by("sigle"),
    )
    qpv = django_filters.ChoiceFilter(
        label="Quartier prioritaire (à l'accueil)", choices=OUI_NON_NR, method="filtrer_qpv"
    )
    genre = django_filters.ChoiceFilter(
        label="Genre du porteur", field_name="porteur__genre", choices=Porteur.Genre.choices
    )
    accueil_du = _date("Accueilli(e) du")
    accueil_au = _date("au")

    class Meta:
        model = Dossier
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["accueil_du"].field_name = "date_accueil"
        self.filters["accueil_du"].lookup_expr = "gte"
        self.filters["accueil_au"].field_name = "date_accueil"
        self.filters["accueil_au"].lookup_expr = "lte"
        classes_bootstrap(self.form.fields.values())

    def rechercher(self, queryset, name, value):
        mots = value.split()
        for mot in mots:
            queryset = queryset.filter(
                Q(reference__icontains=mot)
                | Q(porteur__nom__icontains=mot)
                | Q(porteur__prenom__icontains=mot)
                | Q(intitule__icontains=mot)
            )
        return queryset

    def filtrer_phase(self, queryset, name, value):
        return queryset.filter(phase="" if value == "aucune" else value)

    def filtrer_commune(self, queryset, name, value):
        commune = trouver_commune(value)
        if commune is None:
            return queryset.none()
        return queryset.filter(commune_accueil=commune)

    def filtrer_qpv(self, queryset, name, value):
        if value == "nr":
            return queryset.filter(qpv_accueil__isnull=True)
        return queryset.filter(qpv_accueil=(value == "oui"))


class PorteurFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Rechercher", method="rechercher", help_text="Nom ou prénom."
    )
    type_porteur = django_filters.ChoiceFilter(label="Type", choices=Porteur.TypePorteur.choices)
    genre = django_filters.ChoiceFilter(label="Genre", choices=Porteur.Genre.choices)
    situation_professionnelle = django_filters.ChoiceFilter(
        label="Situation professionnelle", choices=Porteur.SituationProfessionnelle.choices
    )
    commune = django_filters.CharFilter(
        label="Commune", method="filtrer_commune", help_text="Nom ou code INSEE."
    )

    class Meta:
        model = Porteur
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        classes_bootstrap(self.form.fields.values())

    def rechercher(self, queryset, name, value):
        for mot in value.split():
            queryset = queryset.filter(Q(nom__icontains=mot) | Q(prenom__icontains=mot))
        return queryset

    def filtrer_commune(self, queryset, name, value):
        commune = trouver_commune(value)
        return queryset.none() if commune is None else queryset.filter(commune=commune)
