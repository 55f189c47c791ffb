"""Writes of the casework that touch several models: appointments and receptions.

The appointment rule lives here: the first HELD appointment of a dossier (statut
"réalisé") opens accueil at its date, the second held one moves the dossier from accueil to
maturation at its date. Planned, cancelled and no-show appointments do not count. The rule
is applied after every write of an appointment, from the appointments as they are in the
database, so an edit (a held appointment cancelled, a date moved, a late entry) recomputes
the automatic changes; `phases.recalculer_automatiques` places them and refuses an edit
that a later manual change depends on. Each function runs in one transaction, with the
dossier row locked first so that two staff members writing the same dossier are serialised.
An imported file goes through `enregistrer_rendez_vous_en_lot`: the same records, written in
bulk, with the rule applied once per dossier (issue 9: queries per packet of dossiers,
not per row; rows written by `creer_avec_historique`, COPY on PostgreSQL, rather than by
the ORM's bulk_create, whose per-value compilation cost more than the rest of the import).
"""

import datetime
import sqlite3
import time
from collections.abc import Sequence
from operator import itemgetter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

from accompagnement import phases
from accompagnement.models import ChangementPhase, RendezVous
from porteurs.models import Dossier, Phase, Porteur
from porteurs.services import detecter_doublons

# The fields an appointment edit may change (moving it to another dossier is a deletion and
# a new entry, so that both dossiers' phases are recomputed).
CHAMPS_MODIFIABLES = frozenset(
    {
        "date",
        "heure",
        "duree_minutes",
        "charge",
        "lieu",
        "point_accueil",
        "lieu_precision",
        "objet",
        "collectif",
        "statut",
        "notes",
    }
)


class DoublonBloquant(ValidationError):
    """The person to receive already exists (same name and birth date)."""


class LotRefuse(ValidationError):
    """Rows of a batch that cannot be written; nothing was. `erreurs` lists (line, French
    reason), sorted by line."""

    def __init__(self, erreurs: list[tuple[int, str]]):
        self.erreurs = sorted(erreurs, key=lambda erreur: erreur[0])
        super().__init__([f"ligne {ligne} : {message}" for ligne, message in self.erreurs])


# The order of the appointment rule: same-day appointments by time (no time last), then by
# entry. Shared by the one-dossier query and the batch one, which must agree.
ORDRE_REGLE = ("date", F("heure").asc(nulls_last=True), "pk")

# Dossiers per query in a batch: keeps each IN (...) list well under SQLite's parameter
# limit and each lock query short.
PAQUET_DOSSIERS = 2000


def _declencheurs(dossier: Dossier, *, sauf: int | None = None) -> dict[str, RendezVous | None]:
    """The appointment rule: the first and second held appointments open accueil and
    maturation (in ORDRE_REGLE). `sauf`: an appointment about to be deleted."""
    realises = RendezVous.objects.filter(dossier=dossier).realises()
    if sauf is not None:
        realises = realises.exclude(pk=sauf)
    return _par_phase(list(realises.order_by(*ORDRE_REGLE)[:2]))


def _par_phase(premiers: list[RendezVous]) -> dict[str, RendezVous | None]:
    return {
        Phase.ACCUEIL: premiers[0] if premiers else None,
        Phase.MATURATION: premiers[1] if len(premiers) > 1 else None,
    }


def _declencheurs_en_lot(ids: Sequence[int]) -> dict[int, dict[str, RendezVous | None]]:
    """`_declencheurs` of many dossiers in one query: the first two held appointments of
    each (a window function, so that a dossier's older appointments are not all read)."""
    rang = Window(RowNumber(), partition_by=[F("dossier_id")], order_by=list(ORDRE_REGLE))
    premiers: dict[int, list[RendezVous]] = {pk: [] for pk in ids}
    requete = (
        RendezVous.objects.filter(dossier_id__in=ids)
        .realises()
        .annotate(rang=rang)
        .filter(rang__lte=2)
        .only("pk", "dossier_id", "date", "heure")
        .order_by("dossier_id", "rang")
    )
    for rdv in requete:
        premiers[rdv.dossier_id].append(rdv)
    return {pk: _par_phase(liste) for pk, liste in premiers.items()}


def _appliquer_regle(dossier: Dossier, *, sauf: int | None = None) -> None:
    phases.recalculer_automatiques(dossier, _declencheurs(dossier, sauf=sauf))


def _enregistrer(rendez_vous: RendezVous, auteur) -> RendezVous:
    rendez_vous.cree_par = auteur
    rendez_vous.clean()
    rendez_vous.save()
    _appliquer_regle(rendez_vous.dossier)
    return rendez_vous


def enregistrer_rendez_vous(
    dossier: Dossier,
    *,
    auteur,
    date: datetime.date,
    charge,
    heure: datetime.time | None = None,
    duree_minutes: int = 60,
    lieu: str = RendezVous.Lieu.LOCAUX,
    point_accueil=None,
    lieu_precision: str = "",
    objet: str = RendezVous.Objet.SUIVI,
    collectif: bool = False,
    statut: str = RendezVous.Statut.REALISE,
    notes: str = "",
) -> RendezVous:
    """Record an appointment of the dossier and apply the appointment rule.

    Invariants: one transaction; the dossier row is locked before anything is read; a held
    or no-show appointment is not dated after today and a point d'accueil is given exactly
    when the place is one (ValidationError otherwise); when the rule cannot place its
    changes (TransitionInterdite), the appointment is not written either. The arguments
    carry the model's field names, so a form's cleaned_data can be passed as is.
    """
    with transaction.atomic():
        verrouille = phases.verrouiller_dossier(dossier)
        rendez_vous = RendezVous(
            dossier=verrouille,
            date=date,
            heure=heure,
            duree_minutes=duree_minutes,
            charge=charge,
            lieu=lieu,
            point_accueil=point_accueil,
            lieu_precision=lieu_precision,
            objet=objet,
            collectif=collectif,
            statut=statut,
            notes=notes,
        )
        _enregistrer(rendez_vous, auteur)
    phases.recopier(verrouille, dossier)
    return rendez_vous


def enregistrer_rendez_vous_en_lot(
    lignes: Sequence[tuple[int, RendezVous]], *, auteur
) -> list[RendezVous]:
    """Record many new appointments at once (an imported file): the same records as
    enregistrer_rendez_vous called on each, in order, but in a few queries per dossier
    rather than per row. `lignes`: (line in the file, unsaved appointment with its dossier).

    Invariants: all or nothing, one transaction; every row is checked first (the checks of
    enregistrer_rendez_vous) and every bad row is reported, nothing written, by LotRefuse
    (line, French reason); the touched dossiers are locked in primary-key order (so that
    two imports, or an import and a typed appointment, cannot deadlock) before anything is
    read; the appointments and their history rows are bulk-inserted (in file order, so
    their primary keys follow the file as row-by-row entry's do); the rule is then applied
    once per touched dossier, to its first two held appointments before the batch and the
    batch's held ones, which gives the phases and ChangementPhase rows that row-by-row
    entry gives; a dossier whose phases the rule cannot place (TransitionInterdite) is
    reported on its first row's line, and nothing is written. The caller's dossier
    instances are kept in step, as by enregistrer_rendez_vous. Differences with row-by-row
    entry, by design: the rule is checked on the final appointments only (not after each
    row), a dossier's history table (simple-history) gets one row for the batch rather
    than one per step, and every row written by the batch carries the same timestamp.
    Queries, whatever the number of rows: per packet of 2 000 dossiers, the lock, the
    rule's appointments before the batch and the stored changes; the inserts (COPY on
    PostgreSQL); one UPDATE per distinct set of reception values (at most one per dossier
    received by the batch); and recalculer_automatiques' own queries (about 7) for each
    dossier that already had a phase change and whose first two held appointments changed.
    """
    erreurs: list[tuple[int, str]] = []
    for ligne, rendez_vous in lignes:
        rendez_vous.cree_par = auteur
        try:
            rendez_vous.clean()
        except ValidationError as refus:
            erreurs.extend((ligne, message) for message in _messages(refus))
    if erreurs:
        raise LotRefuse(erreurs)

    lignes_du_dossier: dict[int, list[int]] = {}
    instances: dict[int, Dossier] = {}
    for ligne, rendez_vous in lignes:
        lignes_du_dossier.setdefault(rendez_vous.dossier_id, []).append(ligne)
        instances.setdefault(rendez_vous.dossier_id, rendez_vous.dossier)
    ids = sorted(instances)
    paquets = [ids[i : i + PAQUET_DOSSIERS] for i in range(0, len(ids), PAQUET_DOSSIERS)]
    crees = [rendez_vous for _ligne, rendez_vous in lignes]
    with transaction.atomic():
        verrouilles: dict[int, Dossier] = {}
        avant: dict[int, dict[str, RendezVous | None]] = {}
        for paquet in paquets:
            # The rows of a packet are locked in pk order, as verrouiller_dossier reads one.
            verrouilles.update(
                (d.pk, d)
                for d in Dossier.objects.select_for_update(of=("self",))
                .select_related("porteur__commune", "porteur__quartier")
                .filter(pk__in=paquet)
                .order_by("pk")
            )
            avant.update(_declencheurs_en_lot(paquet))
        maintenant = timezone.now()
        # With their history rows (who, when), as save() writes them one by one.
        creer_avec_historique(RendezVous, crees, maintenant)
        realises: dict[int, list[RendezVous]] = {}
        for rendez_vous in crees:
            if rendez_vous.statut == RendezVous.Statut.REALISE:
                realises.setdefault(rendez_vous.dossier_id, []).append(rendez_vous)
        for paquet in paquets:
            # The first two held appointments now: among the first two before and the new
            # held ones (any other stored one already came after those two), in the rule's
            # order; the new ones have the highest pks, as after row-by-row entry.
            apres = {
                pk: _par_phase(
                    sorted(
                        [r for r in avant[pk].values() if r] + realises.get(pk, []),
                        key=_ordre_regle,
                    )[:2]
                )
                for pk in paquet
            }
            regle = _appliquer_regle_en_lot(paquet, verrouilles, avant, apres, maintenant)
            for dossier_id, refus in regle.items():
                numeros = lignes_du_dossier[dossier_id]
                autres = f" (rendez-vous des lignes {_liste(numeros)})" if numeros[1:] else ""
                erreurs.extend((numeros[0], m + autres) for m in refus.messages)
        if erreurs:
            raise LotRefuse(erreurs)
    for dossier_id, dossier in instances.items():
        phases.recopier(verrouilles[dossier_id], dossier)
    return crees


def _ordre_regle(rendez_vous: RendezVous) -> tuple:
    """ORDRE_REGLE in Python, for appointments that have their pk."""
    return (*phases.ordre_de_la_regle(rendez_vous), rendez_vous.pk)


# The columns of a dossier that the rule writes when it first opens accueil (with the
# path cache, phases.resume_du_parcours).
COLONNES_ACCUEIL = (
    "phase",
    "date_accueil",
    "commune_accueil_id",
    "epci_accueil_id",
    "territoire_gouvernance_accueil_id",
    "quartier_accueil_id",
    "qpv_accueil",
    *phases.CHAMPS_PARCOURS,
    "modifie_le",
)


def _appliquer_regle_en_lot(
    paquet: list[int],
    verrouilles: dict[int, Dossier],
    avant: dict[int, dict[str, RendezVous | None]],
    apres: dict[int, dict[str, RendezVous | None]],
    maintenant: datetime.datetime,
) -> dict[int, phases.TransitionInterdite]:
    """The appointment rule on the locked dossiers of `paquet`, after new appointments were
    added (`apres`: the first two held appointments now); return the refusals by dossier id.

    Three cases, each giving what phases.recalculer_automatiques gives:
    - the first two held appointments did not change (`avant`): the rule, a function of
      them and of the manual changes, gives the stored phases again (every writer of
      appointments or phases applies it, so the stored phases are its result): nothing to
      write, as recalculer_automatiques would find;
    - the dossier has no phase change yet: the path phases.parcours_de_la_regle builds
      (accueil at the first held appointment, maturation at the second), checked change by
      change by phases.verifier_changement and written in bulk;
    - otherwise (manual changes, moved triggers): recalculer_automatiques itself.
    """
    recus = set(
        ChangementPhase.objects.filter(dossier_id__in=paquet).values_list("dossier_id", flat=True)
    )
    refus: dict[int, phases.TransitionInterdite] = {}
    nouveaux: list[ChangementPhase] = []
    accueillis: list[Dossier] = []
    aujourd_hui = timezone.localdate()
    for dossier_id in paquet:
        dossier, declencheurs = verrouilles[dossier_id], apres[dossier_id]
        if _cles(declencheurs) == _cles(avant[dossier_id]):
            continue
        if dossier_id in recus:
            try:
                phases.recalculer_automatiques(dossier, declencheurs)
            except phases.TransitionInterdite as erreur:
                refus[dossier_id] = erreur
            continue
        parcours = phases.parcours_de_la_regle(dossier, [], declencheurs)
        try:
            for precedent, changement in zip([None, *parcours], parcours, strict=False):
                phases.verifier_changement(
                    dossier.reference,
                    precedent,
                    changement.phase,
                    changement.date,
                    rendez_vous=changement.rendez_vous,
                    automatique=True,
                    aujourd_hui=aujourd_hui,
                )
        except phases.TransitionInterdite as erreur:
            refus[dossier_id] = erreur
            continue
        if not parcours:
            continue
        nouveaux.extend(parcours)
        dossier.phase = parcours[-1].phase
        dossier.modifie_le = maintenant
        if dossier.date_accueil is None:
            phases.prendre_territoire(dossier)
        dossier.date_accueil = parcours[0].date
        for champ, valeur in phases.resume_du_parcours(parcours).items():
            setattr(dossier, champ, valeur)
        accueillis.append(dossier)
    creer_avec_historique(ChangementPhase, nouveaux, maintenant)
    # One UPDATE per set of equal values (bulk_update's CASE per row costs more to build
    # than these few statements), then the history rows as save() writes them.
    groupes: dict[tuple, list[int]] = {}
    for dossier in accueillis:
        valeurs = tuple(getattr(dossier, colonne) for colonne in COLONNES_ACCUEIL)
        groupes.setdefault(valeurs, []).append(dossier.pk)
    for valeurs, pks in groupes.items():
        colonnes = dict(zip(COLONNES_ACCUEIL, valeurs, strict=True))
        Dossier.objects.filter(pk__in=pks).update(**colonnes)
    historiser(Dossier, accueillis, "~", maintenant)
    return refus


# --- Bulk inserts (issue 9) --------------------------------------------------------------
# QuerySet.bulk_create compiles every value through its model field (about 50 µs a row of
# appointment here, more than the rest of the import together); the batch path writes its
# rows with the plain statements below, values read from the instances' attributes: COPY
# on PostgreSQL, multi-row INSERT (RETURNING the keys) or executemany on SQLite.


def creer_avec_historique(
    modele: type[models.Model], objets: Sequence[models.Model], maintenant: datetime.datetime
) -> None:
    """INSERT the unsaved instances of `modele` and their simple-history rows ("+"), the
    records save() would write: auto_now and auto_now_add fields set to `maintenant` (on
    the instances too), each instance gets its pk (in list order, increasing) and is marked
    saved. No signal is sent (as with bulk_create)."""
    if not objets:
        return
    meta = modele._meta
    for champ in meta.concrete_fields:
        if getattr(champ, "auto_now", False) or getattr(champ, "auto_now_add", False):
            for objet in objets:
                setattr(objet, champ.attname, maintenant)
    champs = [champ for champ in meta.concrete_fields if champ is not meta.pk]
    # From the instances' dicts: attribute access goes through a descriptor for each key.
    valeurs = itemgetter(*(champ.attname for champ in champs))
    cles = _inserer(
        meta.db_table, champs, [list(valeurs(vars(objet))) for objet in objets], cle=meta.pk
    )
    for objet, cle in zip(objets, cles, strict=True):
        objet.pk = cle
        objet._state.adding = False
        objet._state.db = connection.alias
    historiser(modele, objets, "+", maintenant)


def historiser(
    modele: type[models.Model],
    objets: Sequence[models.Model],
    type_historique: str,
    maintenant: datetime.datetime,
) -> None:
    """INSERT the simple-history rows of saved instances ("+" created, "~" changed), the
    values save() records: the instance's fields, `maintenant`, no change reason, and the
    user of the request being served (simple-history's middleware), taken once for all."""
    if not objets or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    historique = get_history_manager_for_model(modele).model
    utilisateur = historique.get_default_history_user(objets[0])
    propres = {
        "history_date": maintenant,
        "history_change_reason": None,
        "history_type": type_historique,
        "history_user_id": getattr(utilisateur, "pk", None),
    }
    meta = historique._meta
    champs = [champ for champ in meta.concrete_fields if champ is not meta.pk]
    copies = [c.attname for c in champs if c.attname not in propres]
    fixes = [propres[c.attname] for c in champs if c.attname in propres]
    if [c.attname for c in champs[len(copies) :]] != list(propres):
        # The rows below put the history table's own columns last, where simple-history
        # declares them.
        raise RuntimeError(f"Colonnes inattendues dans {meta.db_table} : {champs}")
    valeurs = itemgetter(*copies)
    _inserer(meta.db_table, champs, [[*valeurs(vars(objet)), *fixes] for objet in objets], cle=None)


def _inserer(
    table: str,
    champs: Sequence[models.Field],
    lignes: list[list],
    *,
    cle: models.Field | None,
) -> list[int]:
    """INSERT `lignes` (values in the order of `champs`) into `table`; return the new
    values of the auto-increment key `cle` in row order (none when `cle` is None)."""
    convertisseurs = [
        (position, convertir)
        for position, convertir in enumerate(map(_convertisseur, champs))
        if convertir is not None
    ]
    for ligne in lignes:
        for position, convertir in convertisseurs:
            ligne[position] = convertir(ligne[position])
    nom = connection.ops.quote_name
    colonnes = [nom(champ.column) for champ in champs]
    with connection.cursor() as curseur:
        if connection.vendor == "postgresql":
            cles: list[int] = []
            if cle is not None:
                # Keys taken from the table's sequence first, so that COPY (which returns
                # nothing) can write them; sorted, to follow the rows' order.
                curseur.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [table, cle.column, len(lignes)],
                )
                cles = sorted(valeur for (valeur,) in curseur.fetchall())
                colonnes.insert(0, nom(cle.column))
                lignes = [[valeur, *ligne] for valeur, ligne in zip(cles, lignes, strict=True)]
            types = [_type_pg(champ) for champ in ([cle] if cle else []) + list(champs)]
            # Binary, with the column types given: a third of text COPY's cost per row.
            requete = f"COPY {nom(table)} ({', '.join(colonnes)}) FROM STDIN (FORMAT BINARY)"
            debut = time.monotonic()
            with curseur.cursor.copy(requete) as copie:
                copie.set_types(types)
                for ligne in lignes:
                    copie.write_row(ligne)
            _noter(f"{requete} -- {len(lignes)} lignes", debut)
            return cles
        marques = f"({', '.join(['%s'] * len(colonnes))})"
        debut_requete = f"INSERT INTO {nom(table)} ({', '.join(colonnes)}) VALUES "
        if cle is None:
            curseur.executemany(debut_requete + marques, lignes)
            return []
        # One statement per packet of rows, as many as SQLite takes parameters.
        par_requete = max(1, _parametres_max() // len(colonnes))
        cles = []
        for debut in range(0, len(lignes), par_requete):
            paquet = lignes[debut : debut + par_requete]
            curseur.execute(
                debut_requete
                + ", ".join([marques] * len(paquet))
                + f" RETURNING {nom(cle.column)}",
                [valeur for ligne in paquet for valeur in ligne],
            )
            # Sorted: the keys increase in the order the rows are inserted, whatever the
            # order RETURNING gives them back in (SQLite does not promise one).
            cles.extend(sorted(valeur for (valeur,) in curseur.fetchall()))
        return cles


# Values both drivers take as they are (text, numbers, booleans, keys); dates and times too
# on PostgreSQL. Anything else goes through the backend's adapter or its field.
_TELS_QUELS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


def _convertisseur(champ: models.Field):
    if isinstance(champ, _TELS_QUELS) or (
        connection.vendor == "postgresql" and isinstance(champ, models.DateField | models.TimeField)
    ):
        return None
    if type(champ) is models.DateField:
        return connection.ops.adapt_datefield_value
    if type(champ) is models.TimeField:
        return connection.ops.adapt_timefield_value
    dernier: list = [object(), None]

    def convertir(valeur):
        # The same timestamp is written on every row of a batch: converted once.
        if valeur is not dernier[0]:
            dernier[:] = [valeur, champ.get_db_prep_save(valeur, connection)]
        return dernier[1]

    return convertir


def _type_pg(champ: models.Field) -> str:
    """The column's type as psycopg names it ("varchar(20)" is "varchar")."""
    return champ.db_type(connection).split("(")[0]


def _parametres_max() -> int:
    try:
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except AttributeError:
        return connection.features.max_query_params


def _noter(requete: str, debut: float) -> None:
    """Log a statement run on the driver's own cursor where Django logs its queries (DEBUG,
    CaptureQueriesContext), so that query counts stay true."""
    if connection.queries_logged:
        connection.queries_log.append({"sql": requete, "time": f"{time.monotonic() - debut:.3f}"})


def _cles(declencheurs: dict[str, RendezVous | None]) -> tuple:
    return tuple(r.pk if r else None for r in declencheurs.values())


def _messages(refus: ValidationError) -> list[str]:
    """The messages of a model's ValidationError, each prefixed by its field."""
    if not hasattr(refus, "error_dict"):
        return list(refus.messages)
    return [
        message if champ == "__all__" else f"{champ} : {message}"
        for champ, messages in refus.message_dict.items()
        for message in messages
    ]


def _liste(numeros: list[int]) -> str:
    textes = [str(n) for n in numeros]
    return f"{', '.join(textes[:-1])} et {textes[-1]}"


def modifier_rendez_vous(rendez_vous: RendezVous, **champs) -> RendezVous:
    """Change an appointment's fields (names from CHAMPS_MODIFIABLES) and apply the rule.

    Invariants: as enregistrer_rendez_vous. When the change alters which appointments are
    held, or their dates, the automatic accueil / maturation are recomputed; if a later
    manual change depends on them (a création after the maturation this appointment
    opened), TransitionInterdite is raised and neither the appointment nor the history
    changes. On refusal the instance passed keeps the new values (for the form to show).
    """
    inconnus = set(champs) - CHAMPS_MODIFIABLES
    if inconnus:
        raise TypeError(f"Champs non modifiables : {', '.join(sorted(inconnus))}")
    with transaction.atomic():
        verrouille = phases.verrouiller_dossier(rendez_vous.dossier)
        for nom, valeur in champs.items():
            setattr(rendez_vous, nom, valeur)
        rendez_vous.clean()
        rendez_vous.save()
        _appliquer_regle(verrouille)
    phases.recopier(verrouille, rendez_vous.dossier)
    return rendez_vous


def supprimer_rendez_vous(rendez_vous: RendezVous) -> None:
    """Delete an appointment entered by mistake and apply the rule without it.

    Invariants: as modifier_rendez_vous (the automatic changes it triggered are recomputed
    first, which may be refused); one transaction.
    """
    with transaction.atomic():
        verrouille = phases.verrouiller_dossier(rendez_vous.dossier)
        # Recompute as if it were already gone, so that no change points to it any more.
        _appliquer_regle(verrouille, sauf=rendez_vous.pk)
        rendez_vous.delete()
    phases.recopier(verrouille, rendez_vous.dossier)


def annuler_dernier_changement(dossier: Dossier) -> None:
    """Undo the dossier's last manual phase change (entered by mistake), then apply the
    appointment rule again (e.g. undoing a manual maturation of a dossier that has two held
    appointments lets the rule open maturation at the second one's date).

    Invariants: one transaction; only the last change, and only a manual one, can be undone
    (TransitionInterdite otherwise); the rest of the path stays legal.
    """
    with transaction.atomic():
        verrouille = phases.verrouiller_dossier(dossier)
        phases.retirer_dernier_changement(verrouille)
        _appliquer_regle(verrouille)
    phases.recopier(verrouille, dossier)


def ouvrir_dossier(
    dossier: Dossier,
    rendez_vous: RendezVous,
    *,
    auteur,
    co_porteurs=(),
) -> Dossier:
    """Save a new dossier of an existing porteur (`dossier.porteur` set) with its first
    appointment, and apply the rule (a held appointment opens accueil at once).

    Invariants: one transaction; the dossier gets a reference if it has none; the
    appointment is attached to the new dossier whatever it pointed to.
    """
    with transaction.atomic():
        dossier.clean()
        dossier.save()
        if co_porteurs:
            dossier.co_porteurs.set(co_porteurs)
        rendez_vous.dossier = dossier
        _enregistrer(rendez_vous, auteur)
    return dossier


def recevoir_nouvelle_personne(
    porteur: Porteur,
    dossier: Dossier,
    rendez_vous: RendezVous,
    *,
    auteur,
    co_porteurs=(),
) -> Dossier:
    """Receive someone new in one step: create the porteur, their dossier and the accueil
    appointment (unsaved instances, e.g. from three forms), return the dossier.

    Invariants: one transaction, all or nothing; refused with DoublonBloquant when a
    porteur with the same name and birth date exists (close names are only a warning, for
    the view to show before calling this); a held appointment opens accueil at its date and
    copies the porteur's territory onto the dossier.
    """
    with transaction.atomic():
        bloquants, _proches = detecter_doublons(
            porteur.nom, porteur.prenom, porteur.date_naissance, porteur.commune
        )
        if bloquants:
            existants = ", ".join(f"{p} (né(e) le {p.date_naissance:%d/%m/%Y})" for p in bloquants)
            raise DoublonBloquant(
                f"Cette personne existe déjà : {existants}. Ouvrez-lui un nouveau dossier "
                "plutôt que de la créer une seconde fois.",
                code="doublon",
            )
        porteur.clean()
        porteur.save()
        dossier.porteur = porteur
        return ouvrir_dossier(dossier, rendez_vous, auteur=auteur, co_porteurs=co_porteurs)
