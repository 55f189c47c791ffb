"""Appointments and the dated phase history of each dossier.

ChangementPhase is the single source of truth for every count of the support funnel
(report section 1.5). Its rows are written only by `accompagnement.phases`; appointments
are written by `accompagnement.services`, which applies the appointment rule (the first
held appointment opens accueil, the second one moves the dossier to maturation).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from porteurs.models import Phase


class RendezVousQuerySet(models.QuerySet):
    def realises(self) -> "RendezVousQuerySet":
        """Held appointments: the only ones the phase rule and the report count."""
        return self.filter(statut=RendezVous.Statut.REALISE)

    def du_charge(self, charge) -> "RendezVousQuerySet":
        return self.filter(charge=charge)

    def entre(self, debut: datetime.date, fin: datetime.date) -> "RendezVousQuerySet":
        """Appointments dated from `debut` to `fin`, both included."""
        return self.filter(date__range=(debut, fin))


class RendezVous(models.Model):
    class Lieu(models.TextChoices):
        LOCAUX = "locaux", "locaux de Maillage"
        POINT_ACCUEIL = "point_accueil", "point d'accueil de proximité"
        TELEPHONE = "telephone", "téléphone"
        AUTRE = "autre", "autre lieu"

    class Objet(models.TextChoices):
        ACCUEIL_ORIENTATION = "accueil_orientation", "accueil, orientation"
        AIDE_FORMULATION = "aide_formulation", "aide à la formulation du projet"
        SUIVI = "suivi", "suivi du projet"
        INFORMATION = "information", "information"
        AUTRE = "autre", "autre"

    class Statut(models.TextChoices):
        PREVU = "prevu", "prévu"
        REALISE = "realise", "réalisé"
        ANNULE = "annule", "annulé"
        ABSENT = "absent", "personne absente"

    # Statuses that say something happened (or did not) on the day: not in the future.
    STATUTS_PASSES = (Statut.REALISE, Statut.ABSENT)

    dossier = models.ForeignKey(
        "porteurs.Dossier",
        verbose_name="dossier",
        on_delete=models.CASCADE,
        related_name="rendez_vous",
    )
    date = models.DateField("date")
    heure = models.TimeField("heure", null=True, blank=True)
    duree_minutes = models.PositiveSmallIntegerField("durée (minutes)", default=60)
    charge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="chargé(e) de mission",
        on_delete=models.PROTECT,
        related_name="rendez_vous",
    )
    lieu = models.CharField("lieu", max_length=20, choices=Lieu.choices, default=Lieu.LOCAUX)
    point_accueil = models.ForeignKey(
        "territoires.PointAccueil",
        verbose_name="point d'accueil",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rendez_vous",
    )
    lieu_precision = models.CharField("précision sur le lieu", max_length=255, blank=True)
    objet = models.CharField(
        "objet", max_length=30, choices=Objet.choices, default=Objet.ACCUEIL_ORIENTATION
    )
    collectif = models.BooleanField("collectif", default=False)
    statut = models.CharField(
        "statut", max_length=10, choices=Statut.choices, default=Statut.REALISE
    )
    notes = models.TextField("notes (confidentielles)", blank=True)

    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saisi par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Every change is kept (who, when, what): shown on the dossier page; RGPD erasure
    # anonymises these rows too.
    historique = HistoricalRecords(
        verbose_name="historique du rendez-vous", verbose_name_plural="historique du rendez-vous"
    )

    objects = RendezVousQuerySet.as_manager()

    class Meta:
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        ordering = ["date", "heure", "pk"]
        indexes = [
            # "Mes rendez-vous", the ICS feed: a staff member's appointments by date.
            models.Index(fields=["charge", "date"], name="rdv_charge_date_idx"),
            # A dossier's timeline, and the phase rule's first two held appointments.
            models.Index(fields=["dossier", "date"], name="rdv_dossier_date_idx"),
            # The day sheet per place and the yearly counts of appointments.
            models.Index(fields=["date"], name="rdv_date_idx"),
            # A dossier's held appointments, read from the index alone: the direction's
            # "dossiers sans rendez-vous depuis six mois" (rapports.tableaux._a_relancer,
            # about 17 000 open dossiers at network scale: 760 -> 480 ms for the list) and
            # the report's appointments per reception (rapports.stats._parcours_des_accueillis,
            # 123 -> 54 ms).
            models.Index(
                fields=["dossier", "date"],
                name="rdv_realises_dossier_idx",
                condition=Q(statut="realise"),
            ),
            # The year's held appointments by dispositif, objet and modality, read from the
            # index alone (rapports.stats.rendez_vous_de_l_annee, COUNT(*)): the year's
            # 37 000 appointments at network scale were read from 31 000 table pages
            # (2013 / 2020: 78 / 58 -> 32 / 38 ms).
            models.Index(
                fields=["date", "dossier", "objet", "collectif"],
                name="rdv_realises_date_objet_idx",
                condition=Q(statut="realise"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(lieu="point_accueil", point_accueil__isnull=False)
                    | (~Q(lieu="point_accueil") & Q(point_accueil__isnull=True))
                ),
                name="rdv_point_accueil_si_lieu_point_accueil",
                violation_error_message=(
                    "Un point d'accueil est indiqué si et seulement si le lieu est un point "
                    "d'accueil de proximité."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier.reference} le {self.date:%d/%m/%Y} ({self.get_statut_display()})"

    def clean(self) -> None:
        """Cross-field rules, with the messages a form shows (the database checks them too)."""
        erreurs = {}
        if self.lieu == self.Lieu.POINT_ACCUEIL and self.point_accueil_id is None:
            erreurs["point_accueil"] = "Indiquez le point d'accueil."
        if self.lieu != self.Lieu.POINT_ACCUEIL and self.point_accueil_id is not None:
            erreurs["point_accueil"] = (
                "Un point d'accueil ne s'indique que pour un rendez-vous en point d'accueil."
            )
        if self.date and self.statut in self.STATUTS_PASSES and self.date > timezone.localdate():
            erreurs["statut"] = (
                f"Un rendez-vous du {self.date:%d/%m/%Y} ne peut pas encore être "
                f"« {self.get_statut_display()} » : choisissez « prévu »."
            )
        if erreurs:
            raise ValidationError(erreurs)

    @property
    def est_realise(self) -> bool:
        return self.statut == self.Statut.REALISE


class ChangementPhase(models.Model):
    """One dated step of a dossier's path: the phase entered on `date`.

    Each phase is entered at most once (the path never goes back); the order of the phases
    and of the dates is checked by `accompagnement.phases`, the only writer.
    """

    Phase = Phase

    class TypeSortie(models.TextChoices):
        VALORISABLE = "valorisable", "valorisable"
        NON_VALORISABLE = "non_valorisable", "non valorisable"

    class Issue(models.TextChoices):
        ACTIVITE_CREEE = "activite_creee", "activité créée"
        ABANDON = "abandon", "abandon du projet"
        EMPLOI_SALARIE = "emploi_salarie", "emploi salarié"
        FORMATION = "formation", "formation"
        ORIENTATION = "orientation", "orientation vers un partenaire"
        AUTRE = "autre", "autre"

    dossier = models.ForeignKey(
        "porteurs.Dossier",
        verbose_name="dossier",
        on_delete=models.CASCADE,
        related_name="changements_phase",
    )
    phase = models.CharField("phase", max_length=20, choices=Phase.choices)
    date = models.DateField("date")
    type_sortie = models.CharField(
        "type de sortie", max_length=20, choices=TypeSortie.choices, blank=True
    )
    issue = models.CharField("issue", max_length=20, choices=Issue.choices, blank=True)
    orientation_vers = models.ForeignKey(
        "territoires.StructurePartenaire",
        verbose_name="orienté vers",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orientations",
    )
    date_convention = models.DateField(
        "date de la convention d'accompagnement", null=True, blank=True
    )
    # RESTRICT, not PROTECT: deleting a dossier deletes both its appointments and its
    # history; deleting only the appointment goes through services.supprimer_rendez_vous,
    # which recomputes the automatic changes first.
    rendez_vous = models.ForeignKey(
        RendezVous,
        verbose_name="rendez-vous déclencheur",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="changements_phase",
    )
    automatique = models.BooleanField(
        "automatique",
        default=False,
        help_text="Changement fait par la règle des rendez-vous réalisés.",
    )
    commentaire = models.TextField("commentaire", blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    enregistre_le = models.DateTimeField("enregistré le", auto_now_add=True)

    # Every change is kept (who, when, what): shown on the dossier page; RGPD erasure
    # anonymises these rows too.
    historique = HistoricalRecords(
        verbose_name="historique du changement de phase",
        verbose_name_plural="historique du changement de phase",
    )

    class Meta:
        verbose_name = "changement de phase"
        verbose_name_plural = "changements de phase"
        ordering = ["dossier", "date", "pk"]
        indexes = [
            # The support funnel of year Y (rapports.stats.comptes_entonnoir, also behind the
            # dashboards): each phase's changes up to the year's end joined onto the
            # dossiers, and the sorties' type, read from the index alone (2013 / 2020 at
            # network scale: 63 / 161 -> 53 / 119 ms); its first two columns serve the
            # changes into a phase within a year.
            models.Index(
                fields=["phase", "date", "dossier", "type_sortie"],
                name="changement_phase_couvrant_idx",
            ),
        ]
        constraints = [
            # The path never goes back, so each phase is entered at most once; also the last
            # guard against two concurrent writers.
            models.UniqueConstraint(fields=["dossier", "phase"], name="changement_phase_unique"),
            models.CheckConstraint(
                condition=Q(phase__in=Phase.values), name="changement_phase_valide"
            ),
            models.CheckConstraint(
                condition=(
                    Q(phase="sortie") & ~Q(type_sortie="") & ~Q(issue="")
                    | ~Q(phase="sortie") & Q(type_sortie="", issue="", orientation_vers=None)
                ),
                name="changement_sortie_type_issue",
                violation_error_message="Une sortie, et elle seule, a un type et une issue.",
            ),
            models.CheckConstraint(
                condition=Q(orientation_vers=None) | Q(issue="orientation"),
                name="changement_orientation_si_issue_orientation",
            ),
            models.CheckConstraint(
                condition=(
                    Q(phase="creation", date_convention__isnull=False)
                    | ~Q(phase="creation") & Q(date_convention=None)
                ),
                name="changement_creation_date_convention",
                violation_error_message=(
                    "L'entrée en création, et elle seule, porte la date de la convention."
                ),
            ),
            models.CheckConstraint(
                condition=Q(automatique=False) | Q(rendez_vous__isnull=False),
                name="changement_automatique_par_rendez_vous",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} le {self.date:%d/%m/%Y}"
