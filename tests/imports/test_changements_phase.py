"""ChangementPhaseResource: key dossier + phase, written through phases.changer_phase."""

import datetime

from accompagnement import services
from accompagnement.models import ChangementPhase
from accompagnement.resources import ChangementPhaseResource
from porteurs.models import Phase
from tests.imports.conftest import csv_virgule
from tests.imports.outils import importer, lignes_en_erreur

ENTETE = ["dossier", "phase", "date", "type_sortie", "issue", "commentaire"]

PARCOURS = [
    ENTETE,
    # Listed out of order on purpose: rows are applied in date order.
    ["2013-0001", "maturation", "2013-04-01", "", "", "projet formalisé"],
    ["2013-0001", "accueil", "04/03/2013", "", "", ""],
    ["2013-0001", "creation", "2013-05-02", "", "", "convention signée"],
    ["2013-0002", "accueil", "2013-03-11", "", "", ""],
    ["2013-0002", "sortie", "2013-06-03", "non_valorisable", "orientation", "vers la BGE"],
]


def test_un_bon_fichier_ecrit_l_historique_par_le_workflow(dossiers, directeur, format_fichier):
    ecrire, nom = format_fichier
    resource = importer(ChangementPhaseResource, ecrire(PARCOURS), nom, auteur=directeur)

    assert resource.totaux() == {"nouveaux": 5, "modifies": 0, "inchanges": 0}
    premier, second = dossiers[0], dossiers[1]
    premier.refresh_from_db()
    second.refresh_from_db()
    assert premier.phase == Phase.CREATION
    # 04/03/2013 is 4 March (day first).
    assert premier.date_accueil == datetime.date(2013, 3, 4)
    creation = ChangementPhase.objects.get(dossier=premier, phase=Phase.CREATION)
    # No date_convention column: the convention is dated on the day création starts.
    assert creation.date_convention == datetime.date(2013, 5, 2)
    assert creation.auteur == directeur and creation.commentaire == "convention signée"
    assert second.phase == Phase.SORTIE
    sortie = ChangementPhase.objects.get(dossier=second, phase=Phase.SORTIE)
    assert (sortie.type_sortie, sortie.issue) == ("non_valorisable", "orientation")


def test_la_date_de_convention_peut_etre_donnee(dossiers):
    contenu = csv_virgule(
        [
            ["dossier", "phase", "date", "date_convention"],
            ["2013-0001", "accueil", "2013-03-04", ""],
            ["2013-0001", "maturation", "2013-04-01", ""],
            ["2013-0001", "creation", "2013-05-02", "30/04/2013"],
        ]
    )
    importer(ChangementPhaseResource, contenu, "phases.csv")
    creation = ChangementPhase.objects.get(phase=Phase.CREATION)
    assert creation.date_convention == datetime.date(2013, 4, 30)


def test_un_fichier_avec_des_lignes_fausses_n_ecrit_rien_et_les_liste_toutes(
    dossiers, format_fichier
):
    ecrire, nom = format_fichier
    lignes = [
        *PARCOURS,  # lines 2 to 6: good
        ["2013-0003", "accueil", "2013-03-04", "", "", ""],  # 7: good
        ["2013-0003", "creation", "2013-04-04", "", "", ""],  # 8: skips maturation
        ["2013-0009", "accueil", "2013-03-04", "", "", ""],  # 9: unknown dossier
        ["2013-0002", "incubation", "2013-03-04", "", "", ""],  # 10: unknown phase
        ["2013-0001", "sortie", "2013-07-01", "", "abandon", ""],  # 11: no type_sortie
        ["2013-0003", "maturation", "2013-04-01", "valorisable", "", ""],  # 12: not a sortie
    ]
    resource = importer(ChangementPhaseResource, ecrire(lignes), nom)

    assert ChangementPhase.objects.count() == 0
    assert lignes_en_erreur(resource) == [8, 9, 10, 11, 12]
    messages = "\n".join(f"{n} {m}" for n, m in resource.erreurs)
    assert "8 Le dossier 2013-0003 est en « accueil » : il ne peut pas passer directement" in (
        messages
    )
    assert "9 dossier : référence de dossier inconnue « 2013-0009 »." in messages
    assert "10 phase : valeur inconnue « incubation »" in messages
    assert "11 type_sortie : obligatoire pour une sortie" in messages
    assert "12 le type de sortie et l'issue ne s'indiquent que pour une sortie." in messages


def test_le_meme_fichier_importe_deux_fois_ne_change_rien(dossiers, format_fichier):
    ecrire, nom = format_fichier
    importer(ChangementPhaseResource, ecrire(PARCOURS), nom)
    avant = list(ChangementPhase.objects.values_list("pk", "phase", "date", "enregistre_le"))

    resource = importer(ChangementPhaseResource, ecrire(PARCOURS), nom)

    assert resource.totaux() == {"nouveaux": 0, "modifies": 0, "inchanges": 5}
    assert list(ChangementPhase.objects.values_list("pk", "phase", "date", "enregistre_le")) == (
        avant
    )


def test_une_phase_ouverte_par_les_rendez_vous_est_reconnue(dossiers, charge):
    services.enregistrer_rendez_vous(dossiers[0], auteur=charge, date=datetime.date(2013, 3, 4),
                                     charge=charge)  # fmt: skip
    contenu = csv_virgule([ENTETE, ["2013-0001", "accueil", "2013-03-04", "", "", "reçu"]])

    resource = importer(ChangementPhaseResource, contenu, "phases.csv")

    assert resource.totaux()["inchanges"] == 1
    assert ChangementPhase.objects.get().automatique


def test_une_phase_deja_enregistree_a_une_autre_date_est_une_erreur(dossiers):
    importer(ChangementPhaseResource, csv_virgule(PARCOURS[:3]), "phases.csv")
    contenu = csv_virgule([ENTETE, ["2013-0001", "accueil", "2013-03-05", "", "", ""]])

    resource = importer(ChangementPhaseResource, contenu, "phases.csv")

    assert resource.erreurs == [
        (
            2,
            "le dossier 2013-0001 est déjà entré en « accueil » le 04/03/2013 (le fichier dit "
            "le 05/03/2013) : corrigez le dossier dans l'application, pas par un fichier.",
        )
    ]


def test_l_export_se_reimporte_sans_rien_changer(dossiers):
    importer(ChangementPhaseResource, csv_virgule(PARCOURS), "phases.csv")
    export = ChangementPhaseResource().export()

    resource = importer(ChangementPhaseResource, export.export("csv").encode(), "export.csv")

    assert export.headers == [*ENTETE, "date_convention"]
    assert resource.totaux() == {"nouveaux": 0, "modifies": 0, "inchanges": 5}
