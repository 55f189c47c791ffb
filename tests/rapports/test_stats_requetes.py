"""The number of queries of the report's statistics does not depend on the data: pinned on
a year built at two sizes (each size multiplies every kind of record)."""

import datetime
from decimal import Decimal

import pytest

from accompagnement import services
from accompagnement.models import ChangementPhase, RendezVous
from maillage.models import AnneeAssociative, AssembleeGenerale, MembreConseil, ReunionConseil
from rapports import stats
from rapports.definitions import DEFINITIONS
from rapports.models import AgregatHistorique
from territoires.models import TerritoirePLDE
from tests.factories import (
    CommuneFactory,
    DossierFactory,
    PointAccueilFactory,
    PorteurFactory,
    QuartierFactory,
    StructurePartenaireFactory,
    UtilisateurFactory,
)
from tests.formations.factories import (
    AssociationInscrivanteFactory,
    InscriptionFactory,
    SessionFactory,
)
from tests.rapports.conftest import SORTIE_VALORISABLE, A, C, M, P, S, d, dossier_avec

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("aujourd_hui")]


def une_annee(taille: int) -> None:
    """`taille` copies of a varied 2013: receptions by appointment (premises, PAP), by hand,
    in Lille quartiers, CitésLab, every phase, exits, orientations, trainings, association
    life and stored past figures."""
    lille = CommuneFactory(lille=True)
    plde = TerritoirePLDE.objects.create(nom=f"Territoire {taille}")
    bge = StructurePartenaireFactory(reseau_creation=True)
    AnneeAssociative.objects.get_or_create(annee=2013, defaults={"nombre_adherents": 24})
    ag, _ = AssembleeGenerale.objects.get_or_create(date=datetime.date(2013, 6, 1))
    AgregatHistorique.objects.get_or_create(
        annee=2009,
        indicateur=AgregatHistorique.Indicateur.PART_FEMMES,
        dispositif="escale",
        defaults={"valeur": Decimal(56), "source": "rapport 2009"},
    )
    for i in range(taille):
        charge = UtilisateurFactory(date_entree=datetime.date(2010, 1, 1), etp=Decimal(1))
        MembreConseil.objects.create(assemblee=ag, nom=f"Membre {i}", prenom="A")
        ReunionConseil.objects.create(date=datetime.date(2013, 1, 1) + datetime.timedelta(i))
        quartier = QuartierFactory(commune=lille, prioritaire=bool(i % 2))
        point = PointAccueilFactory(territoire_plde=plde)
        for dispositif in ("escale", "citeslab"):
            dossier = DossierFactory(
                dispositif=dispositif,
                porteur=PorteurFactory(femme=True, commune=lille, quartier=quartier),
                prescripteur=bge,
            )
            for jour, lieu, pap in (
                ("04/03/2013", RendezVous.Lieu.POINT_ACCUEIL, point),
                ("11/03/2013", RendezVous.Lieu.LOCAUX, None),
            ):
                services.enregistrer_rendez_vous(
                    dossier,
                    auteur=charge,
                    date=d(jour),
                    charge=charge,
                    lieu=lieu,
                    point_accueil=pap,
                )
        dossier_avec((A, "31/12/2013"), porteur=PorteurFactory(homme=True))
        dossier_avec(
            (A, "10/01/2011"),
            (M, "10/02/2011"),
            (C, "15/05/2012"),
            (P, "03/06/2013"),
            (S, "04/11/2013", SORTIE_VALORISABLE),
            emplois_crees=2,
        )
        dossier_avec(
            (A, "04/03/2013"),
            (
                S,
                "04/03/2013",
                {
                    "type_sortie": "non_valorisable",
                    "issue": "orientation",
                    "orientation_vers": bge,
                },
            ),
            dispositif="citeslab",
        )
        association = AssociationInscrivanteFactory(dossier=dossier)
        InscriptionFactory(session=SessionFactory(), association=association, fiche=True)
    assert ChangementPhase.objects.exists()


@pytest.mark.parametrize("taille", [1, 4])
def test_the_whole_year_takes_a_fixed_number_of_queries(taille, django_assert_num_queries):
    une_annee(taille)
    with django_assert_num_queries(stats.QUERIES_RAPPORT_ANNUEL):
        rapport = stats.rapport_annuel(2013)
    assert rapport["dispositifs"]["escale"]["accueils"]["total"] == 2 * taille
    assert rapport["formations"]["sessions"] == taille


@pytest.mark.parametrize("taille", [1, 4])
@pytest.mark.parametrize(
    ("fonction", "requetes"),
    [
        (stats.entonnoirs, 1),
        (stats.accueils, 9),
        (stats.accompagnements, 1),
        (stats.rendez_vous_de_l_annee, 1),
        (stats.genre_depuis_2007, 2),
        (stats.chiffres_depuis_la_creation, 3),
        (stats.vie_associative, 5),
    ],
)
def test_each_statistic_takes_a_fixed_number_of_queries(
    taille, fonction, requetes, django_assert_num_queries
):
    une_annee(taille)
    with django_assert_num_queries(requetes):
        fonction(2013)


def test_the_demo_like_year_holds_together():
    une_annee(2)
    rapport = stats.rapport_annuel(2013)
    escale = rapport["dispositifs"]["escale"]
    for etape in escale["entonnoir"].values():
        assert etape["actifs"] == etape["report"] + etape["entrees"]
        assert etape["fin"] == etape["actifs"] - etape["sorties"]
    assert escale["accueils"]["par_charge"]["NR"] == 2  # the two received by hand
    assert escale["accueils"]["hors_locaux_par_point_accueil"]["NR"] == 0
    assert escale["accueillis_passes_en_maturation"] == 2
    assert rapport["dispositifs"]["citeslab"]["accueils"]["par_orientation"]["NR"] == 0


def test_every_figure_of_the_json_has_a_definition():
    une_annee(1)
    rapport = stats.rapport_annuel(2013)
    escale = rapport["dispositifs"]["escale"]
    cles = {f"accueils.{cle}" for cle in escale["accueils"]}
    cles |= {
        f"entonnoir.{cle}" for cle in escale["entonnoir"]["accueil"] if cle != "sorties_detail"
    }
    cles |= {"accueillis_passes_en_maturation", "accueillis_passes_en_creation"}
    cles |= {"sorties.par_type", "sorties.par_issue", "genre_depuis_2007"}
    cles |= {f"accompagnements.{cle}" for cle in escale["accompagnements"]}
    cles |= {f"rendez_vous.{cle}" for cle in rapport["rendez_vous"]}
    cles |= {f"depuis_la_creation.{cle}" for cle in rapport["depuis_la_creation"]}
    cles |= {f"formations.{c}" for c in ("sessions", "jours", "stagiaires", "associations")}
    assert cles - set(DEFINITIONS) == set()
    assert set(rapport["definitions"]) == set(DEFINITIONS)
    assert all(texte.strip() for texte in rapport["definitions"].values())
