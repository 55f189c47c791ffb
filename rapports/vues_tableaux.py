"""Dashboards: the board's (aggregates only, with the statistical secret), the
direction's (exact figures, the team's work, data quality) and the map of the points
d'accueil; each chart's data as CSV and its drawing as SVG.

Figures come from rapports.tableaux (queries only); what a page may show is decided there
by `publier`: the board's dashboard always applies the secret, whoever reads it, so that
what the direction sees there is what the board sees; the map applies it to everyone but
the direction; the direction's dashboard is exact.
"""

import csv
import hashlib
import io
from collections.abc import Callable
from typing import TypeVar

from csp.decorators import csp_update
from django import forms
from django.contrib.auth.decorators import permission_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from porteurs.exports import cellule_sure
from porteurs.models import Dossier
from rapports import rendu, tableaux
from rapports.tableaux import Filtres, TableauPublie
from territoires.models import EPCI, TerritoireGouvernance

VOIR = "maillage.voir_tableaux_de_bord"
VOIR_DIRECTION = "maillage.voir_tableaux_de_bord_direction"

CONSEIL, DIRECTION, CARTE = "conseil", "direction", "carte"

# The PNG of a chart is drawn by plotly.js in the browser (its mode bar's camera button):
# it loads the chart's SVG as a blob: image, which the site's img-src refuses otherwise.
png_plotly = csp_update({"img-src": ["blob:"]})


# The figures of a dashboard are computed once per state of the data (the fingerprint
# rendu.empreinte_tableaux: every save or delete of a dossier, porteur, appointment or
# phase change, and additions to the other tables it reads), filters and day, then
# served from the cache (each server process's memory by default) until the data change.
# At a network's scale a board dashboard costs 1.7 s of database time and a repeated
# view a few milliseconds. The cache also expires after DUREE_CACHE_TABLEAUX seconds:
# an edit of a reference row that adds or removes none (a renamed EPCI, a point
# d'accueil's closing date) shows within that time.
DUREE_CACHE_TABLEAUX = 300

Calcul = TypeVar("Calcul")


def _en_cache(page: str, filtres: Filtres, calcul: Callable[[], Calcul]) -> Calcul:
    etat = (page, filtres, timezone.localdate(), rendu.empreinte_tableaux(filtres.annee))
    cle = "tableaux:" + hashlib.sha256(repr(etat).encode()).hexdigest()
    valeur = cache.get(cle)
    if valeur is None:
        valeur = calcul()
        cache.set(cle, valeur, DUREE_CACHE_TABLEAUX)
    return valeur


def _conseil(filtres: Filtres) -> tableaux.TableauDeBord:
    return _en_cache(CONSEIL, filtres, lambda: tableaux.tableau_conseil(filtres))


def _direction(filtres: Filtres) -> tableaux.TableauDeBord:
    return _en_cache(DIRECTION, filtres, lambda: tableaux.tableau_direction(filtres))


def _carte(filtres: Filtres) -> tableaux.Carte:
    return _en_cache(CARTE, filtres, lambda: tableaux.carte(filtres))


class FiltresForm(forms.Form):
    """The GET form above every dashboard. Invalid input is shown, never a 500."""

    annee = forms.TypedChoiceField(
        label="Année",
        coerce=int,
        error_messages={"invalid_choice": "Année inconnue : choisissez une année de la liste."},
    )
    dispositif = forms.ChoiceField(
        label="Dispositif",
        required=False,
        choices=[("", "tous les dispositifs"), *Dossier.Dispositif.choices],
        error_messages={"invalid_choice": "Dispositif inconnu : choisissez-en un de la liste."},
    )
    epci = forms.ModelChoiceField(
        label="EPCI (à l'accueil)",
        required=False,
        queryset=EPCI.objects.order_by("nom"),
        to_field_name="siren",
        empty_label="tous les EPCI",
        error_messages={"invalid_choice": "EPCI inconnu : choisissez-en un de la liste."},
    )
    territoire = forms.ModelChoiceField(
        label="Territoire de gouvernance (métropole lilloise)",
        required=False,
        queryset=TerritoireGouvernance.objects.order_by("nom"),
        empty_label="tous les territoires",
        error_messages={
            "invalid_choice": "Territoire inconnu : choisissez-en un de la liste.",
        },
    )

    def __init__(self, *args, annees: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(a, str(a)) for a in annees]
        for champ in self.fields.values():
            champ.widget.attrs["class"] = "form-select form-select-sm"

    def clean(self) -> dict:
        donnees = super().clean()
        epci, territoire = donnees.get("epci"), donnees.get("territoire")
        if epci and territoire and territoire.epci_id != epci.pk:
            raise forms.ValidationError(
                f"Le territoire « {territoire} » n'appartient pas à l'EPCI « {epci} » : "
                "choisissez l'un ou l'autre."
            )
        return donnees


def _filtres(request: HttpRequest) -> tuple[FiltresForm, Filtres]:
    """The filters of the request; when they are invalid, the form carries the errors and
    the page shows the default view (the latest year with receptions, no filter)."""
    annees, defaut = tableaux.annees_disponibles()
    donnees = request.GET.copy()
    donnees.setdefault("annee", str(defaut))
    form = FiltresForm(donnees, annees=annees)
    if not form.is_valid():
        return form, Filtres(annee=defaut)
    d = form.cleaned_data
    return form, Filtres(
        annee=d["annee"],
        dispositif=d["dispositif"],
        epci=d["epci"].pk if d["epci"] else None,
        territoire=d["territoire"].pk if d["territoire"] else None,
    )


def _parametres(request: HttpRequest) -> str:
    """The filters of the request as a query string, for the export links."""
    return request.GET.urlencode()


def _publies(tableau: tableaux.TableauDeBord, secret: bool) -> dict[str, TableauPublie]:
    return {cle: tableaux.publier(t, secret) for cle, t in tableau.tableaux.items()}


def _graphiques(publies: dict[str, TableauPublie]) -> list[dict]:
    """What the template needs for each chart: the table, its plotly figure (passed to
    static/js/tableaux.js through json_script) and the id of its JSON block."""
    return [
        {
            "tableau": t,
            "figure": tableaux.figure(t) if t.graphique else None,
            "id_figure": f"figure-{t.identifiant}",
        }
        for t in publies.values()
    ]


def _contexte(request, page: str, form: FiltresForm, filtres: Filtres, publies) -> dict:
    return {
        "page": page,
        "form": form,
        "filtres": filtres,
        "parametres": _parametres(request),
        "graphiques": _graphiques(publies),
        "voir_direction": request.user.has_perm(VOIR_DIRECTION),
        "gabarit_plotly": tableaux.gabarit_plotly(),
    }


@png_plotly
@require_GET
@permission_required(VOIR, raise_exception=True)
def tableaux_de_bord(request: HttpRequest) -> HttpResponse:
    """The board's dashboard: aggregates only, with the statistical secret for everyone
    (the page is the board's, whoever reads it)."""
    form, filtres = _filtres(request)
    publies = _publies(_conseil(filtres), secret=True)
    chiffres_cles = publies.pop("chiffres-cles")
    contexte = _contexte(request, CONSEIL, form, filtres, publies)
    contexte["chiffres_cles"] = chiffres_cles
    return render(request, "rapports/tableaux_de_bord.html", contexte)


@png_plotly
@require_GET
@permission_required(VOIR_DIRECTION, raise_exception=True)
def tableau_direction(request: HttpRequest) -> HttpResponse:
    """The direction's dashboard: the same figures, exact, plus the team's work, the
    dossiers waiting for a decision and the data quality."""
    form, filtres = _filtres(request)
    tableau = _direction(filtres)
    publies = _publies(tableau, secret=False)
    chiffres_cles = publies.pop("chiffres-cles")
    qualite = publies.pop("qualite-non-renseigne")
    equipe = {
        cle: publies.pop(cle)
        for cle in (
            "entonnoir-detail",
            "rendez-vous-par-salarie",
            "rendez-vous-par-lieu",
            "temps-par-dispositif",
        )
    }
    contexte = _contexte(request, DIRECTION, form, filtres, publies)
    contexte.update(
        chiffres_cles=chiffres_cles,
        qualite=qualite,
        equipe=_graphiques(equipe),
        listes=tableau.listes.items(),
    )
    return render(request, "rapports/tableaux/direction.html", contexte)


@png_plotly
@require_GET
@permission_required(VOIR, raise_exception=True)
def carte_points_accueil(request: HttpRequest) -> HttpResponse:
    """The points d'accueil de proximité and the year's receptions by commune, drawn on
    their coordinates (no map tiles), with the same figures as tables."""
    form, filtres = _filtres(request)
    carte = _carte(filtres)
    secret = not request.user.has_perm(VOIR_DIRECTION)
    accueils = tableaux.publier(carte.accueils_par_commune, secret)
    contexte = _contexte(request, CARTE, form, filtres, {})
    contexte.update(
        carte=carte,
        accueils=accueils,
        figure_carte=tableaux.figure_carte(carte, accueils),
        secret=secret,
    )
    return render(request, "rapports/tableaux/carte.html", contexte)


def _tableau_exporte(request: HttpRequest, page: str, identifiant: str) -> TableauPublie:
    """The published table `identifiant` of `page`, with that page's secret; 403 when the
    user may not see the page, 404 for an unknown chart."""
    if page == DIRECTION and not request.user.has_perm(VOIR_DIRECTION):
        raise PermissionDenied
    _, filtres = _filtres(request)
    if page == CARTE:
        carte = _carte(filtres)
        secret = not request.user.has_perm(VOIR_DIRECTION)
        candidats = {
            "accueils-par-commune": carte.accueils_par_commune,
            "points-accueil": tableaux.tableau_points(carte),
        }
    elif page == DIRECTION:
        candidats, secret = _direction(filtres).tableaux, False
    else:
        candidats, secret = _conseil(filtres).tableaux, True
    if identifiant not in candidats:
        raise Http404("Graphique inconnu.")
    return tableaux.publier(candidats[identifiant], secret)


def _nom_fichier(t: TableauPublie, request: HttpRequest, extension: str) -> str:
    annee = request.GET.get("annee", "")
    suffixe = f"-{annee}" if annee.isdigit() else ""
    return f"{t.identifiant}{suffixe}.{extension}"


@require_GET
@permission_required(VOIR, raise_exception=True)
def tableau_csv(request: HttpRequest, page: str, identifiant: str) -> HttpResponse:
    """One chart's data as CSV (semicolons, UTF-8 with BOM for spreadsheets), as the page
    shows it: masked cells stay masked; a cell that a spreadsheet would read as a
    formula is neutralised."""
    t = _tableau_exporte(request, page, identifiant)
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";")
    ecrivain.writerow([cellule_sure(t.titre)])
    for ligne in tableaux.lignes_csv(t):
        ecrivain.writerow([cellule_sure(cellule) for cellule in ligne])
    reponse = HttpResponse(
        ("\ufeff" + tampon.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    reponse["Content-Disposition"] = f'attachment; filename="{_nom_fichier(t, request, "csv")}"'
    return reponse


@require_GET
@permission_required(VOIR, raise_exception=True)
def tableau_svg(request: HttpRequest, page: str, identifiant: str) -> HttpResponse:
    """One chart drawn as SVG on the server (rapports.charts.svg), masked cells written
    « < 3 »."""
    t = _tableau_exporte(request, page, identifiant)
    if not t.graphique:
        raise Http404("Ce tableau n'a pas de graphique.")
    reponse = HttpResponse(tableaux.graphique_svg(t), content_type="image/svg+xml")
    reponse["Content-Disposition"] = f'attachment; filename="{_nom_fichier(t, request, "svg")}"'
    return reponse
