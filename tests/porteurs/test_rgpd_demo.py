"""Anonymising people of the demo association leaves the annual report of every year exactly
as it was, and leaves no trace of who they were in any text column of the database
(history tables included).

Runtime: the demo load (about 40 s on SQLite, 60 s on PostgreSQL) plus two reports a year.
"""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Max, Min

from accompagnement.models import ChangementPhase, RendezVous
from porteurs import rgpd
from porteurs.models import Dossier, Porteur
from rapports.contenu import donnees_rapport

pytestmark = pytest.mark.django_db

TYPES_TEXTE = {"CharField", "TextField", "EmailField", "SlugField", "URLField", "JSONField"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo at scale 1, loaded once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("charger_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


def _tranche(age: int) -> str:
    # rapports.stats.avec_age's brackets.
    for borne, tranche in ((25, "<26"), (35, "26-35"), (45, "36-45"), (55, "46-55")):
        if age <= borne:
            return tranche
    return ">55"


def _choisir_porteurs() -> list[Porteur]:
    """Two people received each year, the people whose bracket a birth date cut to
    1 January would move (the hard case of the generalisation), an association and a
    co-porteur when the demo has them."""
    choisis: dict[int, Porteur] = {}
    recus = list(
        Dossier.objects.filter(date_accueil__isnull=False)
        .select_related("porteur")
        .order_by("date_accueil", "pk")
    )
    par_annee: dict[int, int] = {}
    for dossier in recus:
        annee = dossier.date_accueil.year
        if par_annee.get(annee, 0) < 2:
            par_annee[annee] = par_annee.get(annee, 0) + 1
            choisis[dossier.porteur_id] = dossier.porteur
    limites = [
        d.porteur
        for d in recus
        if d.porteur.date_naissance
        and _tranche(rgpd._age(d.porteur.date_naissance, d.date_accueil))
        != _tranche(rgpd._age(d.porteur.date_naissance.replace(month=1, day=1), d.date_accueil))
    ]
    assert limites, "the demo should hold someone received just before a bracket birthday"
    for porteur in limites[:4]:
        choisis[porteur.pk] = porteur
    association = Porteur.objects.filter(type_porteur=Porteur.TypePorteur.ASSOCIATION).first()
    if association:
        choisis[association.pk] = association
    co_porteur = Porteur.objects.filter(dossiers_co_portes__isnull=False).first()
    if co_porteur:
        choisis[co_porteur.pk] = co_porteur
    return list(choisis.values())


def _marquer(porteurs: list[Porteur]) -> list[str]:
    """Give the people, their dossiers' titles, notes and comments unmistakable values,
    through saves (so that the history tables hold them too); return those values."""
    marques = []
    for i, porteur in enumerate(porteurs):
        porteur.nom, porteur.prenom = f"Zorglub{i:02d}", "Ophélie"
        porteur.email = f"zorglub{i:02d}@exemple.test"
        porteur.telephone = f"06 98 76 54 {i:02d}"
        porteur.adresse = f"{i} impasse Zorglub"
        porteur.save()
        marques += [porteur.email, porteur.telephone]
        for dossier in Dossier.objects.filter(porteur=porteur):
            dossier.intitule = f"Projet Zorglub{i:02d}"
            dossier.save()
            for rdv in RendezVous.objects.filter(dossier=dossier)[:2]:
                rdv.notes = f"Zorglub{i:02d} a parlé de ses dettes."
                rdv.lieu_precision = f"chez Zorglub{i:02d}"
                rdv.save()
            for changement in ChangementPhase.objects.filter(dossier=dossier)[:1]:
                changement.commentaire = f"Zorglub{i:02d} hésite."
                changement.save()
    return ["Zorglub", *marques]


def _colonnes_texte():
    for modele in apps.get_models(include_auto_created=True):
        if modele._meta.proxy or not modele._meta.managed:
            continue
        for champ in modele._meta.concrete_fields:
            if champ.get_internal_type() in TYPES_TEXTE:
                yield modele._meta.db_table, champ.column


def _trouves(textes: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, text) for each text found anywhere in a text column."""
    trouves = []
    with connection.cursor() as curseur:
        for table, colonne in _colonnes_texte():
            nom_colonne = connection.ops.quote_name(colonne)
            for texte in textes:
                curseur.execute(
                    f"SELECT 1 FROM {connection.ops.quote_name(table)} "  # noqa: S608 - names from the models
                    f"WHERE UPPER(CAST({nom_colonne} AS TEXT)) LIKE UPPER(%s) LIMIT 1",
                    [f"%{texte}%"],
                )
                if curseur.fetchone():
                    trouves.append((table, colonne, texte))
    return trouves


def test_anonymising_people_keeps_every_years_report_and_leaves_no_trace_of_them(demo):
    porteurs = _choisir_porteurs()
    originaux = {p.pk: (p.nom, p.prenom, p.email, p.telephone, p.date_naissance) for p in porteurs}
    textes = _marquer(porteurs)
    # The demo's own e-mails and phones of these people, when no one else shares them.
    for _nom, _prenom, email, telephone, _naissance in originaux.values():
        for valeur, champ in ((email, "email"), (telephone, "telephone")):
            if (
                valeur
                and Porteur.historique.filter(**{champ: valeur}).exclude(id__in=originaux).count()
                == 0
                and not Porteur.objects.exclude(pk__in=originaux).filter(**{champ: valeur}).exists()
            ):
                textes.append(valeur)
    assert _trouves(textes), "the test must first find what it then expects gone"
    bornes = Dossier.objects.aggregate(debut=Min("date_accueil"), fin=Max("date_accueil"))
    derniere = max(
        bornes["fin"],
        RendezVous.objects.aggregate(m=Max("date"))["m"],
        ChangementPhase.objects.aggregate(m=Max("date"))["m"],
    )
    annees = range(bornes["debut"].year, derniere.year + 1)
    assert len(annees) >= 4
    # donnees_rapport holds rapport_annuel(annee) plus the lists the report prints.
    avant = {annee: donnees_rapport(annee) for annee in annees}

    for porteur in porteurs:
        rgpd.anonymiser_porteur(porteur, auteur=None)

    for annee in annees:
        assert donnees_rapport(annee) == avant[annee], f"the {annee} report changed"
    assert _trouves(textes) == []
    for pk, (nom, prenom, _email, _telephone, _naissance) in originaux.items():
        versions = Porteur.historique.filter(id=pk)
        assert not versions.filter(nom=nom, prenom=prenom).exists()
        assert not Porteur.objects.filter(pk=pk, nom=nom, prenom=prenom).exists()
        # One birth date left, the generalised one, in the live row and every past version.
        vivante = Porteur.objects.get(pk=pk).date_naissance
        assert set(versions.values_list("date_naissance", flat=True)) == {vivante}
    assert Porteur.objects.filter(anonymise_le__isnull=False).count() == len(porteurs)
    assert all(
        d.anonymise_le for d in Dossier.objects.filter(porteur__in=porteurs).only("anonymise_le")
    )
