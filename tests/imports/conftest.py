"""Fixtures of the import tests: the reference data the files name, files in the three
formats, and "today" frozen at the end of the seed report's year (as the casework tests)."""

import csv
import datetime
import io
import zoneinfo

import openpyxl
import pytest

from tests.factories import (
    CommuneFactory,
    DossierFactory,
    PointAccueilFactory,
    QuartierFactory,
    StructurePartenaireFactory,
)


@pytest.fixture(autouse=True)
def _aujourd_hui(time_machine):
    time_machine.move_to(
        datetime.datetime(2013, 12, 31, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
        tick=False,
    )


@pytest.fixture
def lille(db):
    return CommuneFactory(lille=True)


@pytest.fixture
def wazemmes(lille):
    return QuartierFactory(commune=lille, nom="Wazemmes", prioritaire=True)


@pytest.fixture
def pole_emploi(db):
    return StructurePartenaireFactory(nom="Pôle emploi Lille Vauban", sigle="PE")


@pytest.fixture
def centre_social(lille):
    return PointAccueilFactory(nom="Centre social Marcel Pagnol", commune=lille)


@pytest.fixture
def dossiers(db):
    """Three dossiers not received yet: 2013-0001, 2013-0002, 2013-0003."""
    return [DossierFactory(reference=f"2013-000{n}") for n in (1, 2, 3)]


def csv_virgule(lignes: list[list]) -> bytes:
    sortie = io.StringIO()
    csv.writer(sortie, lineterminator="\r\n").writerows(lignes)
    return sortie.getvalue().encode("utf-8")


def csv_point_virgule_bom(lignes: list[list]) -> bytes:
    sortie = io.StringIO()
    csv.writer(sortie, delimiter=";", lineterminator="\r\n").writerows(lignes)
    return sortie.getvalue().encode("utf-8-sig")


def xlsx(lignes: list[list]) -> bytes:
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    for ligne in lignes:
        feuille.append(ligne)
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


FORMATS = {
    "csv-virgule": (csv_virgule, "fichier.csv"),
    "csv-point-virgule-bom": (csv_point_virgule_bom, "fichier.csv"),
    "xlsx": (xlsx, "fichier.xlsx"),
}


@pytest.fixture(params=list(FORMATS))
def format_fichier(request):
    """(function turning rows into file bytes, file name), for each of the three formats."""
    return FORMATS[request.param]
