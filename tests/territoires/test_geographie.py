"""The geography loader, from a tiny hand-made directory shaped like the `data/` folder of
@etalab/decoupage-administratif."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from territoires.models import EPCI, Commune, Departement
from territoires.referentiel import (
    DepartementInconnu,
    charger_geographie,
    extraire_sous_ensemble,
    lire_source_etalab,
    lire_sous_ensemble,
)

pytestmark = pytest.mark.django_db


def _ecrire_source(dossier: Path, *, nom_lille: str = "Lille") -> Path:
    communes = [
        {"code": "59350", "nom": nom_lille, "departement": "59", "type": "commune-actuelle",
         "codesPostaux": ["59000", "59160", "59260"], "population": 238246},
        {"code": "59512", "nom": "Roubaix", "departement": "59", "type": "commune-actuelle",
         "codesPostaux": ["59100"], "population": 99507},
        # Parts of Lille, not communes: must be ignored.
        {"code": "59355", "nom": "Lomme", "departement": "59", "type": "commune-associee",
         "chefLieu": "59350"},
        # Another département, not asked for.
        {"code": "80021", "nom": "Amiens", "departement": "80", "type": "commune-actuelle",
         "codesPostaux": ["80000"], "population": 133625},
    ]  # fmt: skip
    epci = [
        {"code": "200093201", "nom": "Métropole Européenne de Lille", "type": "METRO",
         "membres": [{"code": "59350", "siren": "215903501"}, {"code": "59512"}]},
        {"code": "248000531", "nom": "CA Amiens Métropole", "type": "CA",
         "membres": [{"code": "80021"}]},
    ]  # fmt: skip
    departements = [{"code": "59", "nom": "Nord"}, {"code": "80", "nom": "Somme"}]
    for nom, contenu in [
        ("communes.json", communes),
        ("epci.json", epci),
        ("departements.json", departements),
    ]:
        (dossier / nom).write_text(json.dumps(contenu), encoding="utf-8")
    return dossier


def test_loads_the_asked_departement_from_an_etalab_directory(tmp_path):
    call_command(
        "charger_geographie", "--departements", "59", "--source", str(_ecrire_source(tmp_path))
    )

    assert list(Departement.objects.values_list("code", "nom")) == [("59", "Nord")]
    assert list(EPCI.objects.values_list("siren", "nom", "nature")) == [
        ("200093201", "Métropole Européenne de Lille", "METRO")
    ]
    lille = Commune.objects.get(code_insee="59350")
    assert (lille.nom, lille.departement.code, lille.epci.siren) == ("Lille", "59", "200093201")
    assert lille.codes_postaux == "59000 59160 59260"
    assert lille.population == 238246
    # Lomme is a commune associée (a part of Lille), Amiens is in an unasked département.
    assert sorted(Commune.objects.values_list("code_insee", flat=True)) == ["59350", "59512"]


def test_unknown_departement_is_refused_with_a_french_message(tmp_path):
    source = _ecrire_source(tmp_path)
    with pytest.raises(CommandError, match="Département inconnu : 75"):
        call_command("charger_geographie", "--departements", "59", "75", "--source", str(source))
    assert not Commune.objects.exists()
    with pytest.raises(DepartementInconnu, match="ne contient que : 59, 62"):
        charger_geographie(["75"])


def test_second_run_creates_nothing_and_keeps_row_ids(tmp_path):
    source = lire_source_etalab(_ecrire_source(tmp_path))
    charger_geographie(["59"], source)
    ids = dict(Commune.objects.values_list("code_insee", "id"))
    epci_ids = list(EPCI.objects.values_list("id", flat=True))

    bilan = charger_geographie(["59"], source)

    assert (bilan.communes.crees, bilan.communes.modifies, bilan.communes.inchanges) == (0, 0, 2)
    assert (bilan.epci.crees, bilan.epci.modifies) == (0, 0)
    assert dict(Commune.objects.values_list("code_insee", "id")) == ids
    assert list(EPCI.objects.values_list("id", flat=True)) == epci_ids


def test_second_run_takes_a_constant_number_of_queries(tmp_path, django_assert_max_num_queries):
    source = lire_source_etalab(_ecrire_source(tmp_path))
    charger_geographie(["59"], source)
    # Read each table once, read back ids; no write when nothing changed.
    with django_assert_max_num_queries(8):
        charger_geographie(["59"], source)


def test_a_renamed_commune_is_updated_in_place(tmp_path):
    charger_geographie(["59"], lire_source_etalab(_ecrire_source(tmp_path)))
    lille = Commune.objects.get(code_insee="59350")

    bilan = charger_geographie(
        ["59"], lire_source_etalab(_ecrire_source(tmp_path, nom_lille="Lille (nouveau)"))
    )

    assert (bilan.communes.crees, bilan.communes.modifies) == (0, 1)
    lille_apres = Commune.objects.get(code_insee="59350")
    assert (lille_apres.pk, lille_apres.nom) == (lille.pk, "Lille (nouveau)")


def test_coordinates_and_territoire_are_left_alone(tmp_path):
    source = lire_source_etalab(_ecrire_source(tmp_path))
    charger_geographie(["59"], source)
    Commune.objects.filter(code_insee="59350").update(latitude="50.63115", longitude="3.07085")

    charger_geographie(["59"], source)

    lille = Commune.objects.get(code_insee="59350")
    assert (str(lille.latitude), str(lille.longitude)) == ("50.63115", "3.07085")


def test_extracted_subset_keeps_only_members_of_the_asked_departements(tmp_path):
    source = lire_source_etalab(_ecrire_source(tmp_path))

    donnees = extraire_sous_ensemble(source, ["59"], "6.0.0", datetime.date(2026, 1, 1))

    assert [c["code"] for c in donnees["communes"]] == ["59350", "59512"]
    assert donnees["epci"] == [
        {"code": "200093201", "nom": "Métropole Européenne de Lille", "type": "METRO",
         "membres": ["59350", "59512"]}
    ]  # fmt: skip
    assert donnees["source"]["version"] == "6.0.0"


def test_vendored_subset_holds_nord_and_pas_de_calais():
    source = lire_sous_ensemble()
    assert source.codes_departements() == ["59", "62"]
    codes = {c["code"] for c in source.communes}
    assert len(codes) == len(source.communes) > 1400
    # Every member of a vendored EPCI is a vendored commune, and each commune has one EPCI.
    membres = [m for e in source.epci for m in e["membres"]]
    assert set(membres) <= codes
    assert len(membres) == len(set(membres)) == len(codes)
