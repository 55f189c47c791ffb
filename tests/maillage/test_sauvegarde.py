"""Backup and restore (`manage.py sauvegarder`, `manage.py restaurer`) on the database the
tests run on: SQLite's online backup, or pg_dump/pg_restore with PostgreSQL.

Real commits (transaction=True): the commands work on the database as other processes see
it, not inside a test transaction.
"""

import pytest
from django.core.management import CommandError, call_command

from porteurs.models import Dossier, Porteur
from rapports.stats import rapport_annuel
from tests.factories import DossierFactory, PorteurFactory, RendezVousFactory

pytestmark = pytest.mark.django_db(transaction=True)

ANNEE = 2013


@pytest.fixture
def activite_2013():
    """A small year: people received, some supported up to creation, one exit, and
    appointments."""
    for _ in range(2):
        DossierFactory(en_creation=True, porteur=PorteurFactory(femme=True))
    DossierFactory(en_maturation=True, porteur=PorteurFactory(homme=True))
    sorti = DossierFactory(sorti=True, porteur=PorteurFactory(homme=True))
    RendezVousFactory(dossier=sorti)
    RendezVousFactory()


def test_a_restored_backup_gives_the_same_report_figures(activite_2013, tmp_path):
    avant = rapport_annuel(ANNEE)
    dossiers_avant = Dossier.objects.count()
    fichier = tmp_path / "maillage.sauvegarde"

    call_command("sauvegarder", sortie=fichier)
    # The work of the days after the backup: new people received, a person's record changed.
    DossierFactory(en_creation=True, porteur=PorteurFactory(femme=True))
    DossierFactory(en_accueil=True)
    Porteur.objects.filter(genre=Porteur.Genre.HOMME).update(genre=Porteur.Genre.FEMME)
    assert rapport_annuel(ANNEE) != avant  # the check below could fail
    call_command("restaurer", fichier, oui=True)

    assert Dossier.objects.count() == dossiers_avant
    assert rapport_annuel(ANNEE) == avant


def test_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(activite_2013, tmp_path):
    avant = rapport_annuel(ANNEE)
    faux = tmp_path / "pas-une-sauvegarde.sqlite3"
    faux.write_text("nom;prenom\nDurand;Nadia\n")

    with pytest.raises(CommandError, match="n'est pas une sauvegarde"):
        call_command("restaurer", faux, oui=True)
    assert rapport_annuel(ANNEE) == avant


def test_restoring_asks_for_confirmation_and_a_no_changes_nothing(
    activite_2013, tmp_path, monkeypatch
):
    fichier = tmp_path / "maillage.sauvegarde"
    call_command("sauvegarder", sortie=fichier)
    DossierFactory(en_accueil=True)
    dossiers = Dossier.objects.count()
    questions = []
    # The person at the terminal answers "non".
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or "non")

    with pytest.raises(CommandError, match="Restauration annulée"):
        call_command("restaurer", fichier)
    assert "vont être remplacées" in questions[0]
    assert Dossier.objects.count() == dossiers


def test_a_backup_never_overwrites_an_existing_file(activite_2013, tmp_path):
    fichier = tmp_path / "maillage.sauvegarde"
    fichier.write_bytes(b"ancienne sauvegarde")
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("sauvegarder", sortie=fichier)
    assert fichier.read_bytes() == b"ancienne sauvegarde"
