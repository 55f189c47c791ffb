"""What the annual report needs that no casework model holds.

AgregatHistorique: figures of the years before the app (the seed's 2007-2012 gender table,
the "since 2000" totals of section 0.5), typed once from the published reports, so that the
report's multi-year tables merge them with the years the app computes (rapports.stats).
"""

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
