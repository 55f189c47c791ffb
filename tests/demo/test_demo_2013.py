"""The demo association gives back the seed report's 2013 (shared/seed), through the same
functions the report uses (rapports.stats); it loads once, and --reset starts over.

Runtime: about 1 minute on SQLite (the load through the domain functions is most of it).
"""

import hashlib
import json
from collections import Counter

import pytest
from django.core.management import call_command

from accompagnement.models import ChangementPhase, RendezVous
from formations.models import Evenement, Inscription
from maillage.demo import generateur
from maillage.demo.tableau import DEBUT, DOC, FIN, tableau
from maillage.models import AnneeAssociative, MembreConseil, ReunionConseil
from porteurs.models import Dossier
from rapports.stats import rapport_annuel
from tests.demo import chiffres

pytestmark = pytest.mark.django_db


def _get(r: dict, chemin: str):
    for k in chemin.split("."):
        r = r[k]
    return r


SEED = {  # figure: the seed's value (section)
    "dispositifs.escale.accueils.total": 82,  # 1.5.1
    "dispositifs.escale.accueils.par_genre.F": 47,  # 1.5.2
    "dispositifs.escale.accueils.par_genre.H": 35,
    "dispositifs.escale.accueillis_passes_en_maturation": 33,  # 1.5.1
    "dispositifs.escale.accueillis_passes_en_creation": 5,
    "dispositifs.escale.entonnoir.maturation.report": 9,
    "dispositifs.escale.entonnoir.maturation.actifs": 42,
    "dispositifs.escale.entonnoir.maturation.fin": 22,
    "dispositifs.escale.entonnoir.creation.report": 17,
    "dispositifs.escale.entonnoir.creation.entrees": 5,
    "dispositifs.escale.entonnoir.creation.actifs": 22,
    "dispositifs.escale.entonnoir.creation.fin": 19,
    "dispositifs.escale.entonnoir.post_creation.actifs": 2,
    "dispositifs.escale.entonnoir.post_creation.entrees": 0,
    "dispositifs.escale.entonnoir.post_creation.sorties": 1,
    "dispositifs.escale.accompagnements.total": 24,  # 1.5.5
    "dispositifs.escale.accueils.par_departement.59": 81,  # 1.5.3
    "dispositifs.escale.accueils.par_departement.62": 1,
    "dispositifs.escale.accueils.par_epci.200093201": 65,
    "dispositifs.escale.accueils.par_commune.59350": 31,
    "dispositifs.escale.accueils.lille_qpv.oui": 18,
    "dispositifs.escale.accueils.lille_qpv.NR": 7,
    "dispositifs.escale.accueils.hors_locaux_par_territoire_plde.Valenciennois": 9,
    "dispositifs.escale.accueils.hors_locaux_par_territoire_plde.Métropole lilloise": 4,
    "dispositifs.citeslab.accueils.total": 53,  # 1.4.1
    "dispositifs.citeslab.accueils.par_genre.F": 20,  # 38 %
    "dispositifs.citeslab.rendez_vous.par_objet.aide_formulation": 47,  # 51 % of 93
    "dispositifs.citeslab.rendez_vous.par_objet.accueil_orientation": 31,  # 1/3
    "formations.sessions": 9,  # 3.2
    "formations.jours": 31,
    "formations.stagiaires": 76,
    "formations.associations": 52,
    "formations.associations_accompagnees": 16,
    "formations.fiches_renseignees": 57,
    "depuis_la_creation.accueils": 883,  # 0.5
    "depuis_la_creation.emplois_crees": 438,
    "depuis_la_creation.projets_professionnels": 18,
    "dispositifs.habitants.accueils.total": 2,  # 1.5.6 "deux habitants se sont mobilisés"
    "vie_associative.adherents": 24,  # 0.3.1
    "vie_associative.reunions_conseil": 8,
}


def test_la_demo_donne_les_chiffres_2013_du_rapport(demo):
    ecarts = {k: (v, _get(demo, k)) for k, v in SEED.items() if _get(demo, k) != v}
    assert ecarts == {}


def test_les_identites_de_l_entonnoir_tiennent_pour_chaque_annee(demo):
    for annee in (2011, 2012, 2013, 2014):
        r = rapport_annuel(annee) if annee != 2013 else demo
        for dispositif in ("escale", "citeslab"):
            for phase, e in r["dispositifs"][dispositif]["entonnoir"].items():
                assert e["actifs"] == e["report"] + e["entrees"], (annee, dispositif, phase)
                assert e["fin"] == e["actifs"] - e["sorties"], (annee, dispositif, phase)


def test_rapports_stats_et_une_lecture_independante_de_l_historique_concordent(demo):
    for phase, e in chiffres.entonnoir("escale", 2013).items():
        calcule = demo["dispositifs"]["escale"]["entonnoir"][phase]
        assert {k: calcule[k] for k in e} == e, phase


def test_les_repartitions_2013_sont_celles_choisies_dans_les_donnees(demo):
    a = demo["dispositifs"]["escale"]["accueils"]
    assert [a["par_mois"][f"{m:02d}"] for m in range(1, 13)] == [8, 7, 9, 7, 8, 8, 6, 2, 8, 8, 6, 5]
    ages = a["par_tranche_age"]
    assert [ages[k] for k in ("<26", "26-35", "36-45", "46-55", ">55", "NR")] == [
        8,
        30,
        22,
        14,
        6,
        2,
    ]
    sg = a["par_situation_genre"]
    assert sum(v["H"] for k, v in sg.items() if k != "NR") == 33
    assert sum(v["F"] for k, v in sg.items() if k != "NR") == 44
    assert sum(a["par_lieu"][k] for k in ("point_accueil", "telephone", "autre")) == 15
    assert a["par_charge"]["gdelevaque"] == 24 and a["par_charge"]["llegendre"] == 3
    c = demo["dispositifs"]["citeslab"]["accueils"]
    assert c["par_situation"]["demandeur_emploi"] == 35 and c["par_situation"]["NR"] == 2
    assert [c["par_nombre_rendez_vous"][k] for k in "1234"] == [28, 14, 7, 4]


def test_la_vie_associative_et_les_evenements_de_2013(demo):
    assert MembreConseil.objects.count() == 5
    assert ReunionConseil.objects.de_l_annee(2013).filter(salaries_invites=True).count() == 3
    assert AnneeAssociative.objects.get(annee=2013).nombre_adherents == 24
    types = Counter(Evenement.objects.de_l_annee(2013).values_list("type", flat=True))
    assert types["reunion_thematique"] + types["sensibilisation"] == 12  # 11 entries, 12 dates
    assert types["forum_emploi"] == 3 and types["salon"] == 2


def test_le_tableau_de_la_doc_est_celui_que_le_code_calcule(demo):
    texte = DOC.read_text(encoding="utf-8")
    dans_la_doc = texte.split(DEBUT, 1)[1].split(FIN, 1)[0].strip()
    assert dans_la_doc == tableau(demo).strip()


def test_projet_de_vie_et_habitants_ont_leurs_dossiers_chaque_annee(demo):
    for dispositif, par_an in generateur.donnees.PETITS_DISPOSITIFS.items():
        dossiers = Dossier.objects.filter(dispositif=dispositif)
        recus = Counter(dossiers.values_list("date_accueil__year", flat=True))
        assert recus == Counter(par_an), dispositif
        # received, a second appointment (maturation), then an exit within the year
        for d in dossiers.prefetch_related("changements_phase"):
            parcours = sorted(d.changements_phase.all(), key=lambda c: c.date)
            assert [c.phase for c in parcours] == ["accueil", "maturation", "sortie"]
            assert parcours[-1].date.year == d.date_accueil.year
    sorties = ChangementPhase.objects.filter(dossier__dispositif="projet_vie", phase="sortie")
    assert set(sorties.values_list("issue", flat=True)) <= {"formation", "emploi_salarie"}
    habitants = Dossier.objects.filter(dispositif="habitants", date_accueil__year=2013)
    assert sorted(
        habitants.values_list("porteur__genre", "porteur__situation_professionnelle")
    ) == [("F", "salarie"), ("H", "retraite")]
    assert set(habitants.values_list("quartier_accueil__nom", "referent__username")) == {
        ("Wazemmes", "gdelevaque")
    }


def test_a_l_echelle_n_chaque_copie_simule_une_annee_a_l_echelle_1(demo):
    """Scale N is N copies of the scale-1 plan, year by year: what is in memory at a time
    is one copy's year, and the copies share references and names without collision."""
    plan = generateur.Plan(generateur.Contexte.charger())
    copies = [plan, plan.copie(), plan.copie()]
    for annee in (2011, 2012):
        annees = [copie.annee(annee) for copie in copies]
        for suivis in annees:
            recus = Counter(s.dispositif for s in suivis if s.nouveau and s.annee_accueil == annee)
            assert recus["escale"] == generateur.donnees.RECEPTIONS["escale"][annee]
        references = [s.reference for suivis in annees for s in suivis]
        assert len(references) == len(set(references))


def _empreinte() -> dict[str, str]:
    """What both writers must write identically (not the timestamps nor the pks)."""

    def h(qs, *champs):
        lignes = [list(map(str, r)) for r in qs.values_list(*champs)]
        return hashlib.sha1(json.dumps(lignes).encode()).hexdigest()

    return {
        "changements": h(
            ChangementPhase.objects.order_by("dossier__reference", "phase"),
            "dossier__reference",
            "phase",
            "date",
            "automatique",
            "type_sortie",
            "issue",
            "orientation_vers_id",
            "date_convention",
            "rendez_vous__date",
            "auteur__username",
        ),
        "rendez_vous": h(
            RendezVous.objects.order_by("dossier__reference", "date", "heure", "pk"),
            "dossier__reference",
            "date",
            "heure",
            "statut",
            "objet",
            "lieu",
            "point_accueil_id",
            "charge__username",
            "duree_minutes",
            "cree_par__username",
        ),
        "dossiers": h(
            Dossier.objects.order_by("reference"),
            "reference",
            "phase",
            "date_accueil",
            "commune_accueil_id",
            "epci_accueil_id",
            "territoire_gouvernance_accueil_id",
            "quartier_accueil_id",
            "qpv_accueil",
            "emplois_crees",
            "porteur__nom",
            "porteur__date_naissance",
            "referent_id",
        ),
        "inscriptions": h(
            Inscription.objects.order_by(
                "session__date_debut", "session__module_id", "stagiaire__nom", "stagiaire__prenom"
            ),
            "stagiaire__nom",
            "association__nom",
            "fiche_genre",
            "fiche_emploi",
            "association__dossier__reference",
        ),
    }


def _comptes() -> dict[str, int]:
    return {
        "dossiers": Dossier.objects.count(),
        "rendez_vous": RendezVous.objects.count(),
        "changements": ChangementPhase.objects.count(),
        "inscriptions": Inscription.objects.count(),
        "evenements": Evenement.objects.count(),
    }


def test_une_seconde_execution_ne_cree_rien(demo, capsys):
    avant = _comptes()
    call_command("charger_demo")
    assert "déjà chargée" in capsys.readouterr().out
    assert _comptes() == avant


def test_reset_recharge_la_meme_demo_et_l_ecriture_par_lots_suit_les_memes_regles(demo):
    """--reset --masse: the bulk writer, from the same plan, writes the very records the
    domain functions wrote."""
    par_le_domaine, comptes = _empreinte(), _comptes()
    call_command("charger_demo", "--reset", "--masse", verbosity=0)
    assert _comptes() == comptes
    assert _empreinte() == par_le_domaine
    assert rapport_annuel(2013)["dispositifs"] == demo["dispositifs"]


def test_l_echelle_multiplie_les_chiffres_de_2013(demo):
    generateur.vider()
    generateur.charger_demo(echelle=2, progression=None)
    r = rapport_annuel(2013)
    for cle in SEED:
        if cle.startswith(("dispositifs", "formations.s", "formations.a", "formations.f")):
            assert _get(r, cle) == 2 * SEED[cle], cle


def test_le_pdf_2013_a_un_sommaire_juste_des_graphiques_vectoriels_et_les_chiffres_du_seed(
    demo, tmp_path
):
    """The PDF of the demo's 2013, read back as text: the contents' page numbers point to
    pages holding their titles, the charts are vectors, the key figures are there."""
    import re
    import shutil
    import subprocess

    from rapports import contenu, rendu

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext absent (apt-get install poppler-utils)")
    fichier = tmp_path / "rapport-2013.pdf"
    fichier.write_bytes(rendu.pdf_de_donnees(contenu.donnees_rapport(2013)))

    def texte(*options: str) -> str:
        commande = ["pdftotext", *options, str(fichier), "-"]
        return subprocess.run(commande, capture_output=True, text=True, check=True).stdout

    pages = texte().split("\f")
    sommaire = next(i for i, page in enumerate(pages) if "Sommaire" in page)
    entrees = []
    for ligne in texte("-layout", "-f", str(sommaire + 1), "-l", str(sommaire + 1)).splitlines():
        if m := re.match(r"\s*([\d.]+)\s+(\S.{3,}?)\s*(?:\.\s*){3,}(\d+)\s*$", ligne):
            entrees.append((m.group(2).strip(), int(m.group(3))))
    assert len(entrees) >= 25
    for titre, page in entrees:
        assert titre[:20] in " ".join(pages[page - 1].split()), (titre, page)
    tout = " ".join(" ".join(pages).split())
    for attendu in ("Projets accueillis 82", "Porteurs de projet accueillis en 2013 53"):
        assert attendu in tout, attendu
    images = subprocess.run(
        ["pdfimages", "-list", str(fichier)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert images == []
