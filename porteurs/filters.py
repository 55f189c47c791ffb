"""Filters of the dossier and porteur lists (django-filter)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from maillage.comptes import salaries_actifs
from maillage.formulaires import classes_bootstrap
from porteurs.models import Dossier, Phase, Porteur
from territoires.models import EPCI
from territoires.recherche import trouver_commune

OUI_NON_NR = [("oui", "oui"), ("non", "non"), ("nr", "non renseigné")]


def _attributs(attrs: dict) -> str:
    """Django's django/forms/widgets/attrs.html, in Python."""
    return "".join(
        f" {conditional_escape(nom)}"
        if valeur is True
        else f' {conditional_escape(nom)}="{conditional_escape(valeur)}"'
        for nom, valeur in attrs.items()
        if valeur is not False
    )


class SelectRapide(forms.Select):
    """Django's Select, same HTML, written in Python rather than through its templates.

    Django draws each option through a sub-template: for the lists' filters (EPCI,
    référent(e)s...) and the dossier page's "orienté(e) vers" (every partner structure),
    that was a quarter of the page's CPU time. Same context (`get_context`: attributes,
    aria-describedby, the selected option), same markup as django/forms/widgets/select.html
    and select_option.html.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html = [
            f'<select name="{conditional_escape(widget["name"])}"{_attributs(widget["attrs"])}>'
        ]
        for groupe, options, _index in widget["optgroups"]:
            if groupe:
                html.append(f'\n  <optgroup label="{conditional_escape(groupe)}">')
            html.extend(
                f'\n  <option value="{conditional_escape(option["value"])}"'
                f"{_attributs(option['attrs'])}>{conditional_escape(option['label'])}</option>"
                for option in options
            )
            if groupe:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))


def _choix_du_queryset(champ: forms.ModelChoiceField):
    """The choices of a ModelChoiceField, read with one plain query when they are drawn."""

    def choix():
        # The options of Django's ModelChoiceIterator (and django-filter's "null" option).
        vide = [] if champ.empty_label is None else [("", champ.empty_label)]
        if getattr(champ, "null_label", None) is not None:
            vide.append((champ.null_value, champ.null_label))
        return vide + [
            (champ.prepare_value(objet), champ.label_from_instance(objet))
            for objet in champ.queryset
        ]

    return choix


def selects_rapides(champs) -> None:
    """Draw the plain single-choice lists of these fields with SelectRapide (the widget
    keeps its attributes and choices).

    A list of records is read with a plain query when drawn: Django's ModelChoiceIterator
    reads it through a server-side cursor, three round trips on PostgreSQL
    (DECLARE, FETCH, CLOSE). The field still validates against its queryset.
    """
    for champ in champs:
        if type(champ.widget) is not forms.Select:
            continue
        rapide = SelectRapide.__new__(SelectRapide)
        rapide.__dict__.update(champ.widget.__dict__)
        champ.widget = rapide
        if isinstance(champ, forms.ModelChoiceField):
            rapide.choices = _choix_du_queryset(champ)


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
        selects_rapides(self.form.fields.values())

    def rechercher(self, queryset, name, value):
        """Each word in the reference, the project's title or the lead porteur's name.

        Written as the union of the dossiers found by their own columns and those found
        through their porteur, not as one OR across the join: PostgreSQL can then use the
        trigram indexes of each table (migration porteurs 0005) instead of reading both
        tables whole; the result is the same.
        """
        for mot in value.split():
            par_dossier = (
                Dossier.objects.filter(Q(reference__icontains=mot) | Q(intitule__icontains=mot))
                .order_by()
                .values("pk")
            )
            porteurs = (
                Porteur.objects.filter(Q(nom__icontains=mot) | Q(prenom__icontains=mot))
                .order_by()
                .values("pk")
            )
            par_porteur = Dossier.objects.filter(porteur__in=porteurs).order_by().values("pk")
            queryset = queryset.filter(pk__in=par_dossier.union(par_porteur))
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
