"""The batch path of the appointment import (services.enregistrer_rendez_vous_en_lot): the
same records as enregistrer_rendez_vous called row by row, all or nothing, and a number of
queries that does not grow with the rows."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accompagnement import services
from accompagnement.models import ChangementPhase, RendezVous
from accompagnement.phases import changer_phase
from accompagnement.resources import RendezVousResource
from porteurs.models import Dossier, Phase
from porteurs.resources import DateWidget, HeureWidget
from tests.factories import DossierFactory, faire_changer_phase
from tests.imports.conftest import csv_virgule
from tests.imports.outils import importer, lignes_en_erreur

ENTETE = ["dossier", "date", "heure", "duree_minutes", "charge", "lieu", "objet", "statut"]
A, M, C, S = Phase.ACCUEIL, Phase.MATURATION, Phase.CREATION, Phase.SORTIE


def jour(texte: str) -> datetime.date:
    return datetime.date.fromisoformat(texte)


@pytest.fixture
def parcours_varies(charge, centre_social):
    """Dossiers in every state the rule meets, and a file that reaches each of them with rows
    out of date order, same-day rows with and without a time, and every status."""
    DossierFactory(reference="L-NEUF")
    recu = DossierFactory(reference="L-RECU")
    services.enregistrer_rendez_vous(recu, auteur=charge, date=jour("2013-03-10"), charge=charge)
    manuel = DossierFactory(reference="L-MANUEL")
    changer_phase(manuel, A, jour("2013-02-01"), auteur=charge)
    cree = DossierFactory(reference="L-CREE")
    for date in ("2013-01-07", "2013-01-14"):
        services.enregistrer_rendez_vous(cree, auteur=charge, date=jour(date), charge=charge)
    faire_changer_phase(cree, C, jour("2013-02-04"), auteur=charge)
    sorti = DossierFactory(reference="L-SORTI")
    services.enregistrer_rendez_vous(sorti, auteur=charge, date=jour("2013-01-07"), charge=charge)
    faire_changer_phase(sorti, S, jour("2013-01-20"), auteur=charge)
    DossierFactory(reference="L-PREVU")
    lignes = [
        ENTETE,
        ["L-NEUF", "2013-04-20", "", "", "claire", "", "", "realise"],
        ["L-NEUF", "2013-04-20", "09:00", "", "claire", "", "", "realise"],
        ["L-NEUF", "2013-04-02", "14:00", "45", "claire", "telephone", "suivi", "annule"],
        ["L-NEUF", "2013-05-02", "14:00", "", "claire", "", "", "realise"],
        ["L-RECU", "2013-03-25", "10:00", "", "claire", "", "", "realise"],
        ["L-RECU", "2013-03-01", "10:00", "90", "claire", "Centre social Marcel Pagnol", "", ""],
        ["L-MANUEL", "2013-01-15", "10:00", "", "claire", "", "", "realise"],
        ["L-MANUEL", "2013-02-15", "10:00", "", "claire", "", "", "realise"],
        ["L-CREE", "2013-03-01", "10:00", "", "claire", "", "", "realise"],
        ["L-CREE", "2013-03-08", "10:00", "", "claire", "", "", "absent"],
        ["L-SORTI", "2013-02-01", "10:00", "", "claire", "", "", "realise"],
        ["L-PREVU", "2014-02-01", "10:00", "", "claire", "", "", "prevu"],
        ["L-PREVU", "2013-06-01", "10:00", "", "claire", "", "", "annule"],
    ]
    return lignes


def photographie() -> dict:
    """The rows the import writes, by natural key (no pk, no timestamp)."""

    def cle_rdv(rdv):
        return None if rdv is None else (rdv.dossier.reference, rdv.date, rdv.heure, rdv.statut)

    rendez_vous = sorted(
        (
            (r.dossier.reference, r.date, r.heure, r.duree_minutes, r.charge.username, r.lieu)
            + (r.point_accueil_id, r.objet, r.statut, r.cree_par.username, r.lieu_precision)
            + (r.collectif, r.notes)
            for r in RendezVous.objects.select_related("dossier", "charge", "cree_par")
        ),
        key=str,
    )
    changements = sorted(
        (
            (c.dossier.reference, c.phase, c.date, c.automatique, cle_rdv(c.rendez_vous))
            + (c.auteur_id, c.type_sortie, c.issue, c.date_convention, c.commentaire)
            for c in ChangementPhase.objects.select_related("dossier", "rendez_vous__dossier")
        ),
        key=str,
    )
    dossiers = sorted(
        Dossier.objects.values_list(
            "reference",
            "phase",
            "date_accueil",
            "commune_accueil",
            "epci_accueil",
            "territoire_gouvernance_accueil",
            "quartier_accueil",
            "qpv_accueil",
        )
    )
    # One history row ("+", by the staff member who entered it) per appointment, with every
    # value save() records (not the keys or timestamps, which differ by nature).
    historique = sorted(
        (
            (h.dossier.reference, h.date, h.heure, h.duree_minutes, h.charge_id, h.lieu)
            + (h.point_accueil_id, h.lieu_precision, h.objet, h.collectif, h.statut, h.notes)
            + (h.cree_par_id, h.history_type, h.history_user_id, h.history_change_reason)
            for h in RendezVous.historique.select_related("dossier")
        ),
        key=str,
    )
    historique_changements = sorted(
        (
            (h.dossier.reference, h.phase, h.date, h.automatique, cle_rdv(h.rendez_vous))
            + (h.auteur_id, h.type_sortie, h.issue, h.date_convention, h.commentaire)
            + (h.history_type, h.history_user_id, h.history_change_reason)
            # Of the changes in place (row-by-row entry also wrote and deleted the
            # intermediate ones, by design).
            for h in ChangementPhase.historique.select_related("dossier").filter(
                id__in=ChangementPhase.objects.values("pk")
            )
        ),
        key=str,
    )
    return {
        "rendez_vous": rendez_vous,
        "changements": changements,
        "dossiers": dossiers,
        "historique": historique,
        "historique_changements": historique_changements,
    }


def test_l_import_en_lot_ecrit_ce_qu_ecrit_la_saisie_ligne_a_ligne(
    parcours_varies, charge, centre_social
):
    lignes = parcours_varies
    with transaction.atomic():
        resource = importer(RendezVousResource, csv_virgule(lignes), "rdv.csv", auteur=charge)
        par_lot = photographie()
        transaction.set_rollback(True)
    assert resource.totaux()["nouveaux"] == len(lignes) - 1

    dossiers = {d.reference: d for d in Dossier.objects.all()}
    for reference, date, heure, duree, _charge, lieu, objet, statut in lignes[1:]:
        champs = {"duree_minutes": int(duree)} if duree else {}
        if lieu == "telephone":
            champs["lieu"] = RendezVous.Lieu.TELEPHONE
        elif lieu:
            champs.update(lieu=RendezVous.Lieu.POINT_ACCUEIL, point_accueil=centre_social)
        services.enregistrer_rendez_vous(
            dossiers[reference],
            auteur=charge,
            charge=charge,
            date=DateWidget().clean(date),
            heure=HeureWidget().clean(heure),
            # An empty objet takes the model's default, as the import does.
            objet=objet or RendezVous._meta.get_field("objet").default,
            statut=statut or RendezVous.Statut.REALISE,
            **champs,
        )
    ligne_a_ligne = photographie()

    assert par_lot == ligne_a_ligne
    # The comparison is not empty: every case moved the phases as the rule says.
    phases = {ref: phase for ref, phase, *_reste in par_lot["dossiers"]}
    assert phases == {
        "L-NEUF": M,
        "L-RECU": M,
        "L-MANUEL": M,
        "L-CREE": C,
        "L-SORTI": S,
        "L-PREVU": "",
    }
    # L-RECU: the file's 01/03 row (empty statut: held) moves accueil before the stored one.
    accueil_recu = next(c for c in par_lot["changements"] if c[:2] == ("L-RECU", A))
    assert accueil_recu[2] == jour("2013-03-01")
    # L-NEUF: same day, the row with a time comes before the one without.
    maturation_neuf = next(c for c in par_lot["changements"] if c[:2] == ("L-NEUF", M))
    assert maturation_neuf[4] == ("L-NEUF", jour("2013-04-20"), None, "realise")


def test_un_rendez_vous_que_la_regle_refuse_annule_tout_le_fichier(charge):
    # As in test_regle_rendez_vous: accueil by hand on 14/01, maturation by the rule on
    # 21/01, création on 04/02, and an appointment on 07/01 already before the accueil.
    dossier = DossierFactory(reference="L-DEPEND")
    changer_phase(dossier, A, jour("2013-01-14"), auteur=charge)
    for date in ("2013-01-14", "2013-01-21", "2013-01-07"):
        services.enregistrer_rendez_vous(dossier, auteur=charge, date=jour(date), charge=charge)
    faire_changer_phase(dossier, C, jour("2013-02-04"), auteur=charge)
    DossierFactory(reference="L-AUTRE")
    avant = photographie()
    contenu = csv_virgule(
        [
            ENTETE,
            ["L-AUTRE", "2013-03-01", "10:00", "", "claire", "", "", "realise"],
            ["L-DEPEND", "2013-01-07", "11:00", "", "claire", "", "", "realise"],
            ["L-DEPEND", "2013-01-08", "11:00", "", "claire", "", "", "annule"],
        ]
    )

    resource = importer(RendezVousResource, contenu, "rdv.csv", auteur=charge)

    assert photographie() == avant
    assert lignes_en_erreur(resource) == [3]
    ((_ligne, message),) = resource.erreurs
    assert message.startswith("Modification refusée pour le dossier L-DEPEND : ")
    assert message.endswith("(rendez-vous des lignes 3 et 4)")


def test_le_service_liste_toutes_les_lignes_fausses_et_n_ecrit_rien(charge, centre_social):
    dossier = DossierFactory()
    lignes = [
        (2, RendezVous(dossier=dossier, date=jour("2013-03-01"), charge=charge)),
        (3, RendezVous(dossier=dossier, date=jour("2014-03-01"), charge=charge)),
        (4, RendezVous(dossier=dossier, date=jour("2013-03-02"), charge=charge)),
        (5, RendezVous(dossier=dossier, date=jour("2013-03-03"), charge=charge, lieu="autre")),
    ]
    lignes[2][1].lieu = RendezVous.Lieu.POINT_ACCUEIL

    with pytest.raises(services.LotRefuse) as refus:
        services.enregistrer_rendez_vous_en_lot(lignes, auteur=charge)

    assert [ligne for ligne, _message in refus.value.erreurs] == [3, 4]
    assert refus.value.erreurs[0][1].startswith("statut : Un rendez-vous du 01/03/2014")
    assert refus.value.erreurs[1][1] == "point_accueil : Indiquez le point d'accueil."
    assert not RendezVous.objects.exists() and not ChangementPhase.objects.exists()


def test_le_service_tient_a_jour_les_dossiers_de_l_appelant(charge):
    dossier = DossierFactory()
    lignes = [
        (n, RendezVous(dossier=dossier, date=jour(date), charge=charge))
        for n, date in ((2, "2013-03-01"), (3, "2013-03-08"))
    ]

    crees = services.enregistrer_rendez_vous_en_lot(lignes, auteur=charge)

    assert all(r.pk for r in crees) and crees[0].cree_par == charge
    assert (dossier.phase, dossier.date_accueil) == (M, jour("2013-03-01"))
    dossier.refresh_from_db()
    assert (dossier.phase, dossier.date_accueil) == (M, jour("2013-03-01"))


def fichier_de(nombre_dossiers: int, prefixe: str) -> bytes:
    """Dossiers not received yet and 4 appointments each (3 held, 1 cancelled)."""
    lignes = [ENTETE]
    for n in range(nombre_dossiers):
        DossierFactory(reference=f"{prefixe}-{n:03d}")
        for k, statut in enumerate(("realise", "annule", "realise", "realise")):
            date = datetime.date(2013, 3, 1) + datetime.timedelta(days=7 * k)
            lignes.append([f"{prefixe}-{n:03d}", date.isoformat(), "10:00", "", "claire"])
            lignes[-1] += ["", "", statut]
    return csv_virgule(lignes)


def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_de_lignes(charge):
    comptes = []
    for nombre, prefixe in ((3, "P"), (30, "Q")):
        contenu = fichier_de(nombre, prefixe)
        with CaptureQueriesContext(connection) as requetes:
            resource = importer(RendezVousResource, contenu, "rdv.csv", auteur=charge)
        assert resource.totaux()["nouveaux"] == 4 * nombre
        comptes.append(len(requetes))

    assert Dossier.objects.filter(phase=M).count() == 33
    # 108 more rows, 27 more dossiers received: at most one UPDATE per dossier received
    # (one per distinct reception values: each porteur lives in another commune here), and
    # on SQLite a bulk insert split every 999 parameters; never a query per row.
    plafond = 27 if connection.vendor == "postgresql" else 27 + 12
    assert comptes[1] - comptes[0] <= plafond
