"""Appointments: "Mes rendez-vous", the quick form, editing, the day sheet, the ICS feed."""

import datetime
import hashlib

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.http import require_GET, require_http_methods

from accompagnement import services
from accompagnement.calendrier import calendrier_ics
from accompagnement.forms import RendezVousForm, RendezVousRapideForm, libelle_dossier
from accompagnement.models import RendezVous
from accompagnement.phases import TransitionInterdite
from porteurs.models import Dossier
from territoires.models import PointAccueil

SUIVI = "maillage.acceder_suivi"


def _lundi(jour: datetime.date) -> datetime.date:
    return jour - datetime.timedelta(days=jour.weekday())


@require_GET
@permission_required(SUIVI, raise_exception=True)
def mes_rendez_vous(request: HttpRequest) -> HttpResponse:
    """Today's and this week's appointments of the logged-in staff member."""
    aujourd_hui = timezone.localdate()
    try:
        semaine = datetime.date.fromisoformat(request.GET.get("semaine", ""))
    except ValueError:
        semaine = aujourd_hui
    debut = _lundi(semaine)
    fin = debut + datetime.timedelta(days=6)
    rendez_vous = list(
        RendezVous.objects.du_charge(request.user)
        .entre(debut, fin)
        .select_related("dossier__porteur", "point_accueil")
        .order_by("date", "heure", "pk")
    )
    jours = [
        {
            "date": debut + datetime.timedelta(days=i),
            "rendez_vous": [r for r in rendez_vous if r.date == debut + datetime.timedelta(days=i)],
        }
        for i in range(7)
    ]
    return render(
        request,
        "accompagnement/mes_rendez_vous.html",
        {
            "aujourd_hui": aujourd_hui,
            "du_jour": [r for r in rendez_vous if r.date == aujourd_hui],
            "jours": jours,
            "semaine_vide": not rendez_vous,
            "debut": debut,
            "fin": fin,
            "precedente": debut - datetime.timedelta(days=7),
            "suivante": debut + datetime.timedelta(days=7),
            "lien_agenda": request.build_absolute_uri(lien_agenda(request.user)),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required([SUIVI, "accompagnement.add_rendezvous"], raise_exception=True)
def nouveau_rendez_vous(request: HttpRequest) -> HttpResponse:
    """The quick appointment form, reachable from every page (and prefilled from a
    dossier's page with ?dossier=REF)."""
    initial = {}
    if reference := request.GET.get("dossier"):
        dossier = Dossier.objects.select_related("porteur").filter(reference=reference).first()
        if dossier:
            initial["dossier"] = libelle_dossier(dossier)
    form = RendezVousRapideForm(
        request.POST if request.method == "POST" else None,
        utilisateur=request.user,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        donnees = {k: v for k, v in form.cleaned_data.items() if k != "dossier"}
        dossier = form.cleaned_data["dossier"]
        try:
            rdv = services.enregistrer_rendez_vous(dossier, auteur=request.user, **donnees)
        except (TransitionInterdite, ValidationError) as erreur:
            _erreurs_dans_le_formulaire(form, erreur)
        else:
            dossier.refresh_from_db(fields=["phase"])
            phase = dossier.get_phase_display() or "pas encore reçu"
            messages.success(
                request,
                f"Rendez-vous du {rdv.date:%d/%m/%Y} enregistré pour le dossier "
                f"{dossier.reference} (phase : {phase}).",
            )
            if request.POST.get("et_ensuite") == "autre":
                return redirect("accompagnement:nouveau")
            return redirect("porteurs:dossier", reference=dossier.reference)
    return render(
        request,
        "accompagnement/rendez_vous_form.html",
        {"form": form, "titre": "Nouveau rendez-vous"},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required([SUIVI, "accompagnement.change_rendezvous"], raise_exception=True)
def modifier_rendez_vous(request: HttpRequest, pk: int) -> HttpResponse:
    rdv = get_object_or_404(RendezVous.objects.select_related("dossier__porteur"), pk=pk)
    form = RendezVousForm(request.POST if request.method == "POST" else None, instance=rdv)
    if request.method == "POST" and form.is_valid():
        champs = {k: v for k, v in form.cleaned_data.items() if k in services.CHAMPS_MODIFIABLES}
        try:
            # A fresh instance: the form's one already carries the new values.
            services.modifier_rendez_vous(RendezVous.objects.get(pk=rdv.pk), **champs)
        except (TransitionInterdite, ValidationError) as erreur:
            _erreurs_dans_le_formulaire(form, erreur)
        else:
            messages.success(request, "Rendez-vous modifié.")
            return redirect("porteurs:dossier", reference=rdv.dossier.reference)
    return render(
        request,
        "accompagnement/rendez_vous_form.html",
        {"form": form, "titre": "Modifier le rendez-vous", "rendez_vous": rdv},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["POST"])
@permission_required([SUIVI, "accompagnement.delete_rendezvous"], raise_exception=True)
def supprimer_rendez_vous(request: HttpRequest, pk: int) -> HttpResponse:
    rdv = get_object_or_404(RendezVous.objects.select_related("dossier"), pk=pk)
    reference = rdv.dossier.reference
    try:
        services.supprimer_rendez_vous(rdv)
    except TransitionInterdite as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, "Rendez-vous supprimé.")
    return redirect("porteurs:dossier", reference=reference)


def _erreurs_dans_le_formulaire(form, erreur: ValidationError) -> None:
    """Put a domain refusal next to the field it concerns when it names one."""
    if hasattr(erreur, "error_dict"):
        for champ, liste in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, liste)
    else:
        form.add_error(None, erreur)


@require_GET
@permission_required(SUIVI, raise_exception=True)
def feuille_du_jour(request: HttpRequest) -> HttpResponse:
    """The printable list of a day's appointments at one place, for the partner's front
    desk: time, reference and name, staff member. No notes, no contact details."""
    try:
        jour = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        jour = timezone.localdate()
    lieux = PointAccueil.objects.actifs(jour).select_related("commune")
    point = None
    if pk := request.GET.get("lieu"):
        if not pk.isdigit():
            raise Http404("Lieu inconnu")
        point = get_object_or_404(PointAccueil, pk=pk)
    qs = RendezVous.objects.filter(date=jour).exclude(statut=RendezVous.Statut.ANNULE)
    qs = qs.filter(point_accueil=point) if point else qs.filter(lieu=RendezVous.Lieu.LOCAUX)
    rendez_vous = qs.select_related("dossier__porteur", "charge").order_by("heure", "pk")
    return render(
        request,
        "accompagnement/feuille_du_jour.html",
        {"jour": jour, "point": point, "lieux": lieux, "rendez_vous": rendez_vous},
    )


# --- Private calendar feed ---------------------------------------------------------------


def _jeton(user) -> str:
    """A secret per user for the calendar address. It changes with the password, so a
    leaked address stops working once the password is changed."""
    return salted_hmac(
        "maillage.agenda", f"{user.pk}:{user.password}", algorithm="sha256"
    ).hexdigest()[:32]


def lien_agenda(user) -> str:
    return reverse("accompagnement:agenda", kwargs={"pk": user.pk, "jeton": _jeton(user)})


@login_not_required
@require_GET
def agenda(request: HttpRequest, pk: int, jeton: str) -> HttpResponse:
    """The staff member's appointments (the last 30 days and all to come) as ICS, for their
    calendar application. Secret address instead of a login; no name or note in it."""
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None or not constant_time_compare(jeton, _jeton(user)):
        raise Http404("Agenda inconnu")
    depuis = timezone.localdate() - datetime.timedelta(days=30)
    rendez_vous = (
        RendezVous.objects.du_charge(user)
        .filter(date__gte=depuis)
        .exclude(statut=RendezVous.Statut.ANNULE)
        .select_related("dossier", "point_accueil__commune")
        .order_by("date", "heure")
    )
    contenu = calendrier_ics(rendez_vous, hote=request.get_host())
    reponse = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
    reponse["Content-Disposition"] = 'inline; filename="maillage.ics"'
    reponse["ETag"] = '"' + hashlib.sha256(contenu.encode()).hexdigest()[:16] + '"'
    return reponse
