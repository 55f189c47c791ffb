"""Publishing a year's report: freeze its data as a new edition, then its PDF."""

import threading

from django.db import connections, transaction
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
        transaction.on_commit(lambda: _en_arriere_plan(edition.pk))
    return edition


def faire_pdf_edition(pk: int) -> None:
    """Render the PDF of edition `pk` from its frozen data, once."""
    edition = EditionRapport.objects.get(pk=pk)
    if edition.pdf:
        return
    arret = timezone.localtime(edition.coupure).strftime("%d/%m/%Y à %H:%M")
    sous_titre = f"Version publiée n° {edition.version} — données arrêtées le {arret}"
    edition.pdf = rendu.pdf_de_donnees(edition.donnees, sous_titre=sous_titre)
    edition.save(update_fields=["pdf"])


def _en_arriere_plan(pk: int) -> None:
    def fil() -> None:
        try:
            faire_pdf_edition(pk)
        except Exception:
            rendu.journal.exception("PDF de l'édition %s en échec", pk)
        finally:
            connections.close_all()

    threading.Thread(target=fil, name=f"edition-{pk}", daemon=True).start()
