"""Screens of the ADVA training programme and of the collective events, for the staff.

Views are thin: fetch the object (404 when unknown), validate the form, call the domain
function (formations.services: enrolment, cancellation, attendance), message, redirect. A
refused form is shown again with its errors next to the fields, status 400, nothing
written. Every view needs "maillage.acceder_suivi" plus the model permission of what it
reads or writes: board members have neither and get a 403.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from formations import pdf
from formations.forms import (
    AssociationForm,
    ConventionForm,
    EvenementForm,
    FicheForm,
    InscriptionExistantForm,
    NouveauStagiaireForm,
    SessionForm,
    StagiaireForm,
    suggestions_associations,
)
from formations.models import (
    AssociationInscrivante,
    Convention,
    Evenement,
    Inscription,
    ModulePrevu,
    Presence,
    Session,
    Stagiaire,
)
from formations.services import (
    annuler_inscription,
    completer_depuis_liste_attente,
    creer_jours,
    inscrire,
    noter_presences,
    parcours_association,
    parcours_stagiaire,
    position_attente,
    trouver_ou_creer_stagiaire,
)
from formations.stats import programme_convention
from porteurs.models import NR

journal = logging.getLogger(__name__)

SUIVI = "maillage.acceder_suivi"
PAR_PAGE = 50
RESULTATS_RECHERCHE = 20
INSCRIT = Inscription.Statut.INSCRIT
ATTENTE = Inscription.Statut.LISTE_ATTENTE
ANNULE = Inscription.Statut.ANNULE


def _statut(request: HttpRequest) -> int:
    """200 for a page shown, 400 for a form sent back with its errors."""
    return 400 if request.method == "POST" else 200


# --- Conventions and their programme ------------------------------------------------------


@require_GET
@permission_required([SUIVI, "formations.view_convention"], raise_exception=True)
def conventions(request: HttpRequest) -> HttpResponse:
    """The conventions with planned vs done, and the sessions to come. Three queries."""
    aujourd_hui = timezone.localdate()
    liste = list(
        Convention.objects.select_related("financeur")
        .annotate(
            sessions_tenues=Count("sessions", filter=Q(sessions__date_fin__lte=aujourd_hui)),
            sessions_programmees=Count("sessions"),
        )
        .order_by("-date_debut")
    )
    # Summed apart: in the query above the join with the sessions would multiply the sums.
    prevues = dict(
        ModulePrevu.objects.values("convention")
        .annotate(n=Sum("sessions_prevues"))
        .values_list("convention", "n")
    )
    for convention in liste:
        convention.sessions_prevues = prevues.get(convention.pk, 0)
    a_venir = (
        Session.objects.filter(date_fin__gte=aujourd_hui)
        .select_related("module", "convention")
        .avec_effectifs()
        .order_by("date_debut", "pk")
    )
    return render(
        request,
        "formations/conventions.html",
        {"conventions": liste, "a_venir": list(a_venir), "aujourd_hui": aujourd_hui},
    )


@require_GET
@permission_required([SUIVI, "formations.view_convention"], raise_exception=True)
def convention(request: HttpRequest, pk: int) -> HttpResponse:
    """Planned vs done per module: the two tables of report section 3.2."""
    convention = get_object_or_404(Convention.objects.select_related("financeur"), pk=pk)
    programme = programme_convention(convention)
    return render(
        request,
        "formations/convention.html",
        {
            "convention": convention,
            "programme": programme,
            "programmees": sum(ligne.programmees for ligne in programme.lignes),
            "reste": sum(ligne.reste_a_realiser for ligne in programme.lignes),
        },
    )


def _formulaire_convention(request: HttpRequest, convention: Convention | None) -> HttpResponse:
    form = ConventionForm(request.POST if request.method == "POST" else None, instance=convention)
    if request.method == "POST" and form.is_valid():
        convention = form.save()
        messages.success(request, f"{convention} enregistrée.")
        return redirect("formations:convention", pk=convention.pk)
    return render(
        request,
        "formations/convention_form.html",
        {"form": form, "convention": convention},
        status=_statut(request),
    )


@require_http_methods(["GET", "POST"])
@permission_required([SUIVI, "formations.add_convention"], raise_exception=True)
def nouvelle_convention(request: HttpRequest) -> HttpResponse:
    return _formulaire_convention(request, None)


@require_http_methods(["GET", "POST"])
@permission_required([SUIVI, "formations.change_convention"], raise_exception=True)
def modifier_convention(request: HttpRequest, pk: int) -> HttpResponse:
    return _formulaire_convention(request, get_object_or_404(Convention, pk=pk))


# --- Sessions -----------------------------------------------------------------------------


def _session(pk: int) -> Session:
    return get_object_or_404(
        Session.objects.select_related("module", "convention").prefetch_related("formateurs"),
        pk=pk,
    )


def _formulaire_session(request: HttpRequest, session: Session | None) -> HttpResponse:
    initial = {}
    if session is None:
        for champ in ("convention", "module"):
            if (valeur := request.GET.get(champ, "")).isdigit():
                initial[champ] = int(valeur)
    capacite_avant = session.capacite if session else None
    form = SessionForm(
        request.POST if request.method == "POST" else None, instance=session, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            session = form.save()
            jours = form.cleaned_data["jours"]
            # Days taken off the list go (the form refused those with attendance taken).
            session.jours.exclude(date__in=jours).delete()
            creer_jours(session, jours)
            promues = []
            if capacite_avant is not None and session.capacite > capacite_avant:
                promues = completer_depuis_liste_attente(session)
        messages.success(request, "Session enregistrée.")
        if promues:
            messages.info(
                request,
                f"{len(promues)} personne(s) de la liste d'attente ont reçu une place : "
                + ", ".join(str(i.stagiaire) for i in promues)
                + ".",
            )
        return redirect("formations:session", pk=session.pk)
    return render(
        request,
        "formations/session_form.html",
        {"form": form, "session": session},
        status=_statut(request),
    )


@require_http_methods(["GET", "POST"])
@permission_required([SUIVI, "formations.add_session"], raise_exception=True)
def nouvelle_session(request: HttpRequest) -> HttpResponse:
    return _formulaire_session(request, None)


@require_http_methods(["GET", "POST"])
@permission_required([SUIVI, "formations.change_session"], raise_exception=True)
def modifier_session(request: HttpRequest, pk: int) -> HttpResponse:
    return _formulaire_session(request, _session(pk))


def _recherche_stagiaires(session: Session, q: str) -> list[Stagiaire]:
    """Trainees whose names contain every word typed, with the association that enrolled
    them last and whether they already hold a place or wait in this session. One query."""
    mots = q.split()
    if not mots or len(q) < 2:
        return []
    criteres = Q()
    for mot in mots:
        criteres &= Q(nom__icontains=mot) | Q(prenom__icontains=mot)
    derniere = Inscription.objects.filter(stagiaire=OuterRef("pk")).order_by("-inscrit_le", "-pk")
    return list(
        Stagiaire.objects.filter(criteres)
        .annotate(
            derniere_association=Subquery(derniere.values("association__nom")[:1]),
            deja_inscrit=Exists(
                Inscription.objects.filter(stagiaire=OuterRef("pk"), session=session).exclude(
                    statut=ANNULE
                )
            ),
        )
        .order_by("nom", "prenom", "pk")[:RESULTATS_RECHERCHE]
    )


def _grille(inscrits: list[Inscription], jours: list, presences: set[tuple[int, int]]) -> list:
    aujourd_hui = timezone.localdate()
    return [
        {
            "inscription": inscription,
            "cases": [
                {
                    "jour": jour,
                    "valeur": f"{inscription.pk}-{jour.pk}",
                    "coche": (inscription.pk, jour.pk) in presences,
                    "a_venir": jour.date > aujourd_hui,
                }
                for jour in jours
            ],
        }
        for inscription in inscrits
    ]


def _contexte_session(
    request: HttpRequest,
    session: Session,
    *,
    nouveau_form: NouveauStagiaireForm | None = None,
    existant_form: InscriptionExistantForm | None = None,
    erreur_grille: str = "",
) -> dict:
    """Everything the session page shows. A constant number of queries."""
    inscriptions = list(
        session.inscriptions.select_related("stagiaire", "association")
        .annotate(
            jours_releves=Count("presences"),
            jours_presents=Count("presences", filter=Q(presences__present=True)),
        )
        .order_by("stagiaire__nom", "stagiaire__prenom", "pk")
    )
    inscrits = [i for i in inscriptions if i.statut == INSCRIT]
    # The waiting list in line order: its position is the rank among those still waiting.
    attente = sorted((i for i in inscriptions if i.statut == ATTENTE), key=lambda i: i.rang_attente)
    annulees = [i for i in inscriptions if i.statut == ANNULE]
    jours = list(session.jours.order_by("date"))
    presences = set(
        Presence.objects.filter(jour__session=session, present=True).values_list(
            "inscription_id", "jour_id"
        )
    )
    q = request.GET.get("q", "").strip()
    return {
        "session": session,
        "formateurs": list(session.formateurs.all()),
        "jours": jours,
        "jours_a_relever": [j for j in jours if j.date <= timezone.localdate()],
        "inscrits": inscrits,
        "attente": attente,
        "annulees": annulees,
        "places_libres": max(session.capacite - len(inscrits), 0),
        "grille": _grille(inscrits, jours, presences),
        "erreur_grille": erreur_grille,
        "q": q,
        "resultats": _recherche_stagiaires(session, q),
        "recherche_faite": len(q) >= 2,
        "nouveau_form": nouveau_form or NouveauStagiaireForm(),
        "existant_form": existant_form,
        "associations": suggestions_associations(),
    }


@require_GET
@permission_required(
    [SUIVI, "formations.view_session", "formations.view_inscription"], raise_exception=True
)
def session(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    return render(request, "formations/session.html", _contexte_session(request, session))


def _annoncer_inscription(request: HttpRequest, inscription: Inscription) -> None:
    if inscription.statut == INSCRIT:
        messages.success(request, f"{inscription.stagiaire} est inscrit(e) à la session.")
    else:
        messages.warning(
            request,
            f"Session complète : {inscription.stagiaire} est sur la liste d'attente "
            f"(position {position_attente(inscription)}).",
        )


def _enregistrer_association(association: AssociationInscrivante, request: HttpRequest) -> None:
    if association.pk is None:
        association.save()
        messages.info(request, f"Nouvelle association enregistrée : {association}.")


@require_POST
@permission_required([SUIVI, "formations.add_inscription"], raise_exception=True)
def inscrire_stagiaire(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: enrol a trainee found by the search, for the association given (prefilled
    with the one that enrolled them last). No new person is created."""
    session = _session(pk)
    form = InscriptionExistantForm(request.POST)
    if not form.is_valid():
        contexte = _contexte_session(request, session, existant_form=form)
        return render(request, "formations/session.html", contexte, status=400)
    stagiaire = form.cleaned_data["stagiaire"]
    if session.inscriptions.filter(stagiaire=stagiaire).exclude(statut=ANNULE).exists():
        messages.info(request, f"{stagiaire} est déjà inscrit(e) à cette session.")
        return redirect("formations:session", pk=session.pk)
    association = form.cleaned_data["association"]
    _enregistrer_association(association, request)
    _annoncer_inscription(request, inscrire(session, stagiaire, association))
    return redirect("formations:session", pk=session.pk)


@require_POST
@permission_required(
    [SUIVI, "formations.add_inscription", "formations.add_stagiaire"], raise_exception=True
)
def inscrire_nouveau(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol someone the search did not find: the person is recognised when the birth date
    or the e-mail matches an existing trainee (trouver_ou_creer_stagiaire), created
    otherwise; the fiche, when filled, is recorded on the enrolment."""
    session = _session(pk)
    form = NouveauStagiaireForm(request.POST)
    if not form.is_valid():
        contexte = _contexte_session(request, session, nouveau_form=form)
        return render(request, "formations/session.html", contexte, status=400)
    d = form.cleaned_data
    stagiaire, cree = trouver_ou_creer_stagiaire(
        d["nom"],
        d["prenom"],
        date_naissance=d["date_naissance"],
        email=d["email"],
        genre=d["genre"] or NR,
        telephone=d["telephone"],
    )
    if not cree:
        messages.info(request, f"{stagiaire} était déjà connu(e) : pas de nouvelle personne.")
        if session.inscriptions.filter(stagiaire=stagiaire).exclude(statut=ANNULE).exists():
            messages.info(request, f"{stagiaire} est déjà inscrit(e) à cette session.")
            return redirect("formations:session", pk=session.pk)
    association = d["association"]
    _enregistrer_association(association, request)
    inscription = inscrire(session, stagiaire, association, fiche=form.fiche())
    journal.info("inscription %s: session %s", inscription.pk, session.pk)
    _annoncer_inscription(request, inscription)
    return redirect("formations:session", pk=session.pk)


def _inscription(pk: int) -> Inscription:
    return get_object_or_404(
        Inscription.objects.select_related(
            "stagiaire", "association", "session__module", "session__convention"
        ),
        pk=pk,
    )


@require_POST
@permission_required([SUIVI, "formations.change_inscription"], raise_exception=True)
def annuler(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel an enrolment; the first on the waiting list takes the seat freed."""
    inscription = _inscription(pk)
    if inscription.statut == ANNULE:
        messages.info(request, f"L'inscription de {inscription.stagiaire} était déjà annulée.")
    else:
        promues = annuler_inscription(inscription)
        messages.success(request, f"Inscription de {inscription.stagiaire} annulée.")
        for promue in promues:
            messages.info(
                request, f"{promue.stagiaire} passe de la liste d'attente aux inscrit(e)s."
            )
    return redirect("formations:session", pk=inscription.session_id)


@require_http_methods(["GET", "POST"])
@permission_required([SUIVI, "formations.change_inscription"], raise_exception=True)
def fiche(request: HttpRequest, pk: int) -> HttpResponse:
    """The fiche de renseignement of an enrolment, filled in or corrected."""
    inscription = _inscription(pk)
    initial = {q: getattr(inscription, q) for q in FicheForm.QUESTIONS}
    initial["fiche_renseignee"] = True
    form = FicheForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        reponses = form.fiche()
        if reponses is None:
            # Unticked with no answer: the fiche was not filled after all.
            inscription.fiche_renseignee = False
            for question in FicheForm.QUESTIONS:
                setattr(inscription, question, NR)
            inscription.save(update_fields=["fiche_renseignee", *FicheForm.QUESTIONS, "modifie_le"])
        else:
            inscription.renseigner_fiche(
                genre=reponses.genre,
                tranche_age=reponses.tranche_age,
                sphere_dirigeante=reponses.sphere_dirigeante,
                emploi=reponses.emploi,
            )
        messages.success(request, f"Fiche de renseignement de {inscription.stagiaire} enregistrée.")
        return redirect("formations:session", pk=inscription.session_id)
    return render(
        request,
        "formations/fiche.html",
        {"form": form, "inscription": inscription},
        status=_statut(request),
    )


@require_POST
@permission_required(
    [SUIVI, "formations.add_presence", "formations.change_presence"], raise_exception=True
)
def presences(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendance grid: every day shown in the form (the days up to today), for every
    confirmed trainee, in one transaction. A box that does not belong to the session or a
    day to come refuses the whole grid."""
    session = _session(pk)
    jours = {j.pk: j for j in session.jours.all()}
    inscrits = {i.pk: i for i in session.inscriptions.confirmees()}
    aujourd_hui = timezone.localdate()
    erreur = ""
    try:
        releves = {int(v) for v in request.POST.getlist("jour")}
        cases = [tuple(int(x) for x in v.split("-", 1)) for v in request.POST.getlist("presence")]
    except ValueError:
        releves, cases, erreur = set(), [], "Le relevé envoyé est illisible : rechargez la page."
    if not erreur and (not releves or not releves <= jours.keys()):
        erreur = "Ce relevé ne correspond pas aux jours de la session : rechargez la page."
    elif not erreur and any(jours[j].date > aujourd_hui for j in releves):
        erreur = "Les présences d'un jour à venir ne peuvent pas être relevées."
    elif not erreur and any(
        len(c) != 2 or c[0] not in inscrits or c[1] not in releves for c in cases
    ):
        erreur = (
            "Seul(e)s les inscrit(e)s de la session peuvent être présent(e)s, pour les jours "
            "relevés : rechargez la page (une inscription a peut-être été annulée entre-temps)."
        )
    if erreur:
        contexte = _contexte_session(request, session, erreur_grille=erreur)
        return render(request, "formations/session.html", contexte, status=400)
    with transaction.atomic():
        for jour_pk in sorted(releves, key=lambda j: jours[j].date):
            noter_presences(jours[jour_pk], [inscrits[i] for i, j in cases if j == jour_pk])
    messages.success(request, "Présences enregistrées.")
    return redirect("formations:session", pk=session.pk)


# --- Documents ------------------------------------------------------------------------------


def _reponse_pdf(document: pdf.Document) -> HttpResponse:
    reponse = HttpResponse(document.contenu, content_type=document.type_mime)
    reponse["Content-Disposition"] = f'inline; filename="{document.nom}"'
    return reponse


@require_GET
@permission_required(
    [SUIVI, "formations.view_session", "formations.view_inscription"], raise_exception=True
)
def emargement(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendance sheet to print from the browser."""
    return render(request, "formations/emargement.html", pdf.contexte_emargement(_session(pk)))


@require_GET
@permission_required(
    [SUIVI, "formations.view_session", "formations.view_inscription"], raise_exception=True
)
def emargement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _reponse_pdf(pdf.feuille_emargement(_session(pk)))


@require_GET
@permission_required([SUIVI, "formations.view_inscription"], raise_exception=True)
def attestation(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendance certificate, or a page that says why there is none (409)."""
    inscription = _inscription(pk)
    try:
        document = pdf.attestation(inscription)
    except pdf.AttestationImpossible as refus:
        return render(
            request,
            "formations/attestation_impossible.html",
            {"inscription": inscription, "motif": str(refus)},
            status=409,
        )
    journal.info("attestation: inscription %s", inscription.pk)
    return _reponse_pdf(document)


# --- Trainees and associations ----------------------------------------------------------


def _parametres(request: HttpRequest) -> str:
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return parametres.urlencode()


@require_GET
@permission_required([SUIVI, "formations.view_stagiaire"], raise_exception=True)
def stagiaires(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    qs = Stagiaire.objects.annotate(
        sessions=Count("inscriptions", filter=Q(inscriptions__statut=INSCRIT))
    ).order_by("nom", "prenom", "pk")
    for mot in q.split():
        qs = qs.filter(Q(nom__icontains=mot) | Q(prenom__icontains=mot) | Q(email__icontains=mot))
    page = Paginator(qs, PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "formations/stagiaires.html",
        {"page": page, "q": q, "parametres": _parametres(request)},
    )


@require_GET
@permission_required([SUIVI, "formations.view_stagiaire"], raise_exception=True)
def stagiaire(request: HttpRequest, pk: int) -> HttpResponse:
    stagiaire = get_object_or_404(Stagiaire, pk=pk)
    historique = list(
        stagiaire.inscriptions.select_related(
            "association", "session__module", "session__convention"
        )
        .annotate(
            jours_releves=Count("presences"),
            jours_presents=Count("presences", filter=Q(presences__present=True)),
        )
        .order_by("-session__date_debut", "-pk")
    )
    return render(
        request,
        "formations/stagiaire.html",
        {
            "stagiaire": stagiaire,
            "historique": historique,
            "parcours": parcours_stagiaire(stagiaire),
            "age": stagiaire.age_au(timezone.localdate()),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required([SUIVI, "formations.change_stagiaire"], raise_exception=True)
def modifier_stagiaire(request: HttpRequest, pk: int) -> HttpResponse:
    stagiaire = get_object_or_404(Stagiaire, pk=pk)
    form = StagiaireForm(request.POST if request.method == "POST" else None, instance=stagiaire)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{stagiaire} : fiche personne mise à jour.")
        return redirect("formations:stagiaire", pk=stagiaire.pk)
    return render(
        request,
        "formations/stagiaire_form.html",
        {"form": form, "stagiaire": stagiaire},
        status=_statut(request),
    )


@require_GET
@permission_required([SUIVI, "formations.view_associationinscrivante"], raise_exception=True)
def associations(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    qs = (
        AssociationInscrivante.objects.select_related("dossier")
        .annotate(
            stagiaires=Count(
                "inscriptions__stagiaire",
                filter=Q(inscriptions__statut=INSCRIT),
                distinct=True,
            )
        )
        .order_by("nom", "pk")
    )
    for mot in q.split():
        qs = qs.filter(nom__icontains=mot)
    page = Paginator(qs, PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "formations/associations.html",
        {"page": page, "q": q, "parametres": _parametres(request)},
    )


@require_GET
@permission_required([SUIVI, "formations.view_associationinscrivante"], raise_exception=True)
def association(request: HttpRequest, pk: int) -> HttpResponse:
    association = get_object_or_404(
        AssociationInscrivante.objects.select_related("dossier__porteur", "commune"), pk=pk
    )
    inscriptions = list(
        association.inscriptions.select_related("stagiaire", "session__module").order_by(
            "-session__date_debut", "stagiaire__nom", "pk"
        )
    )
    return render(
        request,
        "formations/association.html",
        {
            "association": association,
            "inscriptions": inscriptions,
            "personnes": len({i.stagiaire_id for i in inscriptions if i.statut == INSCRIT}),
            "parcours": parcours_association(association),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required([SUIVI, "formations.change_associationinscrivante"], raise_exception=True)
def modifier_association(request: HttpRequest, pk: int) -> HttpResponse:
    association = get_object_or_404(AssociationInscrivante.objects.select_related("dossier"), pk=pk)
    form = AssociationForm(
        request.POST if request.method == "POST" else None,
        instance=association,
        utilisateur=request.user,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{association} mise à jour.")
        return redirect("formations:association", pk=association.pk)
    return render(
        request,
        "formations/association_form.html",
        {"form": form, "association": association},
        status=_statut(request),
    )


# --- Collective events --------------------------------------------------------------------


@require_GET
@permission_required([SUIVI, "formations.view_evenement"], raise_exception=True)
def evenements(request: HttpRequest) -> HttpResponse:
    """The collective events of a year (?annee=2013, this year by default), by date, with
    their count and attendance per type. Four queries."""
    annees = sorted(
        {d.year for d in Evenement.objects.dates("date", "year")} | {timezone.localdate().year},
        reverse=True,
    )
    texte = request.GET.get("annee", "")
    annee = timezone.localdate().year
    erreur = ""
    if texte:
        if texte.isdigit() and 1900 < int(texte) < 2200:
            annee = int(texte)
        else:
            erreur = f"« {texte} » n'est pas une année : indiquez-la sur quatre chiffres."
    de_l_annee = Evenement.objects.de_l_annee(annee)
    liste = list(
        de_l_annee.prefetch_related("salaries").order_by("date", "pk") if not erreur else []
    )
    libelles = dict(Evenement.Type.choices)
    par_type = (
        [
            {"type": libelles[t], "nombre": n, "presents": p}
            for t, n, p in de_l_annee.values("type")
            .annotate(n=Count("pk"), p=Sum("participants"))
            .order_by("type")
            .values_list("type", "n", "p")
        ]
        if not erreur
        else []
    )
    return render(
        request,
        "formations/evenements.html",
        {
            "annee": annee,
            "annees": annees,
            "evenements": liste,
            "par_type": par_type,
            "erreur": erreur,
        },
        status=400 if erreur else 200,
    )


def _formulaire_evenement(request: HttpRequest, evenement: Evenement | None) -> HttpResponse:
    form = EvenementForm(
        request.POST if request.method == "POST" else None,
        instance=evenement,
        initial={} if evenement else {"salaries": [request.user.pk]},
    )
    if request.method == "POST" and form.is_valid():
        evenement = form.save()
        messages.success(request, f"Événement du {evenement.date:%d/%m/%Y} enregistré.")
        if request.POST.get("et_ensuite") == "autre":
            return redirect("formations:nouvel_evenement")
        return redirect(f"{reverse('formations:evenements')}?annee={evenement.date.year}")
    return render(
        request,
        "formations/evenement_form.html",
        {"form": form, "evenement": evenement},
        status=_statut(request),
    )


@require_http_methods(["GET", "POST"])
@permission_required([SUIVI, "formations.add_evenement"], raise_exception=True)
def nouvel_evenement(request: HttpRequest) -> HttpResponse:
    return _formulaire_evenement(request, None)


@require_http_methods(["GET", "POST"])
@permission_required([SUIVI, "formations.change_evenement"], raise_exception=True)
def modifier_evenement(request: HttpRequest, pk: int) -> HttpResponse:
    return _formulaire_evenement(request, get_object_or_404(Evenement, pk=pk))
