"""Import and export of appointments and phase changes (issue 3).

The contract (all or nothing, natural keys, preloaded lookups, French errors with line
numbers) is porteurs.resources.ResourceMaillage. The writes go through the domain layer:
appointments through accompagnement.services (the appointment rule opens accueil and
maturation exactly as for a typed appointment; the new rows of a file are written together
by services.enregistrer_rendez_vous_en_lot once all are checked), phase changes through
accompagnement.phases.changer_phase (the workflow refuses an illegal history).

Command line:
    manage.py import accompagnement.resources.RendezVousResource rendez_vous.csv --noinput
    manage.py import accompagnement.resources.ChangementPhaseResource phases.csv --noinput
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export.fields import Field

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
        stored appointments of those dossiers on the file's dates."""
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
        stockes = RendezVous.objects.filter(
            dossier__in=self.dossiers.values(), date__in=dates
        ).select_related("dossier", "charge", "point_accueil")
        for rdv in stockes:
            cle = (rdv.dossier_id, rdv.date, rdv.heure, rdv.charge_id)
            self.existants.setdefault(cle, []).append(rdv)

    def _cle_objets(self, row) -> tuple | None:
        """(dossier id, date, heure, user id) of the row, or None when a part is unreadable
        or unknown (the row's errors then say which)."""
        try:
            jour = DateWidget().clean(row.get("date"))
            heure = HeureWidget().clean(row.get("heure"))
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
