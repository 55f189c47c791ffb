"""Accompaniments over three years (section 1.5.5), appointments of the year, and the
multi-year tables that merge stored past figures with computed ones (sections 0.5, 1.5.2)."""

import datetime
from decimal import Decimal

import pytest

from accompagnement.models import RendezVous
from maillage.models import AnneeAssociative, AssembleeGenerale, MembreConseil, ReunionConseil
from rapports.models import AgregatHistorique
from rapports.stats import (
    accompagnements,
    chiffres_depuis_la_creation,
    genre_depuis_2007,
    rendez_vous_de_l_annee,
    vie_associative,
)
from tests.factories import (
    CommuneFactory,
    DossierFactory,
    EPCIFactory,
    PorteurFactory,
    QuartierFactory,
    RendezVousFactory,
    TerritoireGouvernanceFactory,
    UtilisateurFactory,
)
from tests.rapports.conftest import A, C, M, P, S, dossier_avec

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("aujourd_hui")]


def accompagne(commune, *etapes, quartier=None, **champs):
    return dossier_avec(
        (A, "10/01/2010"),
        (M, "10/02/2010"),
        *etapes,
        porteur=PorteurFactory(commune=commune, quartier=quartier),
        **champs,
    )


def test_accompaniments_by_territory_over_three_years():
    lille = CommuneFactory(lille=True)
    roubaix = CommuneFactory(
        code_insee="59512",
        epci=lille.epci,
        territoire_gouvernance=TerritoireGouvernanceFactory(nom="Roubaisien", epci=lille.epci),
    )
    cavm = EPCIFactory(siren="200000001", sigle="CAVM", nom="Valenciennes Métropole")
    valenciennes = CommuneFactory(code_insee="59606", epci=cavm)
    wazemmes = QuartierFactory(commune=lille, nom="Wazemmes", prioritaire=True)
    # In création 2011 to 2013, then post-création: accompanied all three years, once a year.
    accompagne(lille, (C, "01/06/2011"), (P, "01/03/2013"), quartier=wazemmes)
    # Left on 1 January 2012: accompanied in 2011 and 2012.
    accompagne(roubaix, (C, "01/06/2011"), (S, "01/01/2012"))
    # Entered on 31 December 2013.
    accompagne(valenciennes, (C, "31/12/2013"))
    # Left in 2010: never in the three years. Entered in 2014: not yet.
    accompagne(valenciennes, (C, "01/06/2010"), (S, "31/12/2010"))
    accompagne(valenciennes, (C, "01/02/2014"))
    # Still in maturation: not accompanied.
    accompagne(lille)

    acc = accompagnements(2013)["escale"]
    assert acc.par_epci.annees == (2011, 2012, 2013)
    lmcu = lille.epci.siren
    assert acc.par_epci.en_dict() == {
        "2011": {lmcu: 2, "200000001": 0, "NR": 0},
        "2012": {lmcu: 2, "200000001": 0, "NR": 0},
        "2013": {lmcu: 1, "200000001": 1, "NR": 0},
    }
    assert acc.total == 2
    assert acc.par_territoire_lmcu.en_dict()["2012"] == {"Lillois": 1, "Roubaisien": 1, "NR": 0}
    assert acc.par_quartier_lille.en_dict() == {
        "2011": {"Wazemmes": 1, "NR": 0},
        "2012": {"Wazemmes": 1, "NR": 0},
        "2013": {"Wazemmes": 1, "NR": 0},
    }


def test_held_appointments_of_the_year_by_objet_and_kind():
    escale = DossierFactory()
    citeslab = DossierFactory(citeslab=True)
    Objet = RendezVous.Objet
    RendezVousFactory(dossier=escale, objet=Objet.SUIVI, date=datetime.date(2013, 1, 1))
    RendezVousFactory(dossier=escale, objet=Objet.SUIVI, collectif=True)
    RendezVousFactory(dossier=citeslab, objet=Objet.AIDE_FORMULATION)
    RendezVousFactory(dossier=citeslab, objet=Objet.AIDE_FORMULATION, annule=True)
    RendezVousFactory(dossier=citeslab, objet=Objet.AIDE_FORMULATION, absent=True)
    RendezVousFactory(dossier=citeslab, date=datetime.date(2012, 12, 31))
    rdv = rendez_vous_de_l_annee(2013)
    assert rdv[""].realises == 3
    assert rdv[""].par_objet.effectif("suivi") == 2
    assert rdv["citeslab"].par_objet.effectifs()["aide_formulation"] == 1
    assert rdv["escale"].par_modalite.effectifs() == {"individuel": 1, "collectif": 1, "NR": 0}


def _stocker(annee, indicateur, valeur, dispositif="escale"):
    AgregatHistorique.objects.create(
        annee=annee,
        indicateur=indicateur,
        dispositif=dispositif,
        valeur=Decimal(valeur),
        source=f"rapport d'activité {annee}",
    )


def test_gender_since_2007_merges_published_years_with_computed_ones():
    Indicateur = AgregatHistorique.Indicateur
    _stocker(2009, Indicateur.PART_FEMMES, "56")
    _stocker(2009, Indicateur.PART_HOMMES, "46")  # as published, even though 56 + 46 = 102
    _stocker(2010, Indicateur.ACCUEILS_FEMMES, "39")
    _stocker(2010, Indicateur.ACCUEILS_HOMMES, "27")
    for genre in ("F", "F", "H", "nr"):
        dossier_avec((A, "04/03/2013"), porteur=PorteurFactory(genre=genre))
    dossier_avec((A, "04/03/2013"), porteur=PorteurFactory(genre="F"), citeslab=True)
    lignes = {g.annee: g for g in genre_depuis_2007(2013)}
    assert sorted(lignes) == [2009, 2010, 2013]
    assert (lignes[2009].part_femmes, lignes[2009].part_hommes) == (Decimal(56), Decimal(46))
    assert lignes[2009].origine == "historique"
    assert lignes[2010].part_femmes == Decimal("59.1")
    assert (lignes[2013].femmes, lignes[2013].hommes, lignes[2013].non_renseigne) == (2, 1, 1)
    assert lignes[2013].part_femmes == Decimal("66.7")
    assert lignes[2013].origine == "calcul"


def test_a_stored_year_wins_over_what_the_app_would_compute():
    Indicateur = AgregatHistorique.Indicateur
    _stocker(2013, Indicateur.PART_FEMMES, "57")
    dossier_avec((A, "04/03/2013"), porteur=PorteurFactory(genre="H"))
    (ligne,) = genre_depuis_2007(2013)
    assert (ligne.origine, ligne.part_femmes, ligne.femmes) == ("historique", Decimal(57), None)


def test_figures_since_the_beginning_add_stored_totals_and_computed_years():
    Indicateur = AgregatHistorique.Indicateur
    _stocker(2012, Indicateur.ACCUEILS, "801", dispositif="")  # 2000 to 2012, as published
    _stocker(2012, Indicateur.EMPLOIS_CREES, "430", dispositif="")
    dossier_avec((A, "04/03/2012"))  # 2012 is covered by the stored total: not added
    dossier_avec((A, "04/03/2013"), porteur=PorteurFactory(en_qpv=True))
    dossier_avec((A, "04/03/2013"), (M, "04/04/2013"), (C, "04/05/2013"), emplois_crees=3)
    dossier_avec((A, "04/03/2014"))  # after the year
    chiffres = chiffres_depuis_la_creation(2013)
    assert chiffres.accueils == 803
    assert chiffres.accueils_qpv == 1
    assert chiffres.accompagnes == 1
    assert chiffres.emplois_crees == 433


def test_association_life_of_the_year():
    AnneeAssociative.objects.create(annee=2013, nombre_adherents=24)
    ancienne = AssembleeGenerale.objects.create(date=datetime.date(2012, 6, 1))
    MembreConseil.objects.create(assemblee=ancienne, nom="Ancien", prenom="A")
    ag = AssembleeGenerale.objects.create(date=datetime.date(2013, 6, 14))
    MembreConseil.objects.create(assemblee=ag, nom="Martin", prenom="Alice", fonction="president")
    ReunionConseil.objects.create(date=datetime.date(2013, 3, 1))
    ReunionConseil.objects.create(date=datetime.date(2014, 3, 1))
    UtilisateurFactory(date_entree=datetime.date(2010, 1, 1), etp=Decimal("0.8"))
    UtilisateurFactory(date_entree=datetime.date(2010, 1, 1), date_sortie=datetime.date(2012, 5, 1))
    UtilisateurFactory()  # no hiring date: not staff
    vie = vie_associative(2013)
    assert vie.adherents == 24
    assert vie.assemblee_generale == datetime.date(2013, 6, 14)
    assert vie.conseil == (("Alice Martin", "président(e)", ""),)
    assert vie.reunions_conseil == 1
    assert len(vie.salaries) == 1
    assert vie.etp == Decimal("0.8")
