"""The direction edits the reference data in the admin (/gestion/)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from territoires.models import (
    EPCI,
    Commune,
    Departement,
    PointAccueil,
    Quartier,
    ReferentTerritoire,
    StructurePartenaire,
    TerritoireGouvernance,
    TerritoirePLDE,
)

pytestmark = pytest.mark.django_db

MODELES = [
    Departement, EPCI, TerritoireGouvernance, TerritoirePLDE, ReferentTerritoire, Commune,
    Quartier, StructurePartenaire, PointAccueil,
]  # fmt: skip


@pytest.fixture
def referentiel():
    call_command("charger_referentiel", stdout=StringIO())


def _url(modele, vue: str, *args) -> str:
    return reverse(f"admin:territoires_{modele._meta.model_name}_{vue}", args=args)


@pytest.mark.parametrize("modele", MODELES, ids=lambda m: m.__name__)
def test_direction_opens_every_reference_list_and_form(client_directeur, referentiel, modele):
    assert client_directeur.get(_url(modele, "changelist")).status_code == 200
    assert client_directeur.get(_url(modele, "add")).status_code == 200
    premier = modele.objects.first()
    assert client_directeur.get(_url(modele, "change", premier.pk)).status_code == 200


def test_communes_are_searched_by_name_or_insee_code(client_directeur, referentiel):
    par_nom = client_directeur.get(_url(Commune, "changelist"), {"q": "Wattignies"})
    par_code = client_directeur.get(_url(Commune, "changelist"), {"q": "59648"})
    assert {c.nom for c in par_nom.context["cl"].result_list} == {
        "Wattignies",
        "Wattignies-la-Victoire",
    }
    assert [c.nom for c in par_code.context["cl"].result_list] == ["Wattignies"]


def test_commune_autocomplete_answers_for_a_point_d_accueil(client_directeur, referentiel):
    reponse = client_directeur.get(
        reverse("admin:autocomplete"),
        {
            "term": "Wattr",
            "app_label": "territoires",
            "model_name": "pointaccueil",
            "field_name": "commune",
        },
    )
    assert reponse.status_code == 200
    assert [r["text"] for r in reponse.json()["results"]] == ["Wattrelos"]


def test_referents_are_edited_inside_their_territoire(client_directeur, referentiel):
    douaisis = TerritoirePLDE.objects.get(nom="Douaisis")
    page = client_directeur.get(_url(TerritoirePLDE, "change", douaisis.pk))
    assert "Le Coutour" in page.content.decode()


def test_staff_without_admin_access_cannot_edit_reference_data(client_charge):
    reponse = client_charge.get(_url(Commune, "changelist"))
    assert reponse.status_code == 302
