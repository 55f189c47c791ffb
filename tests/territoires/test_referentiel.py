"""`charger_referentiel`: the reference data the app ships, as the seed report describes it."""

import datetime
import json
import time
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from territoires.models import (
    EPCI,
    Commune,
    PointAccueil,
    Quartier,
    ReferentTerritoire,
    StructurePartenaire,
    TerritoireGouvernance,
    TerritoirePLDE,
)
from territoires.referentiel import FICHIER_GEOGRAPHIE, charger_referentiel

pytestmark = pytest.mark.django_db

MEL = "200093201"
TERRITOIRES_MEL = {
    "Lillois", "Roubaisien", "Tourquennois", "Couronne Nord", "Couronne Sud",
    "Territoire Est", "Lys", "Weppes",
}  # fmt: skip
PETITES_COMMUNES_EST = [
    "Forest-sur-Marque", "Willems", "Tressin", "Chéreng", "Baisieux", "Anstaing", "Gruson",
    "Bouvines", "Péronne-en-Mélantois",
]  # fmt: skip


@pytest.fixture
def referentiel() -> str:
    sortie = StringIO()
    call_command("charger_referentiel", stdout=sortie)
    return sortie.getvalue()


def _communes_du_fichier() -> Counter:
    """Counted straight from the vendored JSON, not through the loader."""
    donnees = json.loads(FICHIER_GEOGRAPHIE.read_text(encoding="utf-8"))
    return Counter(c["departement"] for c in donnees["communes"])


def test_loads_every_commune_of_nord_and_pas_de_calais(referentiel):
    attendu = _communes_du_fichier()
    assert Commune.objects.filter(departement__code="59").count() == attendu["59"] > 600
    assert Commune.objects.filter(departement__code="62").count() == attendu["62"] > 800
    assert not Commune.objects.filter(epci__isnull=True).exists()
    assert f"{attendu['59'] + attendu['62']:,}".replace(",", " ") + " communes" in referentiel


def test_named_epci_carry_the_sigles_of_the_report(referentiel):
    sigles = dict(EPCI.objects.exclude(sigle="").values_list("sigle", "siren"))
    assert sigles["LMCU"] == MEL
    assert sigles["CAVM"] == "245901160"
    assert sigles["CAD"] == "200044618"
    assert len(sigles) >= 10
    assert str(EPCI.objects.get(siren=MEL)) == "LMCU"


def test_every_mel_commune_is_in_one_of_the_eight_territoires(referentiel):
    mel = EPCI.objects.get(siren=MEL)
    assert mel.communes.count() == 95
    assert not mel.communes.filter(territoire_gouvernance__isnull=True).exists()
    assert set(mel.territoires.values_list("nom", flat=True)) == TERRITOIRES_MEL
    assert TerritoireGouvernance.objects.count() == 8
    sud = set(
        Commune.objects.filter(territoire_gouvernance__nom="Couronne Sud").values_list(
            "nom", flat=True
        )
    )
    assert {
        "Faches-Thumesnil",
        "Houplin-Ancoisne",
        "Loos",
        "Ronchin",
        "Seclin",
        "Templemars",
        "Wattignies",
    } <= sud
    est = set(
        Commune.objects.filter(territoire_gouvernance__nom="Territoire Est").values_list(
            "nom", flat=True
        )
    )
    assert {"Villeneuve-d'Ascq", "Mons-en-Barœul", *PETITES_COMMUNES_EST} <= est
    assert Commune.objects.get(nom="Lille").territoire_gouvernance.nom == "Lillois"


def test_every_point_d_accueil_of_the_report_exists_with_its_commune(referentiel):
    def noms(**filtre):
        return sorted(PointAccueil.objects.filter(**filtre).values_list("commune__nom", "nom"))

    assert (
        len(noms(territoire_plde__nom="Métropole lilloise", nature__in=["lieu_public", "mairie"]))
        == 8 + 2 + 9 + 1
    )
    sud = [
        "Faches-Thumesnil",
        "Houplin-Ancoisne",
        "Loos",
        "Ronchin",
        "Seclin",
        "Templemars",
        "Wattignies",
    ]
    for commune in sud:
        assert PointAccueil.objects.filter(commune__nom=commune).exists(), commune
    assert PointAccueil.objects.filter(commune__nom="Wattignies").count() == 2
    for commune in PETITES_COMMUNES_EST:
        mairie = PointAccueil.objects.get(commune__nom=commune)
        assert mairie.nature == PointAccueil.Nature.MAIRIE
        assert mairie.latitude is not None
    assert PointAccueil.objects.get(commune__nom="Villeneuve-d'Ascq").structure.nom == "PROJAIDE"
    assert PointAccueil.objects.get(commune__nom="Mons-en-Barœul").nom == "Centre Social Imagine"
    assert PointAccueil.objects.filter(
        commune__nom="Tourcoing", nature="lieu_public"
    ).get().nom == ("Maison des Associations de Tourcoing")
    valenciennois = PointAccueil.objects.filter(territoire_plde__nom="Valenciennois")
    assert valenciennois.count() == 6
    assert valenciennois.get(nom="CAPEP").commune.nom == "Anzin"
    assert valenciennois.get(nom="CAPEP").adresse == "75 rue Jean Jaurès 59410 Anzin"
    assert valenciennois.get(nom__startswith="Mairie").commune.nom == "Condé-sur-l'Escaut"
    citeslab = dict(
        PointAccueil.objects.filter(nature="citeslab").values_list("quartier__nom", "commune__nom")
    )
    assert citeslab == {
        "Epidème": "Tourcoing", "Bourgogne": "Tourcoing", "Pont Rompu": "Tourcoing",
        "Beaulieu": "Wattrelos",
    }  # fmt: skip
    assert PointAccueil.objects.count() == 30
    assert "30 points d'accueil" in referentiel


def test_douaisis_referent_changes_in_march_2013(referentiel):
    douaisis = TerritoirePLDE.objects.get(nom="Douaisis")
    assert douaisis.referent_au(datetime.date(2013, 2, 1)).last_name == "Legendre"
    assert douaisis.referent_au(datetime.date(2013, 6, 1)).last_name == "Le Coutour"
    valenciennois = TerritoirePLDE.objects.get(nom="Valenciennois")
    assert valenciennois.referent_au(datetime.date(2013, 6, 1)).get_full_name() == "Sylvain Masclat"
    metropole = TerritoirePLDE.objects.get(nom="Métropole lilloise")
    assert metropole.referent_au(datetime.date(2013, 6, 1)).username == "gdelevaque"
    assert set(metropole.epcis.values_list("siren", flat=True)) == {MEL}
    assert set(douaisis.epcis.values_list("sigle", flat=True)) >= {"CAD"}


def test_new_referents_cannot_log_in_until_the_direction_sets_a_password(referentiel):
    utilisateur = get_user_model().objects.get(username="alecoutour")
    assert (utilisateur.first_name, utilisateur.last_name) == ("Audrey", "Le Coutour")
    assert not utilisateur.has_usable_password()


def test_an_existing_user_keeps_name_and_password(django_user_model):
    django_user_model.objects.create_user(
        username="gdelevaque",
        password="mot-de-passe-de-test-1",
        first_name="Guillaume",
        last_name="D.",
    )
    call_command("charger_referentiel", stdout=StringIO())
    guillaume = django_user_model.objects.get(username="gdelevaque")
    assert guillaume.check_password("mot-de-passe-de-test-1")
    assert guillaume.last_name == "D."
    assert ReferentTerritoire.objects.filter(salarie=guillaume).count() == 1


def test_priority_quartiers_are_flagged(referentiel):
    lille = {q.nom: q.qpv for q in Quartier.objects.filter(commune__nom="Lille")}
    prioritaires = {
        "Lille-Sud",
        "Moulins",
        "Wazemmes",
        "Fives",
        "Faubourg de Béthune",
        "Bois-Blancs",
    }
    assert {nom for nom, qpv in lille.items() if qpv} >= prioritaires
    assert not lille["Vieux-Lille"] and not lille["Centre"]
    assert {"Hellemmes", "Lomme"} <= set(lille)
    assert len(lille) == 12
    citeslab = Quartier.objects.filter(commune__nom__in=["Tourcoing", "Wattrelos"])
    assert sorted(citeslab.values_list("nom", flat=True)) == [
        "Beaulieu",
        "Bourgogne",
        "Epidème",
        "Pont Rompu",
    ]
    assert all(citeslab.values_list("qpv", flat=True))


def test_structures_cover_the_partners_of_the_report(referentiel):
    par_sigle = dict(
        StructurePartenaire.objects.exclude(sigle="").values_list("sigle", "categorie")
    )
    assert par_sigle["CDC"] == "financeur"
    assert par_sigle["ADIE"] == "reseau_creation"
    assert par_sigle["APES"] == "acteur_ess"
    noms = set(StructurePartenaire.objects.values_list("nom", flat=True))
    assert {
        "Rhizomes",
        "Colline",
        "Entreprendre Ensemble",
        "Optéos",
        "Pôle emploi",
        "Ville de Wattrelos",
    } <= noms
    # Every host named by a point d'accueil is a structure of the list.
    assert not PointAccueil.objects.filter(structure__isnull=True).exists()


def test_named_communes_have_coordinates(referentiel):
    nommees = [
        "Lille", "Roubaix", "Tourcoing", "Wattrelos", "Douai", "Valenciennes", "Dunkerque",
        "Saint-Omer", "Anzin", "Hem", "Seclin", "Lambersart", "Marquette-lez-Lille",
        "Saint-André-lez-Lille", "Odomez", "Aubry-du-Hainaut",
    ]  # fmt: skip
    sans = Commune.objects.filter(nom__in=nommees, latitude__isnull=True)
    assert not sans.exists()
    lille = Commune.objects.get(nom="Lille")
    assert 50.6 < lille.latitude < 50.7 and 3.0 < lille.longitude < 3.1
    # Every point d'accueil sits in its commune's neighbourhood.
    for pap in PointAccueil.objects.select_related("commune"):
        assert abs(pap.latitude - pap.commune.latitude) < 0.05, pap


def test_second_run_creates_nothing_and_is_quick(referentiel):
    def etat():
        return {
            modele.__name__: sorted(modele.objects.values_list("id", flat=True))
            for modele in (
                Commune,
                EPCI,
                TerritoireGouvernance,
                TerritoirePLDE,
                ReferentTerritoire,
                Quartier,
                StructurePartenaire,
                PointAccueil,
            )
        } | {
            "communes": list(
                Commune.objects.order_by("id").values_list(
                    "nom", "epci_id", "territoire_gouvernance_id", "latitude", "codes_postaux"
                )
            )
        }

    avant = etat()
    sortie = StringIO()
    debut = time.perf_counter()
    call_command("charger_referentiel", stdout=sortie)
    duree = time.perf_counter() - debut

    assert etat() == avant
    assert "Créés : 0, modifiés : 0." in sortie.getvalue()
    assert duree < 5


def test_second_run_reads_each_table_once(referentiel, django_assert_max_num_queries):
    # 28 measured: a few reads per file and no write (the command's summary adds about ten
    # counts). A query per row would show up here as hundreds.
    with django_assert_max_num_queries(30):
        charger_referentiel()
