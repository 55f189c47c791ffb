"""Import and export of appointments and phase changes (issue 3).

The contract (all or nothing, natural keys, preloaded lookups, French errors with line
numbers) is porteurs.resources.ResourceMaillage. The writes go through the domain layer:
appointments through accompagnement.services (the appointment rule opens accueil and
maturation exactly as for a typed appointment; the new rows of a file are written together
by services.enregistrer_rendez_vous_en_lot once all are checked), phase changes through
accompagnement.phases.changer_phase (the workflow refuses an illegal history).
RendezVousResource runs its own loop over the rows (issue 9: at least 2 000 rows a second),
with the library's hooks and Result; see RendezVousResource.import_data_inner.

Command line:
    manage.py import accompagnement.resources.RendezVousResource rendez_vous.csv --noinput
    manage.py import accompagnement.resources.ChangementPhaseResource phases.csv --noinput
"""

import contextlib
import gc

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export import exceptions
from import_export.fields import Field
from import_export.results import RowResult
from import_export.utils import atomic_if_using_transaction

from accompagnement import phases, services
from accompagnement.models import ChangementPhase, RendezVous
from maillage.roles import CHARGE, DIRECTION
from porteurs.models import Dossier, Phase
from porteurs.resources import (
    COLONNE_LIGNE,
    INCHANGE,
    CodeWidget,
    DateWidget,
    EntierWidget,
    HeureWidget,
    ObjetWidget,
    ResourceMaillage,
    TexteWidget,
    date_lisible,
    index_par_nom,
    texte_cellule,
)
from porteurs.services import normaliser
from territoires.models import PointAccueil


def _dossiers(dataset, colonne: str = "dossier") -> dict[str, Dossier]:
    """The dossiers the file names, by reference: one query."""
    position = dataset.headers.index(colonne)
    references = {texte_cellule(r[position]) for r in dataset} - {""}
    return {d.reference: d for d in Dossier.objects.filter(reference__in=references)}


def _dossier(resource, valeurs: dict, erreurs: dict) -> Dossier | None:
    reference = valeurs.get("dossier", "")
    dossier = resource.dossiers.get(reference)
    if dossier is None:
        erreurs["dossier"] = f"référence de dossier inconnue « {reference} »."
    return dossier


class RendezVousResource(ResourceMaillage):
    """Appointments; key: dossier + date + heure + charge.

    `lieu` is `locaux`, `telephone`, `autre`, or the name of a point d'accueil (written
    "nom (commune)" when two places share a name). An empty `heure` means no time; empty
    `duree_minutes` / `lieu` / `objet` / `statut` take the defaults of a typed appointment
    (60, locaux, suivi, réalisé) for a new row and keep the stored value otherwise. `charge`
    is the username of a staff member (chargé(e) de mission or direction).
    """

    dossier = Field(attribute="dossier", column_name="dossier", widget=ObjetWidget("reference"))
    date = Field(attribute="date", column_name="date", widget=DateWidget())
    heure = Field(attribute="heure", column_name="heure", widget=HeureWidget())
    duree_minutes = Field(
        attribute="duree_minutes", column_name="duree_minutes", widget=EntierWidget(1, 1440)
    )
    charge = Field(attribute="charge", column_name="charge", widget=ObjetWidget("username"))
    lieu = Field(attribute="lieu", column_name="lieu", widget=TexteWidget())
    objet = Field(attribute="objet", column_name="objet", widget=CodeWidget(RendezVous.Objet))
    statut = Field(attribute="statut", column_name="statut", widget=CodeWidget(RendezVous.Statut))

    colonnes_obligatoires = ("dossier", "date", "charge")
    colonnes_cle_facultatives = ("heure",)

    class Meta:
        model = RendezVous
        fields = ("dossier", "date", "heure", "duree_minutes", "charge", "lieu", "objet", "statut")
        import_order = export_order = fields
        import_id_fields = ("dossier", "date", "heure", "charge")
        skip_diff = True
        report_skipped = True
        # No savepoint per row: new rows are only collected while the rows are read, and
        # written together by bulk_create (below) once all have been checked.
        use_bulk = True
        batch_size = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._champs_import = None
        self._cle_memo: tuple = (None, None)
        # The fields are this instance's own copies (the library deep-copies them).
        for champ in self.fields.values():
            champ.widget = _CelluleMemorisee(champ.widget)

    def get_import_fields(self):
        # Asked for at every row and every export of a row: the same list each time.
        if self._champs_import is None:
            self._champs_import = super().get_import_fields()
        return self._champs_import

    def etat(self, rdv: RendezVous) -> dict[str, str]:
        """ResourceMaillage.etat (each column as the export writes it) without the
        library's lookups per column: it runs twice for every known row of a file."""
        etat = {}
        for champ in self.get_import_fields():
            methode = getattr(self, f"dehydrate_{champ.column_name}", None)
            if methode is not None:
                etat[champ.column_name] = methode(rdv)
            else:
                etat[champ.column_name] = champ.widget.render(getattr(rdv, champ.attribute))
        return etat

    def import_data_inner(
        self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
    ):
        """The library's loop (Resource.import_data_inner and import_row) cut down to what
        this resource uses (issue 9: the library's own costs as much per row as the
        checks): the same hooks in the same order (before_import, for each row trouver /
        etat / import_instance / skip_row / save_instance / after_import_row, then
        bulk_create and after_import), the same Result (totals, invalid and error rows,
        base errors) for the views and the `import` command. Left out, as this resource
        does not use them: the diff, deletions, instance info, failed-row collection and
        batches (batch_size is None)."""
        with _sans_ramasse_miettes():
            return self._importer(dataset, dry_run, raise_errors, using_transactions, **kwargs)

    def _importer(self, dataset, dry_run, raise_errors, using_transactions, **kwargs):
        result = self.get_result_class()()
        result.diff_headers = self.get_diff_headers()
        base = self.get_db_connection_name()
        try:
            with atomic_if_using_transaction(using_transactions, using=base):
                self.before_import(dataset, **kwargs)
            self._check_import_id_fields(dataset.headers)
        except Exception as erreur:
            self.handle_import_error(result, erreur, raise_errors)
        result.total_rows = len(dataset)
        entetes = dataset.headers
        for numero, valeurs in enumerate(dataset, 1):
            row = dict(zip(entetes, valeurs, strict=True))
            row_result = self._importer_ligne(row, numero)
            result.increment_row_result_total(row_result)
            if row_result.errors:
                result.append_error_row(numero, row, row_result.errors)
                if raise_errors:
                    raise exceptions.ImportError(
                        row_result.errors[-1].error, number=numero, row=row
                    )
            elif row_result.validation_error:
                result.append_invalid_row(numero, row, row_result.validation_error)
                if raise_errors:
                    raise exceptions.ImportError(
                        row_result.validation_error, number=numero, row=row
                    )
            result.append_row_result(row_result)
        with atomic_if_using_transaction(using_transactions, using=base):
            self.bulk_create(using_transactions, dry_run, raise_errors, result=result)
        try:
            with atomic_if_using_transaction(using_transactions, using=base):
                self.after_import(dataset, result, **kwargs)
        except Exception as erreur:
            self.handle_import_error(result, erreur, raise_errors)
        return result

    def _importer_ligne(self, row: dict, numero: int) -> RowResult:
        """One row, as Resource.import_row runs it for this resource."""
        row_result = RowResult()
        try:
            self.before_import_row(row)
            instance = self.trouver(row)
            nouveau = instance is None
            if nouveau:
                instance = self.init_instance(row)
            self.after_init_instance(instance, nouveau, row)
            row_result.import_type = (
                RowResult.IMPORT_TYPE_NEW if nouveau else RowResult.IMPORT_TYPE_UPDATE
            )
            erreurs: dict = {}
            try:
                self.import_instance(instance, row)
            except ValidationError as refus:
                erreurs = refus.update_error_dict(erreurs)
            if self.skip_row(instance, None, row, erreurs):
                row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            else:
                if erreurs:
                    raise ValidationError(erreurs)
                self.save_instance(instance, nouveau, row)
            self.after_import_row(row, row_result)
        except ValidationError as refus:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = refus
        except Exception as erreur:
            row_result.import_type = RowResult.IMPORT_TYPE_ERROR
            row_result.errors.append(self.get_error_result_class()(erreur, row=row, number=numero))
        return row_result

    def get_queryset(self):
        return RendezVous.objects.select_related(
            "dossier", "charge", "point_accueil__commune"
        ).order_by("date", "heure", "pk")

    def dehydrate_lieu(self, rdv: RendezVous) -> str:
        if rdv.lieu != RendezVous.Lieu.POINT_ACCUEIL or rdv.point_accueil is None:
            return rdv.lieu
        point = rdv.point_accueil
        if not hasattr(self, "points"):
            self.points = index_par_nom(PointAccueil.objects.all(), "nom")
        homonymes = self.points.get(normaliser(point.nom), [point])
        return point.nom if len(homonymes) <= 1 else str(point)

    def precharger(self, dataset) -> None:
        """Four queries whatever the number of rows: dossiers, staff, places, and the
        stored appointments of those dossiers on the file's dates with those staff
        members (the only ones a row's key can name)."""
        self.dossiers = _dossiers(dataset)
        position = dataset.headers.index("charge")
        identifiants = {texte_cellule(r[position]) for r in dataset} - {""}
        salaries = (
            get_user_model()
            .objects.filter(username__in=identifiants, groups__name__in=[CHARGE, DIRECTION])
            .distinct()
        )
        self.salaries = {u.username: u for u in salaries}
        points = list(PointAccueil.objects.select_related("commune"))
        self.points = index_par_nom(points, "nom")
        self.points_et_communes = {normaliser(str(p)): p for p in points}
        position = dataset.headers.index("date")
        dates = {date_lisible(r[position]) for r in dataset} - {None}
        self.existants: dict[tuple, list[RendezVous]] = {}
        # The related records come from the lookups above rather than from joins: each
        # stored appointment would otherwise bring three more instances.
        dossiers = {d.pk: d for d in self.dossiers.values()}
        charges = {u.pk: u for u in self.salaries.values()}
        points_par_pk = {p.pk: p for p in points}
        stockes = RendezVous.objects.filter(
            dossier_id__in=list(dossiers), charge_id__in=list(charges), date__in=dates
        )
        champ = RendezVous._meta.get_field
        for rdv in stockes:
            # As select_related fills them (the ids are already right).
            champ("dossier").set_cached_value(rdv, dossiers[rdv.dossier_id])
            champ("charge").set_cached_value(rdv, charges[rdv.charge_id])
            point = points_par_pk.get(rdv.point_accueil_id)
            champ("point_accueil").set_cached_value(rdv, point)
            cle = (rdv.dossier_id, rdv.date, rdv.heure, rdv.charge_id)
            self.existants.setdefault(cle, []).append(rdv)

    def _cle_objets(self, row) -> tuple | None:
        """(dossier id, date, heure, user id) of the row, or None when a part is unreadable
        or unknown (the row's errors then say which). Asked twice per row: kept for the
        last row."""
        if self._cle_memo[0] is row:
            return self._cle_memo[1]
        cle = self._lire_cle(row)
        self._cle_memo = (row, cle)
        return cle

    def _lire_cle(self, row) -> tuple | None:
        try:
            jour = self.fields["date"].widget.clean(row.get("date"))
            heure = self.fields["heure"].widget.clean(row.get("heure"))
        except ValueError:
            return None
        dossier = self.dossiers.get(texte_cellule(row.get("dossier")))
        charge = self.salaries.get(texte_cellule(row.get("charge")))
        if dossier is None or charge is None or jour is None:
            return None
        return (dossier.pk, jour, heure, charge.pk)

    def cle_brute(self, row) -> tuple:
        return self._cle_objets(row) or (_ligne_brute(row),)

    def cle(self, row) -> str:
        heure = texte_cellule(row.get("heure"))
        return (
            f"Rendez-vous du dossier {texte_cellule(row.get('dossier'))} le "
            f"{texte_cellule(row.get('date'))}{f' à {heure}' if heure else ''} avec "
            f"{texte_cellule(row.get('charge'))}"
        )

    def trouver(self, row):
        cle = self._cle_objets(row)
        trouves = self.existants.get(cle, []) if cle else []
        if len(trouves) > 1:
            raise ValidationError(
                f"{len(trouves)} rendez-vous enregistrés ont ce dossier, cette date, cette "
                "heure et ce chargé : corrigez-les dans l'application avant d'importer."
            )
        return trouves[0] if trouves else None

    def appliquer(self, rdv: RendezVous, valeurs: dict, row) -> None:
        erreurs: dict[str, str] = {}
        dossier = _dossier(self, valeurs, erreurs)
        if dossier is not None:
            rdv.dossier = dossier
        charge = self.salaries.get(valeurs.get("charge", ""))
        if charge is None:
            erreurs["charge"] = (
                f"identifiant inconnu « {valeurs.get('charge')} » (un(e) salarié(e) : "
                "chargé(e) de mission ou direction)."
            )
        else:
            rdv.charge = charge
        rdv.date = valeurs.get("date")
        if "heure" in valeurs:
            rdv.heure = valeurs["heure"]
        for colonne in ("duree_minutes", "objet", "statut"):
            if colonne in valeurs and valeurs[colonne] is not INCHANGE:
                setattr(rdv, colonne, valeurs[colonne])
        if valeurs.get("lieu"):
            texte = valeurs["lieu"]
            code = texte.casefold()
            if code in (RendezVous.Lieu.LOCAUX, RendezVous.Lieu.TELEPHONE, RendezVous.Lieu.AUTRE):
                rdv.lieu, rdv.point_accueil = code, None
            else:
                trouves = self.points.get(normaliser(texte), [])
                if len(trouves) != 1:
                    point = self.points_et_communes.get(normaliser(texte))
                    trouves = [point] if point else trouves
                if len(trouves) == 1:
                    rdv.lieu, rdv.point_accueil = RendezVous.Lieu.POINT_ACCUEIL, trouves[0]
                elif trouves:
                    erreurs["lieu"] = (
                        f"plusieurs points d'accueil s'appellent « {texte} » : écrivez "
                        + " ou ".join(f"« {p} »" for p in trouves)
                        + "."
                    )
                else:
                    erreurs["lieu"] = (
                        f"lieu inconnu « {texte} » : locaux, telephone, autre ou le nom "
                        "d'un point d'accueil."
                    )
        if erreurs:
            raise ValidationError(erreurs)
        if rdv.pk is None:
            # The checks of a typed appointment (a held one is not in the future...), before
            # any write, so that the message names the row.
            rdv.clean()

    def before_import(self, dataset, **kwargs):
        # (line, unsaved appointment) of the new rows, and the refusals of their writing.
        self.a_creer: list[tuple[int, RendezVous]] = []
        self.erreurs_lot: list[tuple[int, str]] = []
        super().before_import(dataset, **kwargs)

    def save_instance(self, instance, is_create, row, **kwargs):
        if is_create:
            # Written by bulk_create, after the last row (the rule once per dossier).
            self.a_creer.append((int(row[COLONNE_LIGNE]), instance))
        else:
            super().save_instance(instance, is_create, row, **kwargs)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Write the new rows through services.enregistrer_rendez_vous_en_lot: the same
        appointments, phases and history as row-by-row entry. Run even when other rows are
        invalid (and in the preview), so that the rule's refusals are listed too; the
        library then rolls everything back."""
        lot, self.a_creer = self.a_creer, []
        if not lot:
            return
        try:
            services.enregistrer_rendez_vous_en_lot(lot, auteur=self.auteur)
        except services.LotRefuse as refus:
            self.erreurs_lot.extend(refus.erreurs)
        except Exception as erreur:
            self.handle_import_error(result, erreur, raise_errors)

    def lister_erreurs(self, dataset, result) -> list[tuple[int | None, str]]:
        erreurs = super().lister_erreurs(dataset, result) + self.erreurs_lot
        return sorted(erreurs, key=lambda e: e[0] or 0)

    def enregistrer(self, rdv: RendezVous, nouveau: bool) -> None:
        champs = {
            "date": rdv.date,
            "heure": rdv.heure,
            "duree_minutes": rdv.duree_minutes,
            "charge": rdv.charge,
            "lieu": rdv.lieu,
            "point_accueil": rdv.point_accueil,
            "objet": rdv.objet,
            "statut": rdv.statut,
        }
        # New rows go to bulk_create (save_instance); a known appointment changed by the
        # file goes through the service, which recomputes the rule for its dossier.
        services.modifier_rendez_vous(rdv, **champs)


@contextlib.contextmanager
def _sans_ramasse_miettes():
    """The cyclic garbage collector paused while a file is read and written: each of its
    full passes walks every object alive, the file's tens of thousands of instances
    included, and it made a third of the import's time. What the file allocates is freed
    when the import ends (or collected once the collector runs again). The pause is for
    the whole process, for the few seconds of an import."""
    actif = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if actif:
            gc.enable()


class _CelluleMemorisee:
    """A widget whose clean() remembers its answer for each cell value: a file repeats the
    same staff member, place, status, duration and dates on many rows, and these widgets
    are pure functions of the cell. Everything else goes to the widget."""

    def __init__(self, widget):
        self.widget = widget
        self.reponses: dict[tuple, tuple[bool, object]] = {}

    def clean(self, value, row=None, **kwargs):
        # By type too: 1, 1.0 and True are equal keys but different cells.
        cle = (type(value), value)
        try:
            reussi, reponse = self.reponses[cle]
        except TypeError:
            return self.widget.clean(value, row=row, **kwargs)
        except KeyError:
            try:
                reussi, reponse = True, self.widget.clean(value, row=row, **kwargs)
            except ValueError as erreur:
                reussi, reponse = False, str(erreur)
            self.reponses[cle] = (reussi, reponse)
        if reussi:
            return reponse
        raise ValueError(reponse)

    def __getattr__(self, nom):
        # Only called for what this class lacks; "widget" itself is missing only while an
        # instance is being copied.
        if nom == "widget":
            raise AttributeError(nom)
        return getattr(self.widget, nom)


def _ligne_brute(row) -> str:
    return f"ligne {row.get('_ligne')}"


RANG_PHASE = {phase: rang for rang, phase in enumerate(Phase.values)}


class ChangementPhaseResource(ResourceMaillage):
    """Phase changes; key: dossier + phase (a phase is entered at most once).

    Each new row goes through phases.changer_phase: a row that would make the history
    illegal (skipping a phase, going back, a date before the previous change, anything
    after a sortie) is a row error with the workflow's own message. Rows are applied in
    date order (then path order), whatever their order in the file. A row identical to the
    stored change (same date; same type and issue for a sortie; same convention date when
    the file gives one), including one opened by the appointment rule, is "inchangé"; a row
    that differs is an error: a stored change is corrected in the dossier, not by a file.

    `date_convention` (optional column): the date the convention d'accompagnement was
    signed, which the workflow requires for création; empty, it is the row's `date` (the
    création phase starts on the day the convention is signed).
    """

    dossier = Field(attribute="dossier", column_name="dossier", widget=ObjetWidget("reference"))
    phase = Field(attribute="phase", column_name="phase", widget=CodeWidget(Phase, None))
    date = Field(attribute="date", column_name="date", widget=DateWidget())
    type_sortie = Field(
        attribute="type_sortie",
        column_name="type_sortie",
        widget=CodeWidget(ChangementPhase.TypeSortie, ""),
    )
    issue = Field(
        attribute="issue", column_name="issue", widget=CodeWidget(ChangementPhase.Issue, "")
    )
    commentaire = Field(attribute="commentaire", column_name="commentaire", widget=TexteWidget())
    date_convention = Field(
        attribute="date_convention", column_name="date_convention", widget=DateWidget()
    )

    colonnes_obligatoires = ("dossier", "phase", "date")

    class Meta:
        model = ChangementPhase
        fields = ("dossier", "phase", "date", "type_sortie", "issue", "commentaire")
        fields = (*fields, "date_convention")
        import_order = export_order = fields
        import_id_fields = ("dossier", "phase")
        skip_diff = True
        report_skipped = True

    def get_queryset(self):
        return ChangementPhase.objects.select_related("dossier").order_by(
            "dossier__reference", "date", "pk"
        )

    def etat(self, changement) -> dict[str, str]:
        # The comment is not part of the comparison: re-importing a change the rule opened
        # (no comment) with a comment is still the same change.
        etat = super().etat(changement)
        etat.pop("commentaire")
        return etat

    def ordonner(self, dataset) -> None:
        """Dates first, then the path order: a file listing a dossier's sortie before its
        accueil is applied in the only order the workflow accepts."""
        entetes = list(dataset.headers)
        p_date, p_phase = entetes.index("date"), entetes.index("phase")

        def ordre(r):
            jour = date_lisible(r[p_date])
            return (jour is None, jour or 0, RANG_PHASE.get(texte_cellule(r[p_phase]).lower(), 99))

        lignes = sorted((list(r) for r in dataset), key=ordre)
        dataset.wipe()
        dataset.headers = entetes
        for r in lignes:
            dataset.append(r)

    def precharger(self, dataset) -> None:
        """Two queries: the dossiers and their stored changes."""
        self.dossiers = _dossiers(dataset)
        self.existants = {
            (c.dossier_id, c.phase): c
            for c in ChangementPhase.objects.filter(dossier__in=self.dossiers.values())
        }

    def cle_brute(self, row) -> tuple:
        return (texte_cellule(row.get("dossier")), texte_cellule(row.get("phase")).lower())

    def cle(self, row) -> str:
        phase, dossier = texte_cellule(row.get("phase")), texte_cellule(row.get("dossier"))
        return f"Phase « {phase} » du dossier {dossier}"

    def trouver(self, row):
        dossier = self.dossiers.get(texte_cellule(row.get("dossier")))
        if dossier is None:
            return None
        return self.existants.get((dossier.pk, texte_cellule(row.get("phase")).lower()))

    def appliquer(self, changement: ChangementPhase, valeurs: dict, row) -> None:
        erreurs: dict[str, str] = {}
        dossier = _dossier(self, valeurs, erreurs)
        phase, jour = valeurs.get("phase"), valeurs.get("date")
        sortie = phase == Phase.SORTIE
        type_sortie, issue = valeurs.get("type_sortie", ""), valeurs.get("issue", "")
        if sortie and not type_sortie:
            erreurs["type_sortie"] = "obligatoire pour une sortie (valorisable ou non_valorisable)."
        if sortie and not issue:
            erreurs["issue"] = "obligatoire pour une sortie."
        if not sortie and (type_sortie or issue):
            erreurs[NON_FIELD_ERRORS] = (
                "le type de sortie et l'issue ne s'indiquent que pour une sortie."
            )
        convention = valeurs.get("date_convention")
        if phase != Phase.CREATION and convention:
            erreurs["date_convention"] = "ne s'indique que pour l'entrée en création."
        if erreurs:
            raise ValidationError(erreurs)

        if changement.pk is not None:
            ecarts = []
            if changement.date != jour:
                ecarts.append(f"le {changement.date:%d/%m/%Y} (le fichier dit le {jour:%d/%m/%Y})")
            if sortie and (changement.type_sortie, changement.issue) != (type_sortie, issue):
                ecarts.append(
                    f"en sortie {changement.type_sortie} / {changement.issue} (le fichier dit "
                    f"{type_sortie} / {issue})"
                )
            if convention and changement.date_convention != convention:
                ecarts.append(
                    f"avec une convention du {changement.date_convention:%d/%m/%Y} (le "
                    f"fichier dit le {convention:%d/%m/%Y})"
                )
            if ecarts:
                origine = " par un rendez-vous réalisé" if changement.automatique else ""
                raise ValidationError(
                    f"le dossier {dossier.reference} est déjà entré en « "
                    f"{changement.get_phase_display()} »{origine} "
                    + " et ".join(ecarts)
                    + " : corrigez le dossier dans l'application, pas par un fichier."
                )
            return
        changement.dossier = dossier
        changement.phase, changement.date = phase, jour
        changement.type_sortie, changement.issue = type_sortie, issue
        changement.commentaire = valeurs.get("commentaire", "")
        changement.date_convention = (convention or jour) if phase == Phase.CREATION else None

    def enregistrer(self, changement: ChangementPhase, nouveau: bool) -> None:
        enregistre = phases.changer_phase(
            changement.dossier,
            changement.phase,
            changement.date,
            auteur=self.auteur,
            type_sortie=changement.type_sortie or None,
            issue=changement.issue or None,
            date_convention=changement.date_convention,
            commentaire=changement.commentaire,
        )
        changement.pk = enregistre.pk
        self.existants[(changement.dossier_id, changement.phase)] = enregistre
