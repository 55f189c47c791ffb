"""Rendering the report: the PDF of a year (live or published) and the cache that makes a
repeated download of an unchanged year cheap.

Exporters share one contract: (filename, content_type, bytes).
"""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from rapports import contenu, pdf

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
        parties.append(modele.objects.aggregate(n=Count("pk"), m=Max("pk")))
    for modele in (TexteSection, IndicateurManuel):
        parties.append(
            modele.objects.filter(annee=annee).aggregate(n=Count("pk"), m=Max("modifie_le"))
        )
    return hashlib.sha256(json.dumps(parties, default=str).encode()).hexdigest()[:32]


def pdf_de_l_annee(annee: int) -> tuple[str, str, bytes]:
    """The live report of `annee` as PDF, from the cache when nothing changed since."""
    cle = f"rapport-pdf:{annee}:{empreinte(annee)}"
    contenu_pdf = cache.get(cle)
    if contenu_pdf is None:
        contenu_pdf = pdf_de_donnees(
            contenu.donnees_rapport(annee), sous_titre="Version de travail, non publiée"
        )
        cache.set(cle, contenu_pdf, timeout=24 * 3600)
    return f"rapport-activite-{annee}.pdf", "application/pdf", contenu_pdf


def json_de_donnees(donnees: dict) -> bytes:
    return json.dumps(donnees, ensure_ascii=False, indent=2, default=str).encode("utf-8")
