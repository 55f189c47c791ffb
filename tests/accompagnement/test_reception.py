"""Receiving someone new: porteur, dossier and accueil appointment in one step."""

import datetime

import pytest

from accompagnement import services
from accompagnement.models import RendezVous
from porteurs.models import Dossier, Porteur
from tests.factories import CommuneFactory, PorteurFactory, QuartierFactory

pytestmark = pytest.mark.django_db

JOUR = datetime.date(2013, 3, 4)


def nouvelle_personne(charge, statut=RendezVous.Statut.REALISE, **champs_porteur):
    commune = champs_porteur.pop("commune", None) or CommuneFactory(lille=True)
    champs = {
        "nom": "Benali",
        "prenom": "Aïcha",
        "genre": Porteur.Genre.FEMME,
        "date_naissance": datetime.date(1984, 5, 17),
        **champs_porteur,
    }
    porteur = Porteur(commune=commune, **champs)
    dossier = Dossier(dispositif=Dossier.Dispositif.CITESLAB, intitule="Épicerie solidaire")
    rendez_vous = RendezVous(
        date=JOUR,
        charge=charge,
        objet=RendezVous.Objet.ACCUEIL_ORIENTATION,
        statut=statut,
    )
    return services.recevoir_nouvelle_personne(porteur, dossier, rendez_vous, auteur=charge)


def test_receiving_someone_creates_the_porteur_the_dossier_and_the_accueil(charge):
    dossier = nouvelle_personne(charge)

    dossier.refresh_from_db()
    assert dossier.reference == "2013-0001"
    assert dossier.porteur.prenom == "Aïcha"
    assert dossier.phase == "accueil"
    assert dossier.date_accueil == JOUR
    assert dossier.commune_accueil.nom == "Lille"
    assert dossier.epci_accueil.sigle == "LMCU"
    rendez_vous = dossier.rendez_vous.get()
    assert (rendez_vous.cree_par, rendez_vous.charge) == (charge, charge)
    assert dossier.changements_phase.get().rendez_vous == rendez_vous


def test_receiving_someone_with_a_planned_appointment_does_not_open_accueil(charge):
    dossier = nouvelle_personne(charge, statut=RendezVous.Statut.PREVU)

    assert dossier.phase == ""
    assert dossier.date_accueil is None


def test_receiving_someone_who_already_exists_is_refused_and_writes_nothing(charge):
    PorteurFactory(nom="BENALI", prenom="Aicha", date_naissance=datetime.date(1984, 5, 17))
    nombres = (Porteur.objects.count(), Dossier.objects.count(), RendezVous.objects.count())

    with pytest.raises(services.DoublonBloquant) as refus:
        nouvelle_personne(charge)

    assert "existe déjà" in refus.value.messages[0]
    assert (Porteur.objects.count(), Dossier.objects.count(), RendezVous.objects.count()) == nombres


def test_a_failing_step_of_a_reception_writes_nothing(charge):
    quartier_ailleurs = QuartierFactory()
    nombres = (Porteur.objects.count(), Dossier.objects.count())

    with pytest.raises(Exception, match="quartier"):
        nouvelle_personne(charge, quartier=quartier_ailleurs)

    assert (Porteur.objects.count(), Dossier.objects.count()) == nombres


def test_references_follow_each_other_within_the_year(charge):
    premier = nouvelle_personne(charge)
    second = nouvelle_personne(charge, nom="Durand", prenom="Paul")

    assert (premier.reference, second.reference) == ("2013-0001", "2013-0002")
