"""The dossier list at a network's scale (issue 9): a count that stops at a cap and says so,
pages read through their keys, a search that the database can serve from indexes, and
select lists drawn without Django's per-option templates, all with the same results and
markup as before."""

import datetime

import pytest
from django import forms
from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accompagnement.forms import ChangementPhaseForm
from maillage.formulaires import classes_bootstrap
from maillage.pagination import PaginateurPlafonne, nombre_lisible
from porteurs import views
from porteurs.filters import DossierFilter, SelectRapide, selects_rapides
from porteurs.models import Dossier, Phase
from tests.factories import (
    CommuneFactory,
    DossierFactory,
    PorteurFactory,
    StructurePartenaireFactory,
    UtilisateurFactory,
)

pytestmark = pytest.mark.django_db


def des_dossiers(nombre: int, **kwargs) -> list[Dossier]:
    """`nombre` dossiers received a day apart, the newest last."""
    return [
        DossierFactory(
            en_accueil=True, debut=datetime.date(2013, 3, 1) + datetime.timedelta(days=i), **kwargs
        )
        for i in range(nombre)
    ]


def ordre_de_la_liste() -> list[int]:
    return list(Dossier.objects.order_by(*views.ORDRE_LISTE).values_list("pk", flat=True))


# --- The paginator -----------------------------------------------------------------------


def test_below_the_cap_the_count_and_pages_are_exact():
    des_dossiers(5)
    paginateur = PaginateurPlafonne(Dossier.objects.order_by("pk"), 2, plafond=10)
    assert paginateur.count == 5
    assert not paginateur.compte_plafonne
    assert paginateur.num_pages == 3
    derniere = paginateur.get_page(3)
    assert len(derniere) == 1
    assert not derniere.has_next()
    assert derniere.start_index() == derniere.end_index() == 5


def test_above_the_cap_the_count_stops_and_later_pages_still_open():
    dossiers = des_dossiers(7)
    paginateur = PaginateurPlafonne(Dossier.objects.order_by("pk"), 2, plafond=3)
    assert paginateur.count == 4
    assert paginateur.compte_plafonne
    # Page 4 is past what the cap counted: it opens, and knows it is the last.
    page = paginateur.get_page(4)
    assert [d.pk for d in page] == [dossiers[6].pk]
    assert page.has_previous()
    assert not page.has_next()
    assert paginateur.get_page(3).has_next()


def test_a_page_past_the_end_above_the_cap_shows_the_last_page():
    des_dossiers(7)
    paginateur = PaginateurPlafonne(Dossier.objects.order_by("pk"), 2, plafond=3)
    assert paginateur.get_page(40).number == 4
    assert paginateur.get_page("pas un nombre").number == 1


def test_pages_read_through_their_keys_give_the_list_in_order_with_its_joins():
    des_dossiers(7, referent=UtilisateurFactory(charge=True))
    lignes = Dossier.objects.select_related("porteur", "referent").order_by(*views.ORDRE_LISTE)
    filtres = Dossier.objects.filter(phase=Phase.ACCUEIL).order_by(*views.ORDRE_LISTE)
    paginateur = PaginateurPlafonne(filtres, 3, plafond=5, lignes=lignes)
    vus = []
    for numero in (1, 2, 3):
        with CaptureQueriesContext(connection) as requetes:
            page = paginateur.get_page(numero)
            noms = [(d.porteur.nom, d.referent.username) for d in page]
        # The page's rows and their porteur and referent: one query (the count is cached).
        assert len(requetes) <= 2
        assert len(noms) == len(page)
        vus += [d.pk for d in page]
    assert vus == ordre_de_la_liste()


def test_numbers_are_written_the_french_way():
    assert nombre_lisible(10000) == "10\u202f000"
    assert nombre_lisible(950) == "950"


# --- The list page -----------------------------------------------------------------------


def test_the_list_says_in_words_when_its_count_stops_at_the_cap(client_charge, monkeypatch):
    monkeypatch.setattr(views, "PAR_PAGE", 2)
    monkeypatch.setattr(views, "PLAFOND_LISTE", 3)
    des_dossiers(6)
    contenu = client_charge.get(reverse("porteurs:dossiers")).content.decode()
    assert "Plus de 3 dossiers" in contenu
    assert "ajoutez un filtre pour un nombre exact" in contenu
    assert "Page 1 sur plus de 1" not in contenu
    assert 'href="?page=2" rel="next">Suivante</a>' in contenu

    # The last page, past the cap: a link back, none forward, no total it does not know.
    contenu = client_charge.get(reverse("porteurs:dossiers"), {"page": 3}).content.decode()
    assert "Page 3</span>" in contenu
    assert "Suivante" not in contenu
    assert 'href="?page=2" rel="prev">Précédente</a>' in contenu
    assert 'href="?page=1">Première</a>' in contenu


def test_the_list_gives_the_exact_count_below_the_cap(client_charge, monkeypatch):
    monkeypatch.setattr(views, "PAR_PAGE", 2)
    des_dossiers(3)
    reponse = client_charge.get(reverse("porteurs:dossiers"), {"phase": "accueil"})
    contenu = reponse.content.decode()
    assert "3 dossiers." in contenu
    assert "Page 1 sur 2" in contenu
    # The filters stay in the page links.
    assert 'href="?phase=accueil&amp;page=2" rel="next">Suivante</a>' in contenu


def test_every_dossier_appears_once_across_the_pages(client_charge, monkeypatch):
    monkeypatch.setattr(views, "PAR_PAGE", 4)
    monkeypatch.setattr(views, "PLAFOND_LISTE", 5)
    des_dossiers(9)
    vus = []
    for numero in (1, 2, 3):
        reponse = client_charge.get(reverse("porteurs:dossiers"), {"page": numero})
        vus += [d.pk for d in reponse.context["page"]]
    assert vus == ordre_de_la_liste()


def test_the_table_shows_each_dossier_with_its_porteur_referent_and_commune(client_charge):
    referent = UtilisateurFactory(charge=True, first_name="Inès", last_name="Morel")
    dossier = DossierFactory(
        en_accueil=True,
        intitule="Épicerie solidaire",
        porteur=PorteurFactory(prenom="Awa", nom="Diallo", commune=CommuneFactory(nom="Roubaix")),
        referent=referent,
    )
    contenu = client_charge.get(reverse("porteurs:dossiers")).content.decode()
    assert f'href="{reverse("porteurs:dossier", args=[dossier.reference])}"' in contenu
    for texte in ("Awa Diallo", "Épicerie solidaire", "Inès Morel", "Roubaix"):
        assert texte in contenu


# --- The search --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "recherche",
    ["zanet", "ZANETTI", "salomé", "boulangerie", "esc-42", "zanetti boulangerie"],
    ids=["nom", "majuscules", "prenom", "intitule", "reference", "deux mots"],
)
def test_the_search_finds_a_dossier_by_reference_title_or_lead_porteur(client_charge, recherche):
    cible = DossierFactory(
        en_accueil=True,
        reference="2013-ESC-42",
        intitule="Boulangerie bio",
        porteur=PorteurFactory(nom="Zanetti", prenom="Salomé"),
    )
    DossierFactory(
        en_accueil=True,
        intitule="Atelier vélo",
        porteur=PorteurFactory(nom="Martin", prenom="Paul"),
    )
    reponse = client_charge.get(reverse("porteurs:dossiers"), {"q": recherche})
    assert [d.pk for d in reponse.context["page"]] == [cible.pk]


def test_each_word_of_the_search_must_match_and_other_filters_still_apply(client_charge):
    DossierFactory(en_accueil=True, intitule="Boulangerie", porteur=PorteurFactory(nom="Martin"))
    cible = DossierFactory(
        en_maturation=True, intitule="Boulangerie", porteur=PorteurFactory(nom="Zanetti")
    )
    DossierFactory(en_accueil=True, intitule="Boulangerie", porteur=PorteurFactory(nom="Zanetti"))
    reponse = client_charge.get(
        reverse("porteurs:dossiers"), {"q": "zanetti boulangerie", "phase": "maturation"}
    )
    assert [d.pk for d in reponse.context["page"]] == [cible.pk]


def test_a_co_porteur_name_does_not_find_the_dossier(client_charge):
    # As before: the search looks at the lead porteur only.
    dossier = DossierFactory(
        en_accueil=True, intitule="Café", porteur=PorteurFactory(nom="Durand", prenom="Léa")
    )
    dossier.co_porteurs.add(PorteurFactory(nom="Zanetti"))
    reponse = client_charge.get(reverse("porteurs:dossiers"), {"q": "zanetti"})
    assert list(reponse.context["page"]) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="index PostgreSQL (pg_trgm)")
def test_on_postgresql_the_search_columns_have_trigram_indexes():
    with connection.cursor() as curseur:
        curseur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%trgm%'")
        index = dict(curseur.fetchall())
    for nom in (
        "dossier_reference_trgm_idx",
        "dossier_intitule_trgm_idx",
        "porteur_nom_trgm_idx",
        "porteur_prenom_trgm_idx",
    ):
        # The expression Django writes for icontains, so that the planner can use them.
        assert "gin_trgm_ops" in index[nom]
        assert "upper(" in index[nom]


# --- Select lists drawn in Python --------------------------------------------------------


def sans_acceleration(formulaire) -> dict[str, str]:
    """Each field of the form drawn by Django's own Select widget."""
    rendus = {}
    for nom, champ in formulaire.fields.items():
        widget = champ.widget
        if isinstance(widget, SelectRapide):
            origine = forms.Select()
            origine.__dict__.update(widget.__dict__)
            if isinstance(champ, forms.ModelChoiceField):
                origine.choices = champ.choices
            champ.widget = origine
        rendus[nom] = str(formulaire[nom])
        champ.widget = widget
    return rendus


@pytest.mark.parametrize("lie", [False, True], ids=["vide", "rempli"])
def test_the_list_filters_draw_the_same_markup_as_django(lie):
    referent = UtilisateurFactory(charge=True, first_name="Inès", last_name="Morel")
    DossierFactory(en_accueil=True)
    donnees = {"phase": "creation", "referent": str(referent.pk), "qpv": "nr"} if lie else None
    filtre = DossierFilter(donnees, queryset=Dossier.objects.all())
    rapides = [nom for nom, c in filtre.form.fields.items() if isinstance(c.widget, SelectRapide)]
    assert {"phase", "dispositif", "referent", "epci", "qpv", "genre"} <= set(rapides)
    attendu = sans_acceleration(filtre.form)
    for nom in filtre.form.fields:
        assert parse_html(str(filtre.form[nom])) == parse_html(attendu[nom]), nom
    if lie:
        assert f'<option value="{referent.pk}" selected>Inès Morel</option>' in str(
            filtre.form["referent"]
        )


def test_the_phase_form_draws_the_same_markup_with_an_error_and_a_choice():
    structure = StructurePartenaireFactory(nom="Réseau <Entreprendre>")
    formulaire = ChangementPhaseForm(
        {"phase": Phase.SORTIE, "orientation_vers": str(structure.pk), "type_sortie": "x"},
        phases=[Phase.MATURATION, Phase.SORTIE],
    )
    formulaire.is_valid()
    classes_bootstrap(formulaire.fields.values())
    attendu = {nom: str(formulaire[nom]) for nom in formulaire.fields}
    selects_rapides(formulaire.fields.values())
    assert isinstance(formulaire.fields["orientation_vers"].widget, SelectRapide)
    for nom in formulaire.fields:
        assert parse_html(str(formulaire[nom])) == parse_html(attendu[nom]), nom
    rendu = str(formulaire["orientation_vers"])
    assert "Réseau &lt;Entreprendre&gt;</option>" in rendu
    assert 'aria-invalid="true"' in str(formulaire["type_sortie"])


def test_a_select_list_of_records_takes_one_plain_query_when_drawn():
    StructurePartenaireFactory.create_batch(3)
    formulaire = ChangementPhaseForm(phases=[Phase.SORTIE])
    selects_rapides(formulaire.fields.values())
    with CaptureQueriesContext(connection) as requetes:
        str(formulaire["orientation_vers"])
    assert len(requetes) == 1
    assert not requetes[0]["sql"].startswith("DECLARE")
