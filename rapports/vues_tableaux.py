"""Dashboards: the board's (aggregates only, with the statistical secret), the
direction's (exact figures, the team's work, data quality) and the map of the points
d'accueil; each chart's data as CSV and its drawing as SVG.

Figures come from rapports.tableaux (queries only); what a page may show is decided there
by `publier`: the board's dashboard always applies the secret, whoever reads it, so that
what the direction sees there is what the board sees; the map applies it to everyone but
the direction; the direction's dashboard is exact.
"""

import csv
import datetime
import hashlib
import io
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from csp.decorators import csp_update
from django import forms
from django.contrib.auth.decorators import permission_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from porteurs.exports import cellule_sure
from porteurs.models import Dossier, Porteur
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
# served from the cache (each server process's memory by default). At a network's scale
# a board dashboard costs about a second of database time and a cached view a few
# milliseconds.
# - A view within FRAICHEUR_TABLEAUX seconds of the last check serves the figures without
#   reading the fingerprint again: while staff enter appointments all day (at network
#   scale, one every few seconds), each dashboard is computed at most once a minute per
#   server process instead of at every view (load test: with the fingerprint checked at
#   every view, the appointments entered kept every process recomputing, and the casework
#   pages waited seconds; docs/performance.md). The page says when its figures were
#   computed.
# - Names are never served stale: the porteurs' history (any creation, rectification,
#   erasure or deletion of a porteur) is read at every view, one indexed query, and a
#   change there recomputes at once; an erased person leaves the direction's lists at the
#   next view.
# - After the minute, when the fingerprint says the data changed, the figures in the cache
#   are served as they are while a thread of the server process computes them again; the
#   views after it get the new ones. A view waits for a computation only when there is no
#   figure to show: the first of a page, filters and day, the first after a porteur
#   changed, or after DUREE_CACHE_TABLEAUX (load test with appointment entry: the requests
#   that reached a process busy recomputing waited behind it, up to 1.9 s).
# - Figures are recomputed at the latest DUREE_CACHE_TABLEAUX seconds after they were
#   computed, whatever the fingerprint says: an edit of a reference row that adds or
#   removes none (a renamed EPCI, a point d'accueil's closing date) shows within that time.
FRAICHEUR_TABLEAUX = 60
DUREE_CACHE_TABLEAUX = 300
# False: the view computes the new figures itself (the tests' default, tests/conftest.py:
# a thread has its own connection and does not see a test's uncommitted data).
RECALCUL_EN_ARRIERE_PLAN = True

journal = logging.getLogger(__name__)
_verrou_recalculs = threading.Lock()
# Keys being computed in a thread, and the threads (attendre_les_recalculs).
_recalculs: dict[str, threading.Thread] = {}

Calcul = TypeVar("Calcul")


@dataclass(frozen=True)
class Chiffres(Generic[Calcul]):
    """A dashboard's figures as cached: the value, when it was computed (shown on the
    page), and what it was computed from."""

    valeur: Calcul
    calcules_a: datetime.datetime
    empreinte: str
    identites: int | None
    # time.time() of the computation and of the last check of the fingerprint.
    instant_calcul: float
    instant_verification: float


def _identites() -> int | None:
    """The last change to any porteur (its history's last key)."""
    return Porteur.historique.aggregate(m=Max("history_id"))["m"]


def _en_cache(page: str, filtres: Filtres, calcul: Callable[[], Calcul]) -> Chiffres[Calcul]:
    cle = (
        "tableaux:"
        + hashlib.sha256(repr((page, filtres, timezone.localdate())).encode()).hexdigest()
    )
    identites = _identites()
    maintenant = time.time()
    chiffres = cache.get(cle)
    if (
        chiffres is not None
        and chiffres.identites == identites
        and maintenant - chiffres.instant_calcul < DUREE_CACHE_TABLEAUX
    ):
        if maintenant - chiffres.instant_verification < FRAICHEUR_TABLEAUX:
            return chiffres
        empreinte = rendu.empreinte_tableaux(filtres.annee)
        inchangees = empreinte == chiffres.empreinte
        if inchangees or _en_arriere_plan():
            # Checked now: the other views of the minute read no fingerprint. Stored before
            # the thread starts, so that it cannot overwrite the thread's new figures.
            chiffres = replace(chiffres, instant_verification=maintenant)
            cache.set(cle, chiffres, _reste(chiffres, maintenant))
            if not inchangees:
                _recalculer_plus_tard(cle, calcul, empreinte, identites)
            return chiffres
    else:
        empreinte = rendu.empreinte_tableaux(filtres.annee)
    return _calculer(cle, calcul, empreinte, identites)


def _en_arriere_plan() -> bool:
    """On PostgreSQL. On SQLite (one association: a computation takes about 100 ms) every
    request's transaction holds the database's write lock (IMMEDIATE), which a thread's
    transaction would wait for: the view computes the figures itself."""
    return RECALCUL_EN_ARRIERE_PLAN and connection.vendor == "postgresql"


def _calculer(
    cle: str, calcul: Callable[[], Calcul], empreinte: str, identites: int | None
) -> Chiffres[Calcul]:
    maintenant = time.time()
    _sans_parallelisme()
    chiffres = Chiffres(
        valeur=calcul(),
        calcules_a=timezone.now(),
        empreinte=empreinte,
        identites=identites,
        instant_calcul=maintenant,
        instant_verification=maintenant,
    )
    cache.set(cle, chiffres, DUREE_CACHE_TABLEAUX)
    return chiffres


def _recalculer_plus_tard(
    cle: str, calcul: Callable[[], Calcul], empreinte: str, identites: int | None
) -> None:
    """Compute `cle`'s figures again in a thread, unless one already does. The thread
    reads with its own connection, in its own transaction, and closes it when done; a
    failure is logged (no personal data: the page and the error) and the figures in the
    cache stay until the next check."""

    def recalculer() -> None:
        try:
            with transaction.atomic():
                _calculer(cle, calcul, empreinte, identites)
        except Exception as erreur:
            # The error's type only: a database error's text can quote the values read.
            journal.error(
                "tableaux de bord : échec du recalcul en arrière-plan (%s)",
                type(erreur).__name__,
            )
        finally:
            connection.close()
            with _verrou_recalculs:
                _recalculs.pop(cle, None)

    with _verrou_recalculs:
        if cle in _recalculs:
            return
        fil = threading.Thread(target=recalculer, name="recalcul-tableaux", daemon=True)
        _recalculs[cle] = fil
    fil.start()


def attendre_les_recalculs(delai: float = 60.0) -> None:
    """Wait for the computations running in threads (tests, benchmarks)."""
    with _verrou_recalculs:
        fils = list(_recalculs.values())
    for fil in fils:
        fil.join(delai)


def _sans_parallelisme() -> None:
    """Compute a dashboard on one core: PostgreSQL's parallel workers let one computation
    (about a second at a network's scale) take every core of a small server, and the
    casework pages queued behind it (load test with appointment entry, 2 cores: list p95
    220-460 ms with them, 75-200 ms without; docs/performance.md). For the rest of the
    request's transaction (ATOMIC_REQUESTS) only."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as curseur:
            curseur.execute("SET LOCAL max_parallel_workers_per_gather = 0")


def _reste(chiffres: Chiffres, maintenant: float) -> float:
    """The seconds left before `chiffres` must be computed again."""
    return max(1.0, DUREE_CACHE_TABLEAUX - (maintenant - chiffres.instant_calcul))


def _conseil(filtres: Filtres) -> Chiffres[tableaux.TableauDeBord]:
    return _en_cache(CONSEIL, filtres, lambda: tableaux.tableau_conseil(filtres))


def _direction(filtres: Filtres) -> Chiffres[tableaux.TableauDeBord]:
    return _en_cache(DIRECTION, filtres, lambda: tableaux.tableau_direction(filtres))


def _carte(filtres: Filtres) -> Chiffres[tableaux.Carte]:
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


def _annees() -> tuple[list[int], int]:
    """tableaux.annees_disponibles, kept FRAICHEUR_TABLEAUX seconds: it reads the year of
    every reception (about 40 ms at a network's scale), at every view otherwise. A first
    reception in a new year shows in the year list within that time."""
    cle = f"tableaux:annees:{timezone.localdate().isoformat()}"
    annees = cache.get(cle)
    if annees is None:
        annees = tableaux.annees_disponibles()
        cache.set(cle, annees, FRAICHEUR_TABLEAUX)
    return annees


def _filtres(request: HttpRequest) -> tuple[FiltresForm, Filtres]:
    """The filters of the request; when they are invalid, the form carries the errors and
    the page shows the default view (the latest year with receptions, no filter)."""
    annees, defaut = _annees()
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


def _contexte(
    request, page: str, form: FiltresForm, filtres: Filtres, publies, chiffres: Chiffres
) -> dict:
    return {
        "page": page,
        "calcules_a": chiffres.calcules_a,
        "fraicheur_minutes": max(1, FRAICHEUR_TABLEAUX // 60),
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
    chiffres = _conseil(filtres)
    publies = _publies(chiffres.valeur, secret=True)
    chiffres_cles = publies.pop("chiffres-cles")
    contexte = _contexte(request, CONSEIL, form, filtres, publies, chiffres)
    contexte["chiffres_cles"] = chiffres_cles
    return render(request, "rapports/tableaux_de_bord.html", contexte)


@png_plotly
@require_GET
@permission_required(VOIR_DIRECTION, raise_exception=True)
def tableau_direction(request: HttpRequest) -> HttpResponse:
    """The direction's dashboard: the same figures, exact, plus the team's work, the
    dossiers waiting for a decision and the data quality."""
    form, filtres = _filtres(request)
    chiffres = _direction(filtres)
    tableau = chiffres.valeur
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
    contexte = _contexte(request, DIRECTION, form, filtres, publies, chiffres)
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
    chiffres = _carte(filtres)
    carte = chiffres.valeur
    secret = not request.user.has_perm(VOIR_DIRECTION)
    accueils = tableaux.publier(carte.accueils_par_commune, secret)
    contexte = _contexte(request, CARTE, form, filtres, {}, chiffres)
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
        carte = _carte(filtres).valeur
        secret = not request.user.has_perm(VOIR_DIRECTION)
        candidats = {
            "accueils-par-commune": carte.accueils_par_commune,
            "points-accueil": tableaux.tableau_points(carte),
        }
    elif page == DIRECTION:
        candidats, secret = _direction(filtres).valeur.tableaux, False
    else:
        candidats, secret = _conseil(filtres).valeur.tableaux, True
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
