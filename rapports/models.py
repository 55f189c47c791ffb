"""What the annual report needs that no casework model holds.

AgregatHistorique: figures of the years before the app (the seed's 2007-2012 gender table,
the "since 2000" totals of section 0.5), typed once from the published reports, so that the
report's multi-year tables merge them with the years the app computes (rapports.stats).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from porteurs.models import Dossier


class AgregatHistorique(models.Model):
    """One published figure of one past year, as the association's reports gave it.

    A row may also hold the total of several years (the association only knows "883 since
    2000"): it is filed under the last of them and `source` says which years it covers.
    For a given year and indicator, a stored row wins over what the app would compute:
    it is the figure that was published when the app did not hold that year's records.
    """

    class Indicateur(models.TextChoices):
        ACCUEILS = "accueils", "projets accueillis"
        ACCUEILS_FEMMES = "accueils_femmes", "projets accueillis portés par une femme"
        ACCUEILS_HOMMES = "accueils_hommes", "projets accueillis portés par un homme"
        PART_FEMMES = "part_femmes", "part des femmes parmi les accueils (%)"
        PART_HOMMES = "part_hommes", "part des hommes parmi les accueils (%)"
        ACCUEILS_QPV = "accueils_qpv", "accueillis issus d'un quartier prioritaire"
        ACCOMPAGNES = "accompagnes", "porteurs entrés en accompagnement"
        ACCOMPAGNES_ECONOMIQUES = (
            "accompagnes_economiques",
            "porteurs accompagnés pour une activité économique",
        )
        EMPLOIS_CREES = "emplois_crees", "emplois créés"
        PROJETS_PROFESSIONNELS = (
            "projets_professionnels",
            "personnes accompagnées vers un projet professionnel",
        )

    TOUS_DISPOSITIFS = ""

    annee = models.PositiveSmallIntegerField("année")
    indicateur = models.CharField("indicateur", max_length=30, choices=Indicateur.choices)
    dispositif = models.CharField(
        "dispositif",
        max_length=20,
        choices=Dossier.Dispositif.choices,
        blank=True,
        default=TOUS_DISPOSITIFS,
        help_text="Vide : tous dispositifs confondus.",
    )
    valeur = models.DecimalField("valeur", max_digits=10, decimal_places=2)
    source = models.CharField(
        "source",
        max_length=255,
        help_text="D'où vient le chiffre, par exemple : rapport d'activité 2013, § 1.5.2.",
    )

    # Read by rapports.rendu.empreinte: an edit (not only an addition or a deletion) must
    # change the fingerprint of the data a report or a dashboard was drawn from.
    modifie_le = models.DateTimeField("modifié le", auto_now=True, editable=False)

    class Meta:
        verbose_name = "agrégat historique"
        verbose_name_plural = "agrégats historiques"
        ordering = ["indicateur", "dispositif", "annee"]
        constraints = [
            models.UniqueConstraint(
                fields=["annee", "indicateur", "dispositif"],
                name="agregat_historique_unique",
                violation_error_message="Ce chiffre est déjà saisi pour cette année.",
            ),
            models.CheckConstraint(condition=Q(valeur__gte=0), name="agregat_historique_positif"),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicateur_display()} {self.annee} : {self.valeur}"


class TexteSection(models.Model):
    """The narrative the direction writes for one section of one year's report."""

    annee = models.PositiveSmallIntegerField("année")
    section = models.CharField("section", max_length=60, help_text="Ancre de la section.")
    texte = models.TextField("texte", blank=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)
    modifie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="modifié par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "texte du rapport"
        verbose_name_plural = "textes du rapport"
        constraints = [
            models.UniqueConstraint(fields=["annee", "section"], name="texte_section_unique")
        ]

    def __str__(self) -> str:
        return f"{self.annee} § {self.section}"


class IndicateurManuel(models.Model):
    """A figure no model holds (website visitors, newsletters sent...), typed each year."""

    annee = models.PositiveSmallIntegerField("année")
    cle = models.CharField("indicateur", max_length=60)
    valeur = models.PositiveIntegerField("valeur")
    modifie_le = models.DateTimeField("modifié le", auto_now=True)
    modifie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="modifié par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "indicateur saisi"
        verbose_name_plural = "indicateurs saisis"
        constraints = [
            models.UniqueConstraint(fields=["annee", "cle"], name="indicateur_manuel_unique")
        ]

    def __str__(self) -> str:
        return f"{self.annee} {self.cle} = {self.valeur}"


class EditionRapport(models.Model):
    """A published version of a year's report: its data frozen at `coupure`, and its PDF.

    Invariants: never modified once written (publishing again adds version + 1); the
    figures, texts and PDF served for an edition are these, whatever happens to the
    casework afterwards.
    """

    annee = models.PositiveSmallIntegerField("année")
    version = models.PositiveSmallIntegerField("version")
    coupure = models.DateTimeField("données arrêtées le")
    publiee_le = models.DateTimeField("publiée le", auto_now_add=True)
    publiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="publiée par",
        on_delete=models.PROTECT,
        related_name="+",
    )
    donnees = models.JSONField("données")
    # Made in the background right after publishing (empty for those few seconds).
    pdf = models.BinaryField("PDF", null=True, blank=True)

    class Meta:
        verbose_name = "édition du rapport"
        verbose_name_plural = "éditions du rapport"
        ordering = ["-annee", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["annee", "version"], name="edition_rapport_unique")
        ]

    def __str__(self) -> str:
        return f"Rapport {self.annee}, version {self.version}"


class GenerationPDF(models.Model):
    """The PDF of a year's live report, made in the background (a few seconds of
    WeasyPrint) so that nobody stares at a frozen page. One row per state of the data
    (`empreinte`): a finished row is the cache of that state.
    """

    class Etat(models.TextChoices):
        EN_COURS = "en_cours", "en cours"
        TERMINEE = "terminee", "terminée"
        ECHEC = "echec", "échec"

    annee = models.PositiveSmallIntegerField("année")
    empreinte = models.CharField("empreinte des données", max_length=64)
    etat = models.CharField("état", max_length=10, choices=Etat.choices, default=Etat.EN_COURS)
    etape = models.CharField("étape", max_length=100, blank=True)
    pdf = models.BinaryField("PDF", null=True, blank=True)
    erreur = models.TextField("erreur", blank=True)
    cree_le = models.DateTimeField("commencée le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "génération de PDF"
        verbose_name_plural = "générations de PDF"
        constraints = [
            # Two clicks at once start one generation only.
            models.UniqueConstraint(fields=["annee", "empreinte"], name="generation_pdf_unique")
        ]

    def __str__(self) -> str:
        return f"PDF {self.annee} ({self.get_etat_display()})"
