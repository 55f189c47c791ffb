"""Publishing a year's report: freeze its data as a new edition, then its PDF."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from rapports import contenu, rendu
from rapports.models import EditionRapport


def publier(annee: int, *, auteur) -> EditionRapport:
    """Freeze the report of `annee` as it is now.

    Invariants: one transaction; the new edition's version is the previous one + 1 (the
    unique constraint guards two directors publishing at once); its data never change
    afterwards, and its PDF, made from those data alone (`faire_pdf_edition`, in the
    background after the commit), never changes once made; the cut-off time is when the
    data were read.
    """
    coupure = timezone.now()
    donnees = contenu.donnees_rapport(annee)
    with transaction.atomic():
        derniere = EditionRapport.objects.filter(annee=annee).aggregate(v=Max("version"))["v"] or 0
        edition = EditionRapport.objects.create(
            annee=annee,
            version=derniere + 1,
            coupure=coupure,
            publiee_par=auteur,
            donnees=donnees,
        )
        transaction.on_commit(lambda: lancer_pdf_edition(edition.pk))
    return edition


def lancer_pdf_edition(pk: int) -> None:
    """Make the PDF of edition `pk` in the background (see `faire_pdf_edition`)."""
    rendu.en_arriere_plan(faire_pdf_edition, pk, nom="edition")


def faire_pdf_edition(pk: int) -> None:
    """Render the PDF of edition `pk` from its frozen data, once."""
    edition = EditionRapport.objects.get(pk=pk)
    if edition.pdf:
        return
    arret = timezone.localtime(edition.coupure).strftime("%d/%m/%Y à %H:%M")
    sous_titre = f"Version publiée n° {edition.version} — données arrêtées le {arret}"
    edition.pdf = rendu.pdf_de_donnees(edition.donnees, sous_titre=sous_titre)
    edition.save(update_fields=["pdf"])
