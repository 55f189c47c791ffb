"""The dashboards count what the annual report counts: with no territory chosen, their
figures equal rapports.stats' for every dispositif."""

import pytest

from formations.stats import statistiques_formations
from porteurs.models import Dossier
from rapports import stats, tableaux
from rapports.tableaux import Filtres
from tests.rapports.test_tableaux_donnees import une_association

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("aujourd_hui")]


@pytest.mark.parametrize("annee", [2012, 2013])
def test_receptions_funnel_and_exits_equal_the_report(annee):
    une_association()
    accueils = stats.accueils(annee)
    entonnoirs = stats.entonnoirs(annee)
    for dispositif in Dossier.Dispositif.values:
        t = tableaux.tableau_conseil(Filtres(annee, dispositif=dispositif)).tableaux
        a, e = accueils[dispositif], entonnoirs[dispositif]
        cles_cles = dict(
            zip(t["chiffres-cles"].etiquettes, t["chiffres-cles"].series[1].valeurs, strict=True)
        )
        assert cles_cles["Projets accueillis"] == a.total == e.accueillis
        for identifiant, cle in (
            ("accueils-par-genre", "par_genre"),
            ("accueils-par-age", "par_tranche_age"),
            ("accueils-par-situation", "par_situation"),
            ("accueils-par-mois", "par_mois"),
            ("accueils-par-qpv", "par_qpv"),
        ):
            assert t[identifiant].series[0].valeurs == tuple(a[cle].effectifs().values())
        assert dict(
            zip(
                t["accueils-par-epci"].etiquettes,
                t["accueils-par-epci"].series[0].valeurs,
                strict=True,
            )
        ) == {ligne.libelle: ligne.effectif for ligne in a["par_epci"].lignes}
        assert t["entonnoir"].series[0].valeurs == tuple(etape.actifs for etape in e.etapes)
        assert t["devenir-accueillis"].series[0].valeurs == (
            e.accueillis,
            e.accueillis_passes_en_maturation,
            e.accueillis_passes_en_creation,
        )
        assert t["sorties-par-issue"].series[0].valeurs == tuple(
            e.sorties_par_issue.effectifs().values()
        )


def test_accompaniments_and_trainees_equal_the_report():
    une_association()

    t = tableaux.tableau_conseil(Filtres(2013)).tableaux["chiffres-cles"]
    chiffres = dict(zip(t.etiquettes, t.series[1].valeurs, strict=True))
    total = sum(acc.total for acc in stats.accompagnements(2013).values())
    assert chiffres["Accompagnements (création ou post-création dans l'année)"] == total
    assert (
        chiffres["Stagiaires ADVA (toute l'association)"]
        == statistiques_formations(2013).stagiaires
    )
