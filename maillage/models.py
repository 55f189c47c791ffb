"""Accounts, and the association's own life (report section 0.3).

Staff and board members are users; their role is a group (see roles.py). A staff member's
job (fonction, ETP, dates) is kept on their account: a person who leaves keeps their account,
deactivated, so their history (appointments, sessions, events) stays attached to them.
"""

import datetime
from decimal import Decimal
from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q


class UtilisateurQuerySet(models.QuerySet):
    def salaries_de_l_annee(self, annee: int) -> "UtilisateurQuerySet":
        """Staff employed at some point of calendar year `annee` (a user with no hiring date
        is not staff: board members, technical accounts)."""
        return self.filter(
            date_entree__lte=datetime.date(annee, 12, 31),
        ).filter(Q(date_sortie__isnull=True) | Q(date_sortie__gte=datetime.date(annee, 1, 1)))


class UtilisateurManager(UserManager.from_queryset(UtilisateurQuerySet)):
    pass


class Utilisateur(AbstractUser):
    fonction = models.CharField(
        "fonction",
        max_length=200,
        blank=True,
        help_text="Par exemple : chargée de mission création, référente formation.",
    )
    etp = models.DecimalField(
        "ETP",
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))],
        help_text="Équivalent temps plein, de 0,01 à 1 (vide si sans objet).",
    )
    date_entree = models.DateField("date d'entrée", null=True, blank=True)
    date_sortie = models.DateField("date de sortie", null=True, blank=True)

    objects = UtilisateurManager()

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name", "username"]
        # Permissions that belong to no single model: they gate whole areas of the app.
        permissions = [
            ("acceder_suivi", "Accéder au suivi des porteurs (données des personnes)"),
            ("voir_tableaux_de_bord", "Voir les tableaux de bord (chiffres agrégés)"),
            ("voir_tableaux_de_bord_direction", "Voir les tableaux de bord de la direction"),
            ("publier_rapport", "Publier le rapport d'activité"),
            ("importer_donnees", "Importer des fichiers de données"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(etp__isnull=True) | Q(etp__gt=0, etp__lte=1),
                name="utilisateur_etp_entre_0_et_1",
                violation_error_message="L'ETP est compris entre 0 (exclu) et 1.",
            ),
            models.CheckConstraint(
                condition=Q(date_sortie__isnull=True)
                | Q(date_entree__isnull=False, date_sortie__gte=F("date_entree")),
                name="utilisateur_sortie_apres_entree",
                violation_error_message="La date de sortie suit la date d'entrée.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def role(self) -> str | None:
        """The user's role label (first matching group), for display only; access checks use
        permissions."""
        from maillage.roles import ROLES

        noms = {g.name for g in self.groups.all()}
        return next((r for r in ROLES if r in noms), None)

    def en_poste_le(self, jour: datetime.date) -> bool:
        """Whether this user was on the staff that day."""
        return (
            self.date_entree is not None
            and self.date_entree <= jour
            and (self.date_sortie is None or self.date_sortie >= jour)
        )


class AnneeAssociative(models.Model):
    """The association's members for one calendar year."""

    annee = models.PositiveSmallIntegerField("année", unique=True)
    nombre_adherents = models.PositiveIntegerField("nombre d'adhérents")

    # Read by rapports.rendu.empreinte: an edit (not only an addition or a deletion) must
    # change the fingerprint of the data a report or a dashboard was drawn from.
    modifie_le = models.DateTimeField("modifié le", auto_now=True, editable=False)

    class Meta:
        verbose_name = "année associative"
        verbose_name_plural = "années associatives (adhérents)"
        ordering = ["-annee"]

    def __str__(self) -> str:
        return f"{self.annee} : {self.nombre_adherents} adhérents"


class AssembleeGeneraleQuerySet(models.QuerySet):
    def derniere_au(self, jour: datetime.date) -> "AssembleeGenerale | None":
        """The last general assembly held on or before `jour`: the one whose board is in
        office that day."""
        return self.filter(date__lte=jour).order_by("-date").first()


class AssembleeGenerale(models.Model):
    """A general assembly, which elects the board (MembreConseil)."""

    date = models.DateField("date", unique=True)
    extraordinaire = models.BooleanField("extraordinaire", default=False)

    objects = AssembleeGeneraleQuerySet.as_manager()

    class Meta:
        verbose_name = "assemblée générale"
        verbose_name_plural = "assemblées générales"
        ordering = ["-date"]

    def __str__(self) -> str:
        nature = "extraordinaire" if self.extraordinaire else "générale"
        return f"Assemblée {nature} du {self.date:%d/%m/%Y}"


class MembreConseil(models.Model):
    """A board member elected at a general assembly: a person in their own name, or the
    representative of a member association (personne morale)."""

    class Fonction(models.TextChoices):
        PRESIDENT = "president", "président(e)"
        TRESORIER = "tresorier", "trésorier(e)"
        SECRETAIRE = "secretaire", "secrétaire"
        MEMBRE = "membre", "membre"

    # Officers held by one person at a time.
    FONCTIONS_UNIQUES = ("president", "tresorier", "secretaire")

    assemblee = models.ForeignKey(
        AssembleeGenerale,
        verbose_name="assemblée générale",
        on_delete=models.CASCADE,
        related_name="membres_conseil",
    )
    nom = models.CharField("nom", max_length=100)
    prenom = models.CharField("prénom", max_length=100)
    fonction = models.CharField(
        "fonction", max_length=20, choices=Fonction.choices, default=Fonction.MEMBRE
    )
    association_representee = models.CharField(
        "association représentée",
        max_length=200,
        blank=True,
        help_text="Vide pour une personne physique.",
    )

    # Read by rapports.rendu.empreinte: an edit (not only an addition or a deletion) must
    # change the fingerprint of the data a report or a dashboard was drawn from.
    modifie_le = models.DateTimeField("modifié le", auto_now=True, editable=False)

    class Meta:
        verbose_name = "membre du conseil d'administration"
        verbose_name_plural = "membres du conseil d'administration"
        ordering = ["assemblee", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assemblee", "fonction"],
                condition=Q(fonction__in=["president", "tresorier", "secretaire"]),
                name="membre_conseil_fonction_unique",
                violation_error_message="Cette fonction est déjà attribuée.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prenom} {self.nom} ({self.get_fonction_display()})"

    @property
    def personne_physique(self) -> bool:
        return not self.association_representee


class ReunionConseilQuerySet(models.QuerySet):
    def de_l_annee(self, annee: int) -> "ReunionConseilQuerySet":
        return self.filter(date__year=annee)


class ReunionConseil(models.Model):
    """A board meeting, and whether the staff were invited to it."""

    date = models.DateField("date", unique=True)
    salaries_invites = models.BooleanField("équipe salariée invitée", default=False)
    precision = models.CharField(
        "précision",
        max_length=255,
        blank=True,
        help_text="Par exemple : équipe invitée en première partie.",
    )

    objects = ReunionConseilQuerySet.as_manager()

    class Meta:
        verbose_name = "réunion du conseil d'administration"
        verbose_name_plural = "réunions du conseil d'administration"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"Conseil d'administration du {self.date:%d/%m/%Y}"
