"""Rendering the report: the PDF of a year (live or published) and the cache that makes a
repeated download of an unchanged year cheap.

Exporters share one contract: (filename, content_type, bytes).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import threading

from django.db import IntegrityError, connections, transaction
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from rapports import contenu, pdf

journal = logging.getLogger(__name__)

ASSOCIATION = "Maillage"
TITRE = "Rapport d'activité"


def _bloc_pdf(bloc: contenu.Bloc) -> str:
    if isinstance(bloc, contenu.Figure):
        html = pdf.html_graphique(bloc.graphique)
        if bloc.legende_n:
            html += render_to_string("rapports/pdf/_n.html", {"figure": bloc})
        return html
    return render_to_string("rapports/pdf/_bloc.html", {"bloc": bloc, "genre": type(bloc).__name__})


def html_pour_pdf(donnees: dict, *, sous_titre: str = "") -> str:
    sections = [
        pdf.Section(
            numero=s.numero,
            titre=s.titre,
            ancre=s.ancre,
            niveau=s.niveau,
            contenu=mark_safe("".join(_bloc_pdf(b) for b in s.blocs)),  # noqa: S308 - templates escape
        )
        for s in contenu.sections(donnees)
    ]
    return pdf.html_document(
        titre=TITRE,
        annee=donnees["annee"],
        association=ASSOCIATION,
        sections=sections,
        sous_titre=sous_titre,
    )


def pdf_de_donnees(donnees: dict, *, sous_titre: str = "") -> bytes:
    return pdf.rendre_pdf(html_pour_pdf(donnees, sous_titre=sous_titre))


def empreinte(annee: int) -> str:
    """A short fingerprint of everything a year's report reads: it changes whenever a
    dossier, appointment, phase change (their history tables see every save and delete),
    training, event, text or indicator changes. A handful of aggregate queries, far
    cheaper than the statistics."""
    return _hacher(_parties_empreinte(annee))


def empreinte_tableaux(annee: int) -> str:
    """The fingerprint of what the dashboards of year `annee` read: the report's data
    (`empreinte`) and the reference tables they name (EPCI, territories, communes,
    quartiers, points d'accueil, partners, staff), by count and last key. An edit of a
    reference row that adds or removes nothing (a rename) is not seen: the dashboards'
    cache also expires after a few minutes (rapports.vues_tableaux)."""
    from django.contrib.auth import get_user_model

    from territoires.models import (
        EPCI,
        Commune,
        PointAccueil,
        Quartier,
        StructurePartenaire,
        TerritoireGouvernance,
        TerritoirePLDE,
    )

    parties = _parties_empreinte(annee)
    for modele in (
        EPCI,
        TerritoireGouvernance,
        TerritoirePLDE,
        Commune,
        Quartier,
        PointAccueil,
        StructurePartenaire,
        get_user_model(),
    ):
        parties.append(modele.objects.aggregate(n=Count("pk"), m=Max("pk")))
    return _hacher(parties)


def _hacher(parties: list) -> str:
    return hashlib.sha256(json.dumps(parties, default=str).encode()).hexdigest()[:32]


def _parties_empreinte(annee: int) -> list:
    from accompagnement.models import ChangementPhase, RendezVous
    from formations.models import Evenement, Inscription, Session
    from maillage.models import AnneeAssociative, MembreConseil
    from porteurs.models import Dossier, Porteur
    from rapports.models import AgregatHistorique, IndicateurManuel, TexteSection

    parties: list = [annee]
    for modele in (Dossier, Porteur, RendezVous, ChangementPhase):
        parties.append(modele.historique.aggregate(m=Max("history_id"))["m"])
    for modele in (
        Session,
        Inscription,
        Evenement,
        AnneeAssociative,
        MembreConseil,
        AgregatHistorique,
    ):
        # Additions and deletions change the count or the last key, edits the last
        # modification date.
        parties.append(
            modele.objects.aggregate(n=Count("pk"), m=Max("pk"), modifie=Max("modifie_le"))
        )
    for modele in (TexteSection, IndicateurManuel):
        parties.append(
            modele.objects.filter(annee=annee).aggregate(n=Count("pk"), m=Max("modifie_le"))
        )
    return parties


def generation_pour(annee: int, *, relancer: bool = False):
    """The PDF generation of `annee` for the data as they are now: (generation, to_start).

    Invariants: at most one generation per (year, fingerprint) — the unique constraint
    decides between two simultaneous clicks; a failed one, or one stuck for over ten
    minutes (a server restarted mid-way), is started again; a finished one is served as
    it is (it is the cache of that state of the data).
    """
    from rapports.models import GenerationPDF

    cle = empreinte(annee)
    try:
        with transaction.atomic():
            generation, cree = GenerationPDF.objects.get_or_create(annee=annee, empreinte=cle)
    except IntegrityError:
        generation, cree = GenerationPDF.objects.get(annee=annee, empreinte=cle), False
    if cree:
        return generation, True
    bloquee = timezone.now() - generation.modifie_le > datetime.timedelta(minutes=10)
    if (generation.etat == GenerationPDF.Etat.ECHEC and relancer) or (
        generation.etat == GenerationPDF.Etat.EN_COURS and bloquee
    ):
        generation.etat, generation.etape, generation.erreur = GenerationPDF.Etat.EN_COURS, "", ""
        generation.save(update_fields=["etat", "etape", "erreur", "modifie_le"])
        return generation, True
    return generation, False


def generer(pk: int) -> None:
    """Make the PDF of generation `pk`, saying at each step where it is. Errors are kept on
    the row (the page shows them) and logged without any personal data."""
    from rapports.models import GenerationPDF

    generation = GenerationPDF.objects.get(pk=pk)

    def etape(texte: str) -> None:
        generation.etape = texte
        generation.save(update_fields=["etape", "modifie_le"])

    try:
        etape("Calcul des chiffres de l'année")
        donnees = contenu.donnees_rapport(generation.annee)
        etape("Mise en page du PDF (quelques secondes)")
        generation.pdf = pdf_de_donnees(donnees, sous_titre="Version de travail, non publiée")
        generation.etat, generation.etape = GenerationPDF.Etat.TERMINEE, "Terminé"
        generation.save(update_fields=["pdf", "etat", "etape", "modifie_le"])
        # Earlier states of the data are of no use any more.
        GenerationPDF.objects.filter(annee=generation.annee).exclude(pk=pk).delete()
    except Exception as erreur:  # noqa: BLE001 - any failure is reported on the page
        journal.exception("génération du PDF %s en échec", pk)
        generation.etat = GenerationPDF.Etat.ECHEC
        generation.erreur = f"{type(erreur).__name__} : {erreur}"[:1000]
        generation.save(update_fields=["etat", "erreur", "modifie_le"])


def en_arriere_plan(fonction, pk: int, *, nom: str) -> None:
    """Run `fonction(pk)` in a thread of this process, so the request answers at once.
    Enough for one association's server (runserver or gunicorn). A failure is logged
    (ids only); the thread's database connection is closed when it ends."""

    def fil() -> None:
        try:
            fonction(pk)
        except Exception:
            journal.exception("%s %s en échec", nom, pk)
        finally:
            connections.close_all()

    threading.Thread(target=fil, name=f"{nom}-{pk}", daemon=True).start()


def lancer_en_arriere_plan(pk: int) -> None:
    """Make the PDF of generation `pk` in the background (see `generer`)."""
    en_arriere_plan(generer, pk, nom="pdf")


def json_de_donnees(donnees: dict) -> bytes:
    return json.dumps(donnees, ensure_ascii=False, indent=2, default=str).encode("utf-8")
