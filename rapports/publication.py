"""Publishing a year's report: freeze its data and its PDF as a new edition."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from rapports import contenu, rendu
from rapports.models import EditionRapport


def publier(annee: int, *, auteur) -> EditionRapport:
    """Freeze the report of `annee` as it is now.

    Invariants: one transaction; the new edition's version is the previous one + 1 (the
    unique constraint guards two directors publishing at once); its data and PDF never
    change afterwards; the cut-off time is when the data were read.
    """
    coupure = timezone.now()
    donnees = contenu.donnees_rapport(annee)
    arret = timezone.localtime(coupure).strftime("%d/%m/%Y à %H:%M")
    version_pdf = "Version publiée n° {version} — données arrêtées le " + arret
    with transaction.atomic():
        derniere = EditionRapport.objects.filter(annee=annee).aggregate(v=Max("version"))["v"] or 0
        version = derniere + 1
        contenu_pdf = rendu.pdf_de_donnees(donnees, sous_titre=version_pdf.format(version=version))
        edition = EditionRapport.objects.create(
            annee=annee,
            version=version,
            coupure=coupure,
            publiee_par=auteur,
            donnees=donnees,
            pdf=contenu_pdf,
        )
    return edition
