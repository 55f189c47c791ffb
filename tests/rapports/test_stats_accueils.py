"""The receptions of a year and their breakdowns (report sections 1.4.1, 1.5.2, 1.5.3)."""

from decimal import Decimal

import pytest

from accompagnement import services
from accompagnement.models import ChangementPhase, RendezVous
from porteurs.models import Porteur
from rapports.stats import NR, accueils, entonnoirs
from territoires.models import TerritoirePLDE
from tests.factories import (
    CommuneFactory,
    DossierFactory,
    EPCIFactory,
    PointAccueilFactory,
    PorteurFactory,
    QuartierFactory,
    StructurePartenaireFactory,
    TerritoireGouvernanceFactory,
    UtilisateurFactory,
)
from tests.rapports.conftest import A, M, S, d, dossier_avec

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("aujourd_hui")]


def recu(jour: str, dispositif: str = "escale", **porteur) -> object:
    """A dossier received on `jour` (accueil entered by hand), its porteur built with
    PorteurFactory(**porteur)."""
    return dossier_avec((A, jour), porteur=PorteurFactory(**porteur), dispositif=dispositif)


def test_receptions_are_those_whose_accueil_is_dated_in_the_year():
    recu("01/01/2013")
    recu("31/12/2013")
    recu("31/12/2012")
    recu("01/01/2014")
    DossierFactory()  # not received at all
    a = accueils(2013)["escale"]
    assert a.total == 2
    assert a["par_mois"].effectifs() == {
        **{f"{m:02d}": 0 for m in range(1, 13)},
        "01": 1,
        "12": 1,
        "NR": 0,
    }


def test_the_total_of_receptions_is_the_funnel_s_entries_into_accueil():
    for jour in ("01/01/2013", "15/06/2013", "31/12/2013"):
        recu(jour)
    recu("10/10/2013", dispositif="citeslab")
    tous_accueils, tous_entonnoirs = accueils(2013), entonnoirs(2013)
    for dispositif, a in tous_accueils.items():
        assert a.total == tous_entonnoirs[dispositif].etape(A).entrees


def test_gender_of_the_lead_porteur_and_an_association_counts_as_not_answered():
    recu("04/03/2013", genre=Porteur.Genre.FEMME)
    recu("04/03/2013", genre=Porteur.Genre.FEMME)
    recu("04/03/2013", genre=Porteur.Genre.HOMME)
    recu("04/03/2013", association=True)
    genre = accueils(2013)["escale"]["par_genre"]
    assert genre.effectifs() == {"F": 2, "H": 1, "NR": 1}
    assert (genre.n, genre.nr, genre.repondu) == (4, 1, 3)
    assert round(genre.pourcentage("F"), 2) == Decimal("66.67")
    assert genre.pourcentage_sur_n("F") == 50
    assert genre.pourcentage(NR) is None


@pytest.mark.parametrize(
    ("naissance", "age", "tranche"),
    [
        ("05/03/1987", 25, "<26"),  # 26 tomorrow
        ("04/03/1987", 26, "26-35"),  # 26 that very day
        ("05/03/1977", 35, "26-35"),
        ("04/03/1977", 36, "36-45"),
        ("04/03/1967", 46, "46-55"),
        ("05/03/1957", 55, "46-55"),  # 56 tomorrow
        ("04/03/1957", 56, ">55"),  # 56 that day
        ("29/02/1988", 25, "<26"),
        ("04/03/2012", 1, "<26"),
    ],
)
def test_age_bracket_is_the_age_in_full_years_on_the_accueil_day(naissance, age, tranche):
    dossier = recu("04/03/2013", date_naissance=d(naissance))
    assert dossier.porteur.age_au(d("04/03/2013")) == age
    tranches = accueils(2013)["escale"]["par_tranche_age"]
    assert tranches.effectif(tranche) == 1
    assert tranches.n == 1


def test_age_on_a_29_february_birthday_follows_porteur_age_au():
    # Born 29/02/1988: on 28/02/2014 not 26 yet; on 01/03/2014 26.
    veille = recu("28/02/2014", date_naissance=d("29/02/1988"))
    jour = recu("01/03/2014", date_naissance=d("29/02/1988"))
    assert veille.porteur.age_au(d("28/02/2014")) == 25
    assert jour.porteur.age_au(d("01/03/2014")) == 26
    assert accueils(2014)["escale"]["par_tranche_age"].effectifs() == {
        "<26": 1,
        "26-35": 1,
        "36-45": 0,
        "46-55": 0,
        ">55": 0,
        "NR": 0,
    }


def test_nothing_answered_gives_nr_lines_everywhere_and_no_shares():
    recu("04/03/2013", date_naissance=None, commune=None)
    a = accueils(2013)["escale"]
    for cle in (
        "par_genre",
        "par_tranche_age",
        "par_situation",
        "par_qualification",
        "par_revenu",
        "par_commune",
        "par_departement",
        "par_epci",
        "par_quartier",
        "par_qpv",
        "par_stade",
        "par_projet_collectif",
        "par_secteur",
        "par_prescripteur",
        "par_charge",
        "par_lieu",
    ):
        r = a[cle]
        assert (r.n, r.nr, r.repondu) == (1, 1, 0), cle
        assert all(r.pourcentage(ligne.code) is None for ligne in r.lignes), cle
        assert r.pourcentage_sur_n(NR) == 100, cle
    assert a.par_situation_genre.cellules[(NR, NR)] == 1
    assert a.par_situation_genre.repondu_colonne(NR) == 0


def test_professional_situation_by_gender_says_how_many_answered():
    S_ = Porteur.SituationProfessionnelle
    recu("04/03/2013", genre="F", situation_professionnelle=S_.DEMANDEUR_EMPLOI)
    recu("04/03/2013", genre="F", situation_professionnelle=S_.SALARIE)
    recu("04/03/2013", genre="F")
    recu("04/03/2013", genre="H", situation_professionnelle=S_.DEMANDEUR_EMPLOI)
    tableau = accueils(2013)["escale"].par_situation_genre
    assert tableau.cellules[("demandeur_emploi", "F")] == 1
    assert tableau.cellules[("demandeur_emploi", "H")] == 1
    assert tableau.cellules[(NR, "F")] == 1
    assert (tableau.repondu_colonne("F"), tableau.repondu_colonne("H")) == (2, 1)
    assert tableau.n == 4
    assert tableau.en_dict()["salarie"] == {"F": 1, "H": 0, "NR": 0}


def test_territory_is_the_snapshot_of_the_reception_day_even_after_the_references_change():
    ancien_epci = EPCIFactory(siren="200000001", sigle="CAVM", nom="Valenciennes Métropole")
    nouvel_epci = EPCIFactory(siren="200000002", sigle="CAPH", nom="Porte du Hainaut")
    commune = CommuneFactory(code_insee="59606", nom="Valenciennes", epci=ancien_epci)
    dossier = recu("04/03/2013", commune=commune)
    # The commune changes EPCI, then the porteur moves: 2013 must not change.
    commune.epci = nouvel_epci
    commune.save()
    porteur = dossier.porteur
    porteur.commune = CommuneFactory(code_insee="59350", nom="Lille")
    porteur.save()
    a = accueils(2013)["escale"]
    assert a["par_epci"].effectifs() == {"200000001": 1, "NR": 0}
    assert a["par_epci"].libelles()["200000001"] == "Valenciennes Métropole (CAVM)"
    assert a["par_commune"].effectifs() == {"59606": 1, "NR": 0}
    assert a["par_departement"].effectifs() == {"59": 1, "NR": 0}


def test_lille_metropole_territories_this_year_and_last():
    lille = CommuneFactory(lille=True)
    roubaix = CommuneFactory(
        code_insee="59512",
        nom="Roubaix",
        epci=lille.epci,
        territoire_gouvernance=TerritoireGouvernanceFactory(nom="Roubaisien", epci=lille.epci),
    )
    sans_territoire = CommuneFactory(code_insee="59000", epci=lille.epci)
    ailleurs = CommuneFactory()
    recu("04/03/2012", commune=lille)
    recu("04/03/2013", commune=lille)
    recu("05/03/2013", commune=roubaix)
    recu("06/03/2013", commune=sans_territoire)
    recu("07/03/2013", commune=ailleurs)
    evolution = accueils(2013)["escale"].par_territoire_lmcu
    assert evolution.annees == (2012, 2013)
    assert evolution.en_dict() == {
        "2012": {"Lillois": 1, "Roubaisien": 0, "NR": 0},
        "2013": {"Lillois": 1, "Roubaisien": 1, "NR": 1},
    }


def test_lille_quartiers_by_situation_and_priority_neighbourhoods():
    lille = CommuneFactory(lille=True)
    wazemmes = QuartierFactory(commune=lille, nom="Wazemmes", prioritaire=True)
    vieux_lille = QuartierFactory(commune=lille, nom="Vieux-Lille")
    S_ = Porteur.SituationProfessionnelle
    recu("04/03/2013", commune=lille, quartier=wazemmes, situation_professionnelle=S_.SALARIE)
    recu("04/03/2013", commune=lille, quartier=wazemmes)
    recu("04/03/2013", commune=lille, quartier=vieux_lille)
    recu("04/03/2013", commune=lille)
    recu("04/03/2013", en_qpv=True)  # a priority neighbourhood outside Lille
    a = accueils(2013)["escale"]
    tableau = a.lille_quartier_situation
    assert [code for code, _ in tableau.lignes] == ["Vieux-Lille", "Wazemmes", NR]
    assert tableau.cellules[("Wazemmes", "salarie")] == 1
    assert tableau.total_ligne("Wazemmes") == 2
    assert tableau.total_ligne(NR) == 1
    assert a["lille_qpv"].effectifs() == {"oui": 2, "non": 1, "NR": 1}
    assert a["par_qpv"].effectifs() == {"oui": 3, "non": 1, "NR": 1}


def test_receptions_per_staff_member_and_outside_the_premises():
    claire = UtilisateurFactory(username="claire", first_name="Claire", last_name="Dubois")
    paul = UtilisateurFactory(username="paul", first_name="Paul", last_name="Petit")
    valenciennois = TerritoirePLDE.objects.create(nom="Valenciennois")
    centre = PointAccueilFactory(nom="Centre social", territoire_plde=valenciennois)
    for lieu, point in ((RendezVous.Lieu.LOCAUX, None), (RendezVous.Lieu.POINT_ACCUEIL, centre)):
        services.enregistrer_rendez_vous(
            DossierFactory(),
            auteur=claire,
            date=d("04/03/2013"),
            charge=claire,
            lieu=lieu,
            point_accueil=point,
        )
    services.enregistrer_rendez_vous(
        DossierFactory(),
        auteur=paul,
        date=d("05/03/2013"),
        charge=paul,
        lieu=RendezVous.Lieu.TELEPHONE,
    )
    dossier_avec((A, "06/03/2013"), referent=paul)  # entered by hand: the référent
    dossier_avec((A, "07/03/2013"))  # by hand, no référent: NR
    a = accueils(2013)["escale"]
    assert a["par_charge"].effectifs() == {"claire": 2, "paul": 2, "NR": 1}
    assert a["par_charge"].libelles()["claire"] == "Claire Dubois"
    assert a["par_lieu"].effectifs() == {
        "locaux": 1,
        "point_accueil": 1,
        "telephone": 1,
        "autre": 0,
        "NR": 2,
    }
    nom_centre = f"Centre social ({centre.commune.nom})"
    assert a["hors_locaux_par_point_accueil"].effectifs() == {nom_centre: 1, "NR": 1}
    assert a["hors_locaux_par_territoire_plde"].effectifs() == {"Valenciennois": 1, "NR": 1}


def test_held_appointments_per_received_dossier():
    claire = UtilisateurFactory()

    def avec_rendez_vous(*jours, statut=RendezVous.Statut.REALISE):
        dossier = DossierFactory(dispositif="citeslab")
        for jour in jours:
            services.enregistrer_rendez_vous(
                dossier, auteur=claire, date=d(jour), charge=claire, statut=statut
            )
        return dossier

    avec_rendez_vous("04/03/2013")
    un = avec_rendez_vous("04/03/2013")
    services.enregistrer_rendez_vous(
        un, auteur=claire, date=d("05/03/2013"), charge=claire, statut=RendezVous.Statut.ANNULE
    )
    avec_rendez_vous("04/03/2013", "11/03/2013", "18/03/2013")
    avec_rendez_vous(*(f"{j:02d}/04/2013" for j in range(1, 7)))
    avec_rendez_vous("20/12/2013", "06/01/2014")  # the 2014 one is not in 2013
    dossier_avec((A, "04/03/2013"), dispositif="citeslab")  # by hand, no appointment
    r = accueils(2013)["citeslab"]["par_nombre_rendez_vous"]
    assert r.effectifs() == {"0": 1, "1": 3, "2": 0, "3": 1, "4": 0, "5+": 1, "NR": 0}


def test_what_became_of_the_year_s_receptions_and_where_they_were_oriented():
    bge = StructurePartenaireFactory(nom="BGE", reseau_creation=True)
    orientation = {
        "type_sortie": ChangementPhase.TypeSortie.NON_VALORISABLE,
        "issue": ChangementPhase.Issue.ORIENTATION,
    }
    dossier_avec((A, "04/03/2013"), (S, "04/03/2013", {**orientation, "orientation_vers": bge}))
    dossier_avec((A, "04/03/2013"), (S, "05/03/2013", orientation))
    dossier_avec((A, "04/03/2013"), (S, "06/03/2013"))  # abandon
    dossier_avec((A, "04/03/2013"), (M, "04/04/2013"))
    dossier_avec((A, "04/12/2013"), (S, "06/01/2014"))  # left after the year: still going
    a = accueils(2013)["escale"]
    assert a["par_suivi"].effectif("orientation") == 2
    assert a["par_suivi"].effectif("abandon") == 1
    assert a["par_suivi"].effectif("en_cours") == 2
    assert a["par_orientation"].effectifs() == {"BGE": 1, "NR": 1}


def test_prescriber_stage_project_kind_and_sector():
    prescripteur = StructurePartenaireFactory(nom="Pôle emploi Tourcoing")
    dossier_avec(
        (A, "04/03/2013"),
        dispositif="citeslab",
        prescripteur=prescripteur,
        stade_premier_accueil="idee",
        projet_collectif="oui",
        secteur="commerce",
    )
    dossier_avec((A, "04/03/2013"), dispositif="citeslab")
    a = accueils(2013)["citeslab"]
    assert a["par_prescripteur"].effectifs() == {"Pôle emploi Tourcoing": 1, "NR": 1}
    assert a["par_stade"].effectif("idee") == 1
    assert a["par_projet_collectif"].effectifs() == {"oui": 1, "non": 0, "NR": 1}
    assert a["par_secteur"].effectif("commerce") == 1
    assert accueils(2013)["escale"].total == 0


def test_shares_leave_nr_out_of_the_base_but_not_out_of_n():
    for genre in ("F", "F", "H", "nr"):
        recu("04/03/2013", genre=genre)
    genre = accueils(2013)["escale"]["par_genre"]
    assert float(genre.pourcentages()["F"]) == pytest.approx(200 / 3)
    assert genre.pourcentages_sur_n() == {"F": 50, "H": 25, "NR": 25}


def test_a_year_without_receptions_has_zero_lines_for_closed_lists():
    a = accueils(2013)["escale"]
    assert a.total == 0
    assert a["par_genre"].effectifs() == {"F": 0, "H": 0, "NR": 0}
    assert a["par_commune"].effectifs() == {"NR": 0}
    assert a.par_territoire_lmcu.de_l_annee(2013).n == 0


def test_the_epci_breakdown_counts_this_year_s_receptions_only():
    # The EPCI and the LMCU territories share one query over this year's and last year's
    # receptions: last year's count in the territories, never in the EPCI breakdown.
    lille = CommuneFactory(lille=True)
    cavm = EPCIFactory(siren="200000001", sigle="CAVM", nom="Valenciennes Métropole")
    valenciennes = CommuneFactory(code_insee="59606", nom="Valenciennes", epci=cavm)
    recu("04/03/2012", commune=valenciennes)
    recu("05/03/2012", commune=lille)
    recu("04/03/2013", commune=lille)
    recu("05/03/2013", commune=lille)
    a = accueils(2013)["escale"]
    assert a["par_epci"].effectifs() == {lille.epci.siren: 2, "NR": 0}
    assert a.par_territoire_lmcu.en_dict() == {
        "2012": {"Lillois": 1, "NR": 0},
        "2013": {"Lillois": 2, "NR": 0},
    }
    assert accueils(2012)["escale"]["par_epci"].effectifs() == {
        cavm.siren: 1,
        lille.epci.siren: 1,
        "NR": 0,
    }
