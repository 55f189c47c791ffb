"""Screens of the casework: receiving someone, the dossier page, the lists and exports.

Views are thin: fetch what the user may see, validate the forms, call the domain function
(accompagnement.services / accompagnement.phases), message, redirect.
"""

import json
import logging
from itertools import chain

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accompagnement import phases
from accompagnement.forms import ChangementPhaseForm, RendezVousForm
from accompagnement.models import RendezVous
from accompagnement.services import (
    DoublonBloquant,
    annuler_dernier_changement,
    recevoir_nouvelle_personne,
)
from maillage.journal import journal as journal_securite
from maillage.pagination import PLAFOND_COMPTE, PaginateurPlafonne
from porteurs import rgpd
from porteurs.exports import exporter_dossiers
from porteurs.filters import DossierFilter, PorteurFilter, selects_rapides
from porteurs.forms import (
    ConfirmationDoublonForm,
    DossierAccueilForm,
    DossierForm,
    ModificationConcurrente,
    PorteurForm,
    enregistrer_modifications,
)
from porteurs.historique import historique_dossier
from porteurs.models import Dossier, Porteur
from porteurs.services import detecter_doublons
from rapports.pdf import rendre_pdf
from territoires.recherche import suggestions_communes

journal = logging.getLogger(__name__)

PAR_PAGE = 50
# The dossier list counts up to this many and then says "plus de 10 000".
PLAFOND_LISTE = PLAFOND_COMPTE


def dossier_visible(request: HttpRequest, reference: str) -> Dossier:
    """The dossier with that reference, for a staff member (the decorators check the role:
    every staff member of the association may follow every dossier), with what its page
    shows of its porteur and territory."""
    dossier = get_object_or_404(
        Dossier.objects.select_related(
            "referent", "prescripteur", "commune_accueil", "epci_accueil", "quartier_accueil"
        ),
        reference=reference,
    )
    # The porteur in a second query: PostgreSQL took 4-5 ms to plan the nine-table join
    # (more than running it), 1.4 ms to plan these two.
    dossier.porteur = Porteur.objects.select_related("commune", "quartier").get(
        pk=dossier.porteur_id
    )
    return dossier


@require_http_methods(["GET", "POST"])
@permission_required(["maillage.acceder_suivi", "porteurs.add_dossier"], raise_exception=True)
def recevoir(request: HttpRequest) -> HttpResponse:
    """Receive someone new: the porteur, the dossier and the accueil appointment, in one
    form and one transaction. A homonym with the same birth date blocks; a close name in
    the same commune asks for a confirmation first."""
    donnees = request.POST if request.method == "POST" else None
    porteur_form = PorteurForm(donnees, prefix="porteur")
    dossier_form = DossierAccueilForm(
        donnees, prefix="dossier", initial={"referent": request.user.pk}
    )
    rdv_form = RendezVousForm(
        donnees,
        prefix="rdv",
        utilisateur=request.user,
        initial={"objet": RendezVous.Objet.ACCUEIL_ORIENTATION},
    )
    confirmation = ConfirmationDoublonForm(donnees, prefix="doublon")
    proches: list[Porteur] = []
    bloquants: list[Porteur] = []
    if request.method == "POST" and all(
        [porteur_form.is_valid(), dossier_form.is_valid(), rdv_form.is_valid()]
    ):
        p = porteur_form.cleaned_data
        bloquants, proches = detecter_doublons(
            p["nom"], p.get("prenom", ""), p.get("date_naissance"), p.get("commune")
        )
        confirmation.is_valid()
        confirme = confirmation.cleaned_data.get("autre_personne", False)
        if not bloquants and (not proches or confirme):
            rendez_vous = rdv_form.save(commit=False)
            porteur_form.noter_information(request.user)
            try:
                dossier = recevoir_nouvelle_personne(
                    porteur_form.save(commit=False),
                    dossier_form.save(commit=False),
                    rendez_vous,
                    auteur=request.user,
                )
            except (DoublonBloquant, ValidationError) as erreur:
                porteur_form.add_error(None, erreur)
            else:
                journal.info("accueil enregistré: dossier %s", dossier.pk)
                messages.success(
                    request,
                    f"Accueil enregistré : dossier {dossier.reference}"
                    f" ({dossier.get_phase_display() or 'pas encore reçu'}).",
                )
                return redirect("porteurs:dossier", reference=dossier.reference)
    return render(
        request,
        "porteurs/recevoir.html",
        {
            "porteur_form": porteur_form,
            "dossier_form": dossier_form,
            "rdv_form": rdv_form,
            "confirmation": confirmation,
            "bloquants": bloquants,
            "proches": proches,
            "communes": suggestions_communes(),
            "annees_conservation": settings.RGPD_CONSERVATION_ANNEES,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@permission_required(["maillage.acceder_suivi", "porteurs.view_dossier"], raise_exception=True)
def dossier(request: HttpRequest, reference: str) -> HttpResponse:
    dossier = dossier_visible(request, reference)
    autorisees = phases.phases_autorisees(dossier)
    return render(request, "porteurs/dossier.html", _contexte_dossier(dossier, autorisees))


def _contexte_dossier(dossier: Dossier, autorisees: list[str], phase_form=None) -> dict:
    rendez_vous = list(
        # The place is shown with its commune: joined here, not read once per appointment.
        dossier.rendez_vous.select_related("charge", "point_accueil__commune").order_by(
            "-date", "-heure", "-pk"
        )
    )
    changements = list(
        dossier.changements_phase.select_related("auteur", "orientation_vers").order_by(
            "-date", "-pk"
        )
    )
    # One timeline, newest first; at equal dates the phase change after the appointment
    # that triggered it.
    frise = sorted(
        chain(
            ({"type": "rdv", "date": r.date, "objet": r} for r in rendez_vous),
            ({"type": "phase", "date": c.date, "objet": c} for c in changements),
        ),
        key=lambda e: (e["date"], e["type"] == "phase"),
        reverse=True,
    )
    if phase_form is None and autorisees:
        suggere = phases.suggerer_type_sortie(dossier) if "sortie" in autorisees else ""
        phase_form = ChangementPhaseForm(phases=autorisees, type_sortie_suggere=suggere)
    if phase_form is not None:
        # Its "orienté(e) vers" lists every partner structure: drawn in Python.
        selects_rapides(phase_form.fields.values())
    realises = [r for r in rendez_vous if r.est_realise]
    return {
        "dossier": dossier,
        "porteur": dossier.porteur,
        "co_porteurs": list(dossier.co_porteurs.all()),
        "frise": frise,
        "phase_form": phase_form,
        "nb_realises": len(realises),
        "heures": sum(r.duree_minutes for r in realises) / 60,
        "modifications": historique_dossier(dossier),
        # Only the last change can be undone, and only when a person made it.
        "annulable": changements[0] if changements and not changements[0].automatique else None,
    }


@require_http_methods(["POST"])
@permission_required(
    ["maillage.acceder_suivi", "accompagnement.add_changementphase"], raise_exception=True
)
def changer_phase(request: HttpRequest, reference: str) -> HttpResponse:
    dossier = dossier_visible(request, reference)
    autorisees = phases.phases_autorisees(dossier)
    form = ChangementPhaseForm(request.POST, phases=autorisees)
    if form.is_valid():
        d = form.cleaned_data
        try:
            phases.changer_phase(
                dossier,
                d["phase"],
                d["date"],
                auteur=request.user,
                type_sortie=d.get("type_sortie"),
                issue=d.get("issue"),
                orientation_vers=d.get("orientation_vers"),
                date_convention=d.get("date_convention"),
                commentaire=d.get("commentaire", ""),
            )
        except phases.TransitionInterdite as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(
                request, f"Dossier {dossier.reference} : {dossier.get_phase_display()} enregistrée."
            )
            return redirect("porteurs:dossier", reference=dossier.reference)
    contexte = _contexte_dossier(dossier, autorisees, phase_form=form)
    return render(request, "porteurs/dossier.html", contexte, status=400)


@require_http_methods(["POST"])
@permission_required(
    ["maillage.acceder_suivi", "accompagnement.add_changementphase"], raise_exception=True
)
def annuler_changement(request: HttpRequest, reference: str) -> HttpResponse:
    """Undo the dossier's last phase change, entered by mistake (a manual one only)."""
    dossier = dossier_visible(request, reference)
    try:
        annuler_dernier_changement(dossier)
    except phases.TransitionInterdite as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(
            request, f"Dernier changement de phase du dossier {dossier.reference} annulé."
        )
    return redirect("porteurs:dossier", reference=dossier.reference)


@require_http_methods(["GET", "POST"])
@permission_required(["maillage.acceder_suivi", "porteurs.change_dossier"], raise_exception=True)
def modifier_dossier(request: HttpRequest, reference: str) -> HttpResponse:
    dossier = dossier_visible(request, reference)
    donnees = request.POST if request.method == "POST" else None
    dossier_form = DossierForm(donnees, instance=dossier, prefix="dossier")
    porteur_form = PorteurForm(donnees, instance=dossier.porteur, prefix="porteur")
    statut = 200
    if request.method == "POST":
        statut = 400
        if dossier_form.is_valid() and porteur_form.is_valid():
            try:
                enregistrer_modifications(porteur_form, dossier_form, request.user)
            except ModificationConcurrente as conflit:
                # 409: the page is shown again with what this person typed, and the reason.
                porteur_form.add_error(None, str(conflit))
                statut = 409
            else:
                messages.success(request, f"Dossier {dossier.reference} mis à jour.")
                return redirect("porteurs:dossier", reference=dossier.reference)
    return render(
        request,
        "porteurs/modifier_dossier.html",
        {
            "dossier": dossier,
            "dossier_form": dossier_form,
            "porteur_form": porteur_form,
            "communes": suggestions_communes(),
        },
        status=statut,
    )


# Newest reception first (index dossier_accueil_liste_idx, read backwards).
ORDRE_LISTE = ("-date_accueil", "-pk")
RELATIONS_LISTE = ("porteur", "referent", "commune_accueil")
# What templates/porteurs/dossiers.html shows of each dossier: any other field read there
# would cost one query a row (tests/porteurs/test_requetes_pages.py would see it).
COLONNES_LISTE = (
    "reference",
    "intitule",
    "dispositif",
    "phase",
    "date_accueil",
    "porteur__nom",
    "porteur__prenom",
    "referent__username",
    "referent__first_name",
    "referent__last_name",
    "commune_accueil__nom",
)


def _dossiers_filtres(request: HttpRequest) -> DossierFilter:
    qs = Dossier.objects.select_related(
        "porteur", "referent", "commune_accueil", "epci_accueil"
    ).order_by(*ORDRE_LISTE)
    return DossierFilter(request.GET or None, queryset=qs)


@require_GET
@permission_required(["maillage.acceder_suivi", "porteurs.view_dossier"], raise_exception=True)
def dossiers(request: HttpRequest) -> HttpResponse:
    filtre = _dossiers_filtres(request)
    # An invalid filter (a bad date) shows its error instead of an empty list.
    qs = filtre.qs if filtre.is_bound and filtre.is_valid() else filtre.queryset
    if filtre.is_bound and not filtre.is_valid():
        qs = qs.none()
    # The count stops at 10 000 (the page says "plus de 10 000"): an exact count read
    # every matching row at each view, 130 000 of them at a network's scale. The rows are
    # joined for the page's 50 dossiers only, with the columns the table shows.
    lignes = (
        Dossier.objects.select_related(*RELATIONS_LISTE)
        .only(*COLONNES_LISTE)
        .order_by(*ORDRE_LISTE)
    )
    paginateur = PaginateurPlafonne(qs, PAR_PAGE, plafond=PLAFOND_LISTE, lignes=lignes)
    page = paginateur.get_page(request.GET.get("page"))
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return render(
        request,
        "porteurs/dossiers.html",
        {
            "filtre": filtre,
            "page": page,
            "parametres": parametres.urlencode(),
            # Each row links to <this list's address><reference>/ (porteurs/urls.py): built
            # by concatenation, 50 {% url %} took 6 % of the page's time.
            "url_dossiers": reverse("porteurs:dossiers"),
        },
    )


@require_GET
@permission_required(["maillage.acceder_suivi", "porteurs.view_dossier"], raise_exception=True)
def exporter(request: HttpRequest, format: str) -> HttpResponse:
    filtre = _dossiers_filtres(request)
    if filtre.is_bound and not filtre.is_valid():
        messages.error(request, "Corrigez les filtres avant d'exporter.")
        return redirect("porteurs:dossiers")
    qs = filtre.qs.prefetch_related(
        Prefetch("co_porteurs", queryset=Porteur.objects.select_related("commune"))
    ).select_related("porteur__commune", "quartier_accueil", "prescripteur")
    nom, type_mime, contenu = exporter_dossiers(qs, format)
    # The export of personal data goes to the security log (who, which format), never its
    # content.
    journal_securite.info("export dossiers: utilisateur %s, format %s", request.user.pk, format)
    reponse = HttpResponse(contenu, content_type=type_mime)
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse


@require_GET
@permission_required(["maillage.acceder_suivi", "porteurs.view_porteur"], raise_exception=True)
def porteurs(request: HttpRequest) -> HttpResponse:
    qs = (
        Porteur.objects.select_related("commune")
        .prefetch_related(
            Prefetch(
                "dossiers", queryset=Dossier.objects.only("pk", "reference", "porteur_id", "phase")
            )
        )
        .order_by("nom", "prenom", "pk")
    )
    filtre = PorteurFilter(request.GET or None, queryset=qs)
    resultat = filtre.qs if not filtre.is_bound or filtre.is_valid() else qs.none()
    page = Paginator(resultat, PAR_PAGE).get_page(request.GET.get("page"))
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return render(
        request,
        "porteurs/porteurs.html",
        {"filtre": filtre, "page": page, "parametres": parametres.urlencode()},
    )


# --- RGPD ------------------------------------------------------------------------------


@require_GET
@permission_required("maillage.acceder_suivi", raise_exception=True)
def information_donnees(request: HttpRequest) -> HttpResponse:
    """The information notice read or handed to each person at reception (article 13)."""
    return render(
        request,
        "porteurs/information_donnees.html",
        {"annees_conservation": settings.RGPD_CONSERVATION_ANNEES},
    )


# Right of access and erasure are handled by the direction (the data controller's
# representative), not by every staff member: the least access that does the job. The
# permission that only the direction holds on porteurs is the deletion one.
DROITS_DIRECTION = ["maillage.acceder_suivi", "porteurs.delete_porteur"]


@require_GET
@permission_required(DROITS_DIRECTION, raise_exception=True)
def exporter_personne(request: HttpRequest, pk: int, format: str) -> HttpResponse:
    """Everything held about one person, as JSON or as a readable PDF (right of access)."""
    porteur = get_object_or_404(Porteur, pk=pk)
    donnees = rgpd.donnees_personne(porteur)
    if format == "json":
        contenu = json.dumps(donnees, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
        type_mime = "application/json; charset=utf-8"
    else:
        contenu = rendre_pdf(rgpd.html_donnees_personne(porteur, donnees))
        type_mime = "application/pdf"
    # Ids only: the security log must not itself hold the personal data it tracks.
    journal_securite.info(
        "export de données personnelles: porteur %s, format %s, par utilisateur %s",
        porteur.pk,
        format,
        request.user.pk,
    )
    reponse = HttpResponse(contenu, content_type=type_mime)
    reponse["Content-Disposition"] = f'attachment; filename="donnees-porteur-{porteur.pk}.{format}"'
    return reponse


@require_http_methods(["GET", "POST"])
@permission_required(DROITS_DIRECTION, raise_exception=True)
def anonymiser(request: HttpRequest, pk: int) -> HttpResponse:
    """Erase a person's identity (right to erasure): a confirmation page, then the act."""
    porteur = get_object_or_404(Porteur, pk=pk)
    dossiers = list(porteur.dossiers.order_by("reference"))
    if request.method == "POST":
        try:
            rgpd.anonymiser_porteur(porteur, request.user)
        except rgpd.DejaAnonymise as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            journal_securite.info(
                "anonymisation: porteur %s, par utilisateur %s", porteur.pk, request.user.pk
            )
            messages.success(
                request,
                "Les données personnelles ont été anonymisées. Les chiffres des rapports "
                "sont inchangés.",
            )
        if dossiers:
            return redirect("porteurs:dossier", reference=dossiers[0].reference)
        return redirect("porteurs:porteurs")
    return render(request, "porteurs/anonymiser.html", {"porteur": porteur, "dossiers": dossiers})
