"""Reference geography: where porteurs live and where staff meet them.

These lists change rarely and are edited by the direction. Dossiers keep a copy of the
territory in force on their reception date (see porteurs), so editing a list here never
rewrites the figures of past years.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Departement(models.Model):
    code = models.CharField("code", max_length=3, unique=True)
    nom = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class EPCI(models.Model):
    """Inter-municipal body (établissement public de coopération intercommunale)."""

    siren = models.CharField("SIREN", max_length=9, unique=True)
    nom = models.CharField("nom", max_length=200)
    sigle = models.CharField(
        "sigle",
        max_length=30,
        blank=True,
        help_text="Nom court utilisé dans les rapports (LMCU, CAVM, CAD...).",
    )
    nature = models.CharField("nature", max_length=10, blank=True, help_text="METRO, CU, CA, CC")

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.sigle or self.nom

    @property
    def libelle(self) -> str:
        return self.sigle or self.nom


class TerritoireGouvernance(models.Model):
    """One of the sub-areas of an EPCI (the 8 territoires de gouvernance of Lille Métropole)."""

    nom = models.CharField("nom", max_length=100)
    epci = models.ForeignKey(
        EPCI, verbose_name="EPCI", on_delete=models.PROTECT, related_name="territoires"
    )

    class Meta:
        verbose_name = "territoire de gouvernance"
        verbose_name_plural = "territoires de gouvernance"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(fields=["epci", "nom"], name="territoire_gouvernance_unique")
        ]

    def __str__(self) -> str:
        return self.nom


class TerritoirePLDE(models.Model):
    """The Région's areas (Métropole lilloise, Valenciennois, Douaisis...), each with a staff
    référent who changes over time (ReferentTerritoire)."""

    nom = models.CharField("nom", max_length=100, unique=True)
    epcis = models.ManyToManyField(
        EPCI, verbose_name="EPCI couverts", blank=True, related_name="territoires_plde"
    )

    class Meta:
        verbose_name = "territoire PLDE"
        verbose_name_plural = "territoires PLDE"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom

    def referent_au(self, jour):
        """The staff member who was référent on that day, or None."""
        affectation = (
            self.referents.filter(debut__lte=jour)
            .filter(Q(fin__isnull=True) | Q(fin__gte=jour))
            .select_related("salarie")
            .order_by("-debut")
            .first()
        )
        return affectation.salarie if affectation else None


class ReferentTerritoire(models.Model):
    """A dated assignment: this staff member is référent of this territory from `debut`
    to `fin` (included; empty while it lasts)."""

    territoire = models.ForeignKey(
        TerritoirePLDE,
        verbose_name="territoire",
        on_delete=models.CASCADE,
        related_name="referents",
    )
    salarie = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="salarié(e) référent(e)",
        on_delete=models.PROTECT,
        related_name="territoires_referent",
    )
    debut = models.DateField("début")
    fin = models.DateField("fin", null=True, blank=True)

    class Meta:
        verbose_name = "référent de territoire"
        verbose_name_plural = "référents de territoire"
        ordering = ["territoire", "debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__isnull=True) | Q(fin__gte=models.F("debut")),
                name="referent_fin_apres_debut",
                violation_error_message="La date de fin doit suivre la date de début.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.territoire} : {self.salarie} depuis le {self.debut:%d/%m/%Y}"


class Commune(models.Model):
    code_insee = models.CharField("code INSEE", max_length=5, unique=True)
    nom = models.CharField("nom", max_length=100)
    departement = models.ForeignKey(
        Departement, verbose_name="département", on_delete=models.PROTECT, related_name="communes"
    )
    epci = models.ForeignKey(
        EPCI,
        verbose_name="EPCI",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
    )
    territoire_gouvernance = models.ForeignKey(
        TerritoireGouvernance,
        verbose_name="territoire de gouvernance",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
    )
    codes_postaux = models.CharField("codes postaux", max_length=100, blank=True)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    latitude = models.DecimalField(
        "latitude", max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        "longitude", max_digits=8, decimal_places=5, null=True, blank=True
    )

    class Meta:
        verbose_name = "commune"
        ordering = ["nom"]
        indexes = [
            # Autocomplete on the reception form: communes by name.
            models.Index(fields=["nom"], name="commune_nom_idx"),
        ]

    def __str__(self) -> str:
        return self.nom


class Quartier(models.Model):
    commune = models.ForeignKey(
        Commune, verbose_name="commune", on_delete=models.CASCADE, related_name="quartiers"
    )
    nom = models.CharField("nom", max_length=100)
    qpv = models.BooleanField(
        "quartier prioritaire (politique de la ville)",
        default=False,
        help_text="Quartier prioritaire de la politique de la ville (QPV).",
    )
    code_qpv = models.CharField("code QPV", max_length=20, blank=True)

    class Meta:
        verbose_name = "quartier"
        ordering = ["commune__nom", "nom"]
        constraints = [models.UniqueConstraint(fields=["commune", "nom"], name="quartier_unique")]

    def __str__(self) -> str:
        return f"{self.nom} ({self.commune})"


class StructurePartenaire(models.Model):
    """A partner structure, used as prescriber, orientation target, funder or host."""

    class Categorie(models.TextChoices):
        PRESCRIPTEUR = "prescripteur", "prescripteur"
        RESEAU_CREATION = "reseau_creation", "réseau de la création"
        ACTEUR_ESS = "acteur_ess", "acteur de l'ESS"
        FINANCEUR = "financeur", "financeur"
        OPERATIONNEL = "operationnel", "partenaire opérationnel"
        ACCUEIL = "accueil", "lieu d'accueil de publics"
        ELU = "elu", "élu / collectivité"

    nom = models.CharField("nom", max_length=200, unique=True)
    sigle = models.CharField("sigle", max_length=30, blank=True)
    categorie = models.CharField("catégorie", max_length=20, choices=Categorie.choices)
    commune = models.ForeignKey(
        Commune, verbose_name="commune", on_delete=models.SET_NULL, null=True, blank=True
    )
    actif = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "structure partenaire"
        verbose_name_plural = "structures partenaires"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.sigle or self.nom


class PointAccueilQuerySet(models.QuerySet):
    def actifs(self, jour=None):
        """Points open on that day (today when not given)."""
        from django.utils import timezone

        jour = jour or timezone.localdate()
        return self.filter(Q(actif_depuis__isnull=True) | Q(actif_depuis__lte=jour)).filter(
            Q(actif_jusqu_au__isnull=True) | Q(actif_jusqu_au__gte=jour)
        )


class PointAccueil(models.Model):
    """A point d'accueil de proximité (PAP): a partner's office where staff meet people."""

    class Nature(models.TextChoices):
        LIEU_PUBLIC = "lieu_public", "lieu d'accueil de publics"
        MAIRIE = "mairie", "mairie"
        CITESLAB = "citeslab", "permanence CitésLab"
        AUTRE = "autre", "autre"

    nom = models.CharField("nom", max_length=200, help_text="Nom du lieu, tel qu'on le dit.")
    structure = models.ForeignKey(
        StructurePartenaire,
        verbose_name="structure d'accueil",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="points_accueil",
    )
    nature = models.CharField("nature", max_length=20, choices=Nature.choices)
    commune = models.ForeignKey(
        Commune, verbose_name="commune", on_delete=models.PROTECT, related_name="points_accueil"
    )
    quartier = models.ForeignKey(
        Quartier, verbose_name="quartier", on_delete=models.SET_NULL, null=True, blank=True
    )
    territoire_plde = models.ForeignKey(
        TerritoirePLDE,
        verbose_name="territoire PLDE",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="points_accueil",
    )
    adresse = models.CharField("adresse", max_length=255, blank=True)
    contact = models.CharField("contact", max_length=255, blank=True)
    date_convention = models.DateField("date de la convention", null=True, blank=True)
    actif_depuis = models.DateField("ouvert depuis", null=True, blank=True)
    actif_jusqu_au = models.DateField("ouvert jusqu'au", null=True, blank=True)
    latitude = models.DecimalField(
        "latitude", max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        "longitude", max_digits=8, decimal_places=5, null=True, blank=True
    )

    objects = PointAccueilQuerySet.as_manager()

    class Meta:
        verbose_name = "point d'accueil de proximité"
        verbose_name_plural = "points d'accueil de proximité"
        ordering = ["commune__nom", "nom"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "nom"], name="point_accueil_unique")
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.commune})"
