"""Porteurs de projet and their dossiers.

"Non renseigné" is a real answer: every questionnaire choice has an explicit NR value (the
default), so the report can count and show it; an unknown date or link is NULL and counts as
NR. The codes of the choices are also the values of the import files (issue 3): keep them.

A dossier's phase and its reception territory are written only by the phase workflow
(`accompagnement.phases`); nothing here changes them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from simple_history.models import HistoricalRecords

NR = "nr"
NON_RENSEIGNE = "non renseigné"


class Phase(models.TextChoices):
    """The phases of a support path, in the only order a dossier can go through them
    (`accompagnement.phases` holds the allowed transitions)."""

    ACCUEIL = "accueil", "accueil"
    MATURATION = "maturation", "maturation"
    CREATION = "creation", "création"
    POST_CREATION = "post_creation", "suivi post-création"
    SORTIE = "sortie", "sortie"


class Porteur(models.Model):
    """A person (personne physique) or an already-formed association (personne morale)."""

    class TypePorteur(models.TextChoices):
        PERSONNE = "personne", "personne physique"
        ASSOCIATION = "association", "association (personne morale)"

    class Genre(models.TextChoices):
        FEMME = "F", "femme"
        HOMME = "H", "homme"
        NR = NR, NON_RENSEIGNE

    class NiveauQualification(models.TextChoices):
        SANS_DIPLOME = "sans_diplome", "sans diplôme"
        CAP_BEP = "cap_bep", "CAP, BEP"
        BAC = "bac", "baccalauréat"
        BAC_2 = "bac_2", "bac + 2"
        BAC_3_PLUS = "bac_3_plus", "bac + 3 et plus"
        NR = NR, NON_RENSEIGNE

    class SituationProfessionnelle(models.TextChoices):
        DEMANDEUR_EMPLOI = "demandeur_emploi", "demandeur d'emploi"
        SALARIE = "salarie", "salarié(e)"
        INDEPENDANT = "independant", "indépendant(e)"
        ETUDIANT = "etudiant", "étudiant(e)"
        RETRAITE = "retraite", "retraité(e)"
        AUTRE = "autre", "autre"
        NR = NR, NON_RENSEIGNE

    class Revenu(models.TextChoices):
        ARE = "are", "allocation de retour à l'emploi (ARE)"
        RSA = "rsa", "revenu de solidarité active (RSA)"
        ASS = "ass", "allocation de solidarité spécifique (ASS)"
        AAH = "aah", "allocation aux adultes handicapés (AAH)"
        SALAIRE = "salaire", "salaire"
        AUCUN = "aucun", "aucun revenu"
        AUTRE = "autre", "autre"
        NR = NR, NON_RENSEIGNE

    type_porteur = models.CharField(
        "type de porteur",
        max_length=20,
        choices=TypePorteur.choices,
        default=TypePorteur.PERSONNE,
    )
    # Personne physique (for an association, `nom` is the association's name).
    nom = models.CharField("nom", max_length=200, help_text="Pour une association : son nom.")
    prenom = models.CharField("prénom", max_length=100, blank=True)
    genre = models.CharField("genre", max_length=2, choices=Genre.choices, default=Genre.NR)
    date_naissance = models.DateField("date de naissance", null=True, blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("courriel", blank=True)
    adresse = models.CharField("adresse", max_length=255, blank=True)
    commune = models.ForeignKey(
        "territoires.Commune",
        verbose_name="commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="porteurs",
    )
    quartier = models.ForeignKey(
        "territoires.Quartier",
        verbose_name="quartier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="porteurs",
    )
    niveau_qualification = models.CharField(
        "niveau de qualification",
        max_length=20,
        choices=NiveauQualification.choices,
        default=NiveauQualification.NR,
    )
    situation_professionnelle = models.CharField(
        "situation professionnelle",
        max_length=20,
        choices=SituationProfessionnelle.choices,
        default=SituationProfessionnelle.NR,
    )
    revenu = models.CharField(
        "revenu ou allocation", max_length=20, choices=Revenu.choices, default=Revenu.NR
    )
    # Personne morale.
    rna = models.CharField("numéro RNA", max_length=10, blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    date_creation_structure = models.DateField(
        "date de création de la structure", null=True, blank=True
    )

    # RGPD: the person was told at reception what is recorded, why and for how long
    # (article 13), and on which legal basis the association processes it.
    class BaseLegale(models.TextChoices):
        INTERET_LEGITIME = "interet_legitime", "intérêt légitime de l'association"
        MISSION_PUBLIQUE = "mission_publique", "mission d'intérêt public (dispositif financé)"
        CONTRAT = "contrat", "contrat d'accompagnement"
        CONSENTEMENT = "consentement", "consentement de la personne"

    information_rgpd_le = models.DateField(
        "informé·e de l'usage de ses données le", null=True, blank=True
    )
    information_rgpd_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="informé·e par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    base_legale = models.CharField(
        "base légale du traitement", max_length=20, choices=BaseLegale.choices, blank=True
    )
    # Set when the person's identity has been erased (right to erasure or retention
    # period over): the row stays so that the statistics of past years do not move.
    anonymise_le = models.DateTimeField("anonymisé le", null=True, blank=True)

    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    # Every change is kept (who, when, what): shown on the dossier page; RGPD erasure
    # anonymises these rows too.
    historique = HistoricalRecords(
        verbose_name="historique du porteur", verbose_name_plural="historique du porteur"
    )

    class Meta:
        verbose_name = "porteur de projet"
        verbose_name_plural = "porteurs de projet"
        ordering = ["nom", "prenom"]
        indexes = [
            # The porteurs list, sorted by name (and the name search that starts it).
            models.Index(fields=["nom", "prenom"], name="porteur_nom_idx"),
            # Duplicate detection: candidates with the same birth date.
            models.Index(fields=["date_naissance"], name="porteur_naissance_idx"),
            # The porteur's answers joined onto the year's receptions, read from the index
            # alone (rapports.stats._profil, genre_depuis: 2013 / 2020 at network scale,
            # gender since 2007: 55 / 76 -> 37 / 55 ms with dossier_annee_idx).
            models.Index(
                fields=[
                    "id",
                    "genre",
                    "date_naissance",
                    "situation_professionnelle",
                    "niveau_qualification",
                    "revenu",
                ],
                name="porteur_profil_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.nom_affiche(self.prenom, self.nom)

    @staticmethod
    def nom_affiche(prenom: str, nom: str) -> str:
        """How a porteur is named on screen (its str), from the two columns alone."""
        return f"{prenom} {nom}".strip()

    def clean(self) -> None:
        if self.quartier_id and self.commune_id and self.quartier.commune_id != self.commune_id:
            raise ValidationError(
                {"quartier": "Ce quartier n'appartient pas à la commune indiquée."}
            )

    @property
    def est_association(self) -> bool:
        return self.type_porteur == self.TypePorteur.ASSOCIATION

    def age_au(self, jour) -> int | None:
        """Age in whole years on that day; None when the birth date is unknown."""
        if self.date_naissance is None:
            return None
        naissance = self.date_naissance
        return (
            jour.year - naissance.year - ((jour.month, jour.day) < (naissance.month, naissance.day))
        )


class DossierQuerySet(models.QuerySet):
    def en_phase(self, phase: str) -> "DossierQuerySet":
        """Dossiers whose current phase is `phase` ("" for those not received yet)."""
        return self.filter(phase=phase)

    def recus_entre(self, debut, fin) -> "DossierQuerySet":
        """Dossiers whose accueil is dated between `debut` and `fin`, both included."""
        return self.filter(date_accueil__range=(debut, fin))

    def prochaine_reference(self, annee: int) -> str:
        """The next free reference of the year, "AAAA-NNNN". One query."""
        prefixe = f"{annee}-"
        plus_grand = (
            self.model.objects.filter(
                reference__startswith=prefixe, reference__regex=r"^\d{4}-\d+$"
            )
            .annotate(numero=Cast(Substr("reference", len(prefixe) + 1), models.IntegerField()))
            .aggregate(plus_grand=models.Max("numero"))["plus_grand"]
        )
        return f"{prefixe}{(plus_grand or 0) + 1:04d}"


class Dossier(models.Model):
    """The case followed by the association: one lead porteur, possibly co-porteurs."""

    class Secteur(models.TextChoices):
        COMMERCE = "commerce", "commerce"
        ARTISANAT = "artisanat", "artisanat"
        SERVICES_PERSONNES = "services_personnes", "services aux personnes"
        SERVICES_ENTREPRISES = "services_entreprises", "services aux entreprises"
        CULTURE_LOISIRS = "culture_loisirs", "culture, loisirs, sport"
        ENVIRONNEMENT = "environnement", "environnement"
        RESTAURATION = "restauration", "restauration, alimentation"
        AGRICULTURE = "agriculture", "agriculture"
        BTP = "btp", "bâtiment, travaux publics"
        SANTE_SOCIAL = "sante_social", "santé, action sociale"
        NUMERIQUE = "numerique", "numérique"
        AUTRE = "autre", "autre"
        NR = NR, NON_RENSEIGNE

    class OuiNon(models.TextChoices):
        OUI = "oui", "oui"
        NON = "non", "non"
        NR = NR, NON_RENSEIGNE

    class FormeJuridique(models.TextChoices):
        ASSOCIATION = "association", "association"
        SCOP_SCIC = "scop_scic", "SCOP ou SCIC"
        ENTREPRISE_INDIVIDUELLE = "entreprise_individuelle", "entreprise individuelle"
        SOCIETE = "societe", "société (SARL, SAS...)"
        AUTRE = "autre", "autre"
        NR = NR, NON_RENSEIGNE

    class Stade(models.TextChoices):
        ENVIE = "envie", "envie de créer"
        IDEE = "idee", "idée"
        PROJET = "projet", "projet"
        STRUCTURE_EXISTANTE = "structure_existante", "structure existante"
        NR = NR, NON_RENSEIGNE

    class Dispositif(models.TextChoices):
        ESCALE = "escale", "ESCALE"
        CITESLAB = "citeslab", "CitésLab"
        PROJET_VIE = "projet_vie", "projet de vie / projet professionnel"
        HABITANTS = "habitants", "initiatives d'habitants"

    PAS_ENCORE_RECU = ""

    reference = models.CharField(
        "référence",
        max_length=30,
        unique=True,
        blank=True,
        help_text="Laisser vide : l'année de création suivie d'un numéro est attribuée.",
    )
    porteur = models.ForeignKey(
        Porteur, verbose_name="porteur principal", on_delete=models.PROTECT, related_name="dossiers"
    )
    co_porteurs = models.ManyToManyField(
        Porteur, verbose_name="co-porteurs", blank=True, related_name="dossiers_co_portes"
    )
    intitule = models.CharField("intitulé du projet", max_length=255, blank=True)
    secteur = models.CharField(
        "secteur d'activité", max_length=30, choices=Secteur.choices, default=Secteur.NR
    )
    projet_collectif = models.CharField(
        "projet collectif", max_length=3, choices=OuiNon.choices, default=OuiNon.NR
    )
    projet_economique = models.CharField(
        "projet économique", max_length=3, choices=OuiNon.choices, default=OuiNon.NR
    )
    forme_juridique_envisagee = models.CharField(
        "forme juridique envisagée",
        max_length=30,
        choices=FormeJuridique.choices,
        default=FormeJuridique.NR,
    )
    stade_premier_accueil = models.CharField(
        "stade au premier accueil", max_length=30, choices=Stade.choices, default=Stade.NR
    )
    dispositif = models.CharField(
        "dispositif", max_length=20, choices=Dispositif.choices, default=Dispositif.ESCALE
    )
    prescripteur = models.ForeignKey(
        "territoires.StructurePartenaire",
        verbose_name="prescripteur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers_prescrits",
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="salarié(e) référent(e)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers_suivis",
    )
    emplois_crees = models.PositiveIntegerField("emplois créés", default=0)

    # Written only by accompagnement.phases: a cache of the last phase change.
    phase = models.CharField(
        "phase",
        max_length=20,
        choices=[(PAS_ENCORE_RECU, "pas encore reçu"), *Phase.choices],
        default=PAS_ENCORE_RECU,
        blank=True,
        editable=False,
    )
    date_accueil = models.DateField("date d'accueil", null=True, blank=True, editable=False)
    # The rest of the path, a cache of the phase history (accompagnement.ChangementPhase)
    # written with it by accompagnement.phases (resume_du_parcours) in the same
    # transaction: the date each later phase was entered (each is entered at most once),
    # and the sortie's type and issue. The report's funnel, the accompaniments and the
    # dashboards count the dossiers from these columns alone (dossier_parcours_idx), where
    # joining four phase changes onto each dossier took 50-110 ms a year at network scale.
    # tests/conftest.py checks after every test that they agree with the history.
    date_maturation = models.DateField(
        "entrée en maturation", null=True, blank=True, editable=False
    )
    date_creation = models.DateField("entrée en création", null=True, blank=True, editable=False)
    date_post_creation = models.DateField(
        "entrée en post-création", null=True, blank=True, editable=False
    )
    date_sortie = models.DateField("date de sortie", null=True, blank=True, editable=False)
    # The codes of ChangementPhase.TypeSortie and ChangementPhase.Issue ("" before a sortie).
    type_sortie = models.CharField("type de sortie", max_length=20, blank=True, editable=False)
    issue_sortie = models.CharField("issue de la sortie", max_length=20, blank=True, editable=False)
    # The territory in force on the reception date, copied once when accueil opens, so that
    # a later change of the reference lists never rewrites past years' figures.
    commune_accueil = models.ForeignKey(
        "territoires.Commune",
        verbose_name="commune à l'accueil",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="dossiers_accueillis",
    )
    epci_accueil = models.ForeignKey(
        "territoires.EPCI",
        verbose_name="EPCI à l'accueil",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="dossiers_accueillis",
    )
    territoire_gouvernance_accueil = models.ForeignKey(
        "territoires.TerritoireGouvernance",
        verbose_name="territoire de gouvernance à l'accueil",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="dossiers_accueillis",
    )
    quartier_accueil = models.ForeignKey(
        "territoires.Quartier",
        verbose_name="quartier à l'accueil",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="dossiers_accueillis",
    )
    qpv_accueil = models.BooleanField(
        "quartier prioritaire à l'accueil", null=True, blank=True, editable=False
    )

    # Set with the lead porteur's: the dossier's free texts were erased with the person.
    anonymise_le = models.DateTimeField("anonymisé le", null=True, blank=True)

    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    # Every change is kept (who, when, what): shown on the dossier page; RGPD erasure
    # anonymises these rows too.
    historique = HistoricalRecords(
        verbose_name="historique du dossier", verbose_name_plural="historique du dossier"
    )

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier"
        ordering = ["-reference"]
        indexes = [
            # Dossier lists filtered by phase and dispositif (the daily lists and the
            # CitésLab / ESCALE counts).
            models.Index(fields=["phase", "dispositif"], name="dossier_phase_dispositif_idx"),
            # The dossier list, newest reception first (porteurs.views.dossiers: ORDER BY
            # date_accueil DESC, id DESC, read backwards with no sort, even on a far page),
            # and the yearly reports' receptions of year Y (rapports.stats._accueils_entre).
            models.Index(fields=["date_accueil", "id"], name="dossier_accueil_liste_idx"),
            # The dossier list filtered by phase, newest reception first (porteurs.views.
            # dossiers: WHERE phase = %s ORDER BY date_accueil DESC, id DESC LIMIT 51):
            # read in order from the index; with the index above alone, the phases rare
            # among recent receptions (création) read thousands of rows to fill a page.
            models.Index(fields=["phase", "date_accueil", "id"], name="dossier_phase_liste_idx"),
            # The suggestions of the quick appointment form, opened at every appointment
            # entered (accompagnement.forms.suggestions_dossiers: WHERE NOT phase = 'sortie'
            # [AND referent_id = %s] ORDER BY modifie_le DESC LIMIT 300): read in order from
            # the index and stopped at 300 rows, where the whole set of followed dossiers
            # (or of a staff member's) was sorted: 36 ms and 60-95 ms at a network's scale.
            models.Index(
                fields=["-modifie_le"],
                condition=~models.Q(phase="sortie"),
                name="dossier_suivis_recents_idx",
            ),
            models.Index(
                fields=["referent", "-modifie_le"],
                condition=~models.Q(phase="sortie"),
                name="dossier_suivis_referent_idx",
            ),
            # The dossier's dispositif for the report's joins from appointments and phase
            # changes (the year's appointments, the funnel) without reading the dossiers'
            # table (5 800 pages at network scale).
            models.Index(fields=["id", "dispositif"], name="dossier_dispositif_idx"),
            # Every reception of a span of years, read from the index alone
            # (rapports.stats.genre_depuis, chiffres_depuis_la_creation, the receptions per
            # month: 2013 / 2020 at network scale, since creation 28 / 46 -> 15 / 35 ms).
            models.Index(
                fields=["date_accueil", "dispositif", "qpv_accueil", "porteur"],
                name="dossier_annee_idx",
            ),
            # The support funnel of a year and the accompaniments (rapports.stats.
            # comptes_entonnoir, accompagnements): every dossier received by the year's end
            # and not gone before it, with the dates of its path, read from the index alone;
            # and the dashboards' yearly trends (rapports.tableaux._par_annee: every dossier
            # by the years of its path, with its jobs; 100 -> 60 ms at network scale).
            models.Index(
                fields=[
                    "date_accueil",
                    "date_sortie",
                    "dispositif",
                    "date_maturation",
                    "date_creation",
                    "date_post_creation",
                    "type_sortie",
                    "issue_sortie",
                    "emplois_crees",
                ],
                name="dossier_parcours_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.intitule}".strip()

    def save(self, *args, **kwargs) -> None:
        """Give a reference when none was given ("AAAA-NNNN", year of creation).

        Two receptions saved at the same instant can compute the same number; the unique
        constraint refuses the second, which then takes the next number (in a savepoint, so
        the caller's transaction stays usable).
        """
        if self.reference:
            super().save(*args, **kwargs)
            return
        annee = timezone.localdate().year
        for essai in range(3):
            self.reference = Dossier.objects.prochaine_reference(annee)
            try:
                with transaction.atomic():
                    super().save(*args, **kwargs)
                return
            except IntegrityError:
                if essai == 2 or not Dossier.objects.filter(reference=self.reference).exists():
                    self.reference = ""
                    raise
