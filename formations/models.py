"""The ADVA training programme (report section 3.2) and the collective events (2.4, 2.5, 3.1,
4.1).

A Convention is one programme year of the Région's funding ("2012-2013"), with the number of
sessions planned per Module. A Session runs one module; trainees (Stagiaire) are enrolled in
it by an association (Inscription), which also carries the trainee's fiche de renseignement
as answered for that enrolment (the seed's fiche is filled at each enrolment). Attendance is
recorded per dated day of the session (JourSession, Presence).

Enrolments are written only by `formations.services` (capacity, waiting list); statistics are
read by `formations.stats`. "Non renseigné" is a real answer: every fiche question has an
explicit NR value, the default.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.utils import timezone

from porteurs.models import NON_RENSEIGNE, NR


class Genre(models.TextChoices):
    FEMME = "F", "femme"
    HOMME = "H", "homme"
    NR = NR, NON_RENSEIGNE


class TrancheAge(models.TextChoices):
    """The brackets of the seed's trainee profile (section 3.2)."""

    MOINS_26 = "moins_26", "moins de 26 ans"
    DE_26_A_60 = "26_60", "de 26 à 60 ans"
    PLUS_60 = "plus_60", "plus de 60 ans"
    NR = NR, NON_RENSEIGNE

    @classmethod
    def de_l_age(cls, age: int | None) -> "TrancheAge":
        if age is None:
            return cls.NR
        if age < 26:
            return cls.MOINS_26
        if age <= 60:
            return cls.DE_26_A_60
        return cls.PLUS_60


class OuiNon(models.TextChoices):
    OUI = "oui", "oui"
    NON = "non", "non"
    NR = NR, NON_RENSEIGNE


class Emploi(models.TextChoices):
    SALARIE = "salarie", "salarié(e)"
    SANS_EMPLOI = "sans_emploi", "sans emploi"
    ETUDIANT = "etudiant", "étudiant(e)"
    RETRAITE = "retraite", "retraité(e)"
    NR = NR, NON_RENSEIGNE


class Module(models.Model):
    """One of the five ADVA modules, created by a data migration."""

    code = models.SlugField("code", max_length=20, unique=True)
    nom = models.CharField("nom", max_length=100, unique=True)
    ordre = models.PositiveSmallIntegerField("ordre", unique=True)

    class Meta:
        verbose_name = "module"
        ordering = ["ordre"]

    def __str__(self) -> str:
        return self.nom


class Convention(models.Model):
    """One programme year of the ADVA funding, on a school year ("2012-2013")."""

    libelle = models.CharField(
        "année de programme", max_length=20, unique=True, help_text="Par exemple 2012-2013."
    )
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin")
    financeur = models.ForeignKey(
        "territoires.StructurePartenaire",
        verbose_name="financeur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conventions_formation",
    )
    modules_prevus = models.ManyToManyField(
        Module, verbose_name="sessions prévues", through="ModulePrevu", related_name="+"
    )

    class Meta:
        verbose_name = "convention de formation"
        verbose_name_plural = "conventions de formation"
        ordering = ["date_debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__gte=F("date_debut")),
                name="convention_fin_apres_debut",
                violation_error_message="La fin de la convention doit suivre son début.",
            )
        ]

    def __str__(self) -> str:
        return f"Convention {self.libelle}"


class ModulePrevu(models.Model):
    """How many sessions of a module the convention plans."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="prevus"
    )
    module = models.ForeignKey(Module, verbose_name="module", on_delete=models.PROTECT)
    sessions_prevues = models.PositiveSmallIntegerField("sessions prévues")

    class Meta:
        verbose_name = "sessions prévues d'un module"
        verbose_name_plural = "sessions prévues par module"
        ordering = ["convention", "module__ordre"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "module"], name="module_prevu_unique")
        ]

    def __str__(self) -> str:
        return f"{self.module} : {self.sessions_prevues} session(s) prévue(s)"


class SessionQuerySet(models.QuerySet):
    def de_l_annee(self, annee: int) -> "SessionQuerySet":
        """Sessions counted in calendar year `annee`: those whose last day falls in it (a
        session is realised when it ends; see formations.stats)."""
        return self.filter(date_fin__year=annee)

    def avec_effectifs(self) -> "SessionQuerySet":
        """Annotate `inscrits` (confirmed enrolments) and `en_attente` (waiting list)."""
        return self.annotate(
            inscrits=Count(
                "inscriptions", filter=Q(inscriptions__statut=Inscription.Statut.INSCRIT)
            ),
            en_attente=Count(
                "inscriptions", filter=Q(inscriptions__statut=Inscription.Statut.LISTE_ATTENTE)
            ),
        )


class Session(models.Model):
    """One run of a module, within a convention."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.PROTECT, related_name="sessions"
    )
    module = models.ForeignKey(
        Module, verbose_name="module", on_delete=models.PROTECT, related_name="sessions"
    )
    date_debut = models.DateField("premier jour")
    date_fin = models.DateField("dernier jour")
    nombre_jours = models.DecimalField(
        "nombre de jours",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0)],
        help_text="Durée de formation en jours, par exemple 3 ou 3,5.",
    )
    lieu = models.CharField(
        "lieu", max_length=100, help_text="Tel qu'il s'affiche : Lille, Dunkerque, Tourcoing..."
    )
    commune = models.ForeignKey(
        "territoires.Commune",
        verbose_name="commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions_formation",
    )
    formateurs = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="formateurs",
        blank=True,
        related_name="sessions_animees",
        help_text="Les deux salarié(e)s qui animent la session (en binôme le plus souvent).",
    )
    capacite = models.PositiveSmallIntegerField(
        "places", default=12, validators=[MinValueValidator(1)]
    )

    # Read by rapports.rendu.empreinte: an edit (not only an addition or a deletion) must
    # change the fingerprint of the data a report or a dashboard was drawn from.
    modifie_le = models.DateTimeField("modifié le", auto_now=True, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = "session"
        ordering = ["date_debut", "module__ordre"]
        indexes = [
            # The statistics of a calendar year: sessions by their last day.
            models.Index(fields=["date_fin"], name="session_date_fin_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__gte=F("date_debut")),
                name="session_fin_apres_debut",
                violation_error_message="Le dernier jour doit suivre le premier.",
            ),
            models.CheckConstraint(condition=Q(nombre_jours__gt=0), name="session_jours_positifs"),
            models.CheckConstraint(condition=Q(capacite__gte=1), name="session_capacite_positive"),
        ]

    def __str__(self) -> str:
        debut, fin = f"{self.date_debut:%d/%m/%Y}", f"{self.date_fin:%d/%m/%Y}"
        return f"{self.module} — {self.lieu}, du {debut} au {fin}"

    def est_terminee(self, au: datetime.date | None = None) -> bool:
        return self.date_fin <= (au or timezone.localdate())


class JourSession(models.Model):
    """A dated day of a session; attendance is recorded per day."""

    session = models.ForeignKey(
        Session, verbose_name="session", on_delete=models.CASCADE, related_name="jours"
    )
    date = models.DateField("date")

    class Meta:
        verbose_name = "jour de session"
        verbose_name_plural = "jours de session"
        ordering = ["session", "date"]
        constraints = [
            models.UniqueConstraint(fields=["session", "date"], name="jour_session_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}"

    def clean(self) -> None:
        if (
            self.session_id
            and self.date
            and not (self.session.date_debut <= self.date <= self.session.date_fin)
        ):
            raise ValidationError(
                {"date": "Ce jour n'est pas compris entre le premier et le dernier jour."}
            )


class Stagiaire(models.Model):
    """A trainee: one person, whatever the number of sessions and associations. Found again
    with `formations.services.trouver_ou_creer_stagiaire` (no duplicate person)."""

    nom = models.CharField("nom", max_length=100)
    prenom = models.CharField("prénom", max_length=100)
    genre = models.CharField("genre", max_length=2, choices=Genre.choices, default=Genre.NR)
    date_naissance = models.DateField("date de naissance", null=True, blank=True)
    email = models.EmailField("courriel", blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)

    class Meta:
        verbose_name = "stagiaire"
        ordering = ["nom", "prenom", "pk"]
        indexes = [
            # trouver_ou_creer_stagiaire: candidates by birth date or e-mail.
            models.Index(fields=["date_naissance"], name="stagiaire_naissance_idx"),
            models.Index(fields=["email"], name="stagiaire_email_idx"),
            # The trainee list and its search, by name.
            models.Index(fields=["nom", "prenom"], name="stagiaire_nom_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.prenom} {self.nom.upper()}"

    def age_au(self, jour: datetime.date) -> int | None:
        """Age in whole years on that day; None when the birth date is unknown."""
        if self.date_naissance is None:
            return None
        n = self.date_naissance
        return jour.year - n.year - ((jour.month, jour.day) < (n.month, n.day))


class AssociationInscrivante(models.Model):
    """An association that enrols trainees; possibly a dossier of the casework."""

    nom = models.CharField("nom", max_length=200)
    rna = models.CharField("numéro RNA", max_length=10, blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    commune = models.ForeignKey(
        "territoires.Commune",
        verbose_name="commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    dossier = models.ForeignKey(
        "porteurs.Dossier",
        verbose_name="dossier d'accompagnement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="associations_inscrivantes",
        help_text="Le dossier de l'association quand Maillage l'accueille ou l'accompagne.",
    )

    class Meta:
        verbose_name = "association inscrivante"
        verbose_name_plural = "associations inscrivantes"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["rna"], condition=~Q(rna=""), name="association_inscrivante_rna_unique"
            ),
            models.UniqueConstraint(
                fields=["siret"],
                condition=~Q(siret=""),
                name="association_inscrivante_siret_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.nom


class InscriptionQuerySet(models.QuerySet):
    def confirmees(self) -> "InscriptionQuerySet":
        return self.filter(statut=Inscription.Statut.INSCRIT)

    def en_attente(self) -> "InscriptionQuerySet":
        """The waiting list, first in line first."""
        return self.filter(statut=Inscription.Statut.LISTE_ATTENTE).order_by("rang_attente")


class Inscription(models.Model):
    """A trainee enrolled in a session by an association, with the fiche de renseignement
    answered for this enrolment.

    Written by `formations.services` only (statut, rang_attente): the session's capacity is
    checked there under a lock on the session row.
    """

    class Statut(models.TextChoices):
        INSCRIT = "inscrit", "inscrit(e)"
        LISTE_ATTENTE = "liste_attente", "sur liste d'attente"
        ANNULE = "annule", "annulé(e)"

    session = models.ForeignKey(
        Session, verbose_name="session", on_delete=models.PROTECT, related_name="inscriptions"
    )
    stagiaire = models.ForeignKey(
        Stagiaire, verbose_name="stagiaire", on_delete=models.PROTECT, related_name="inscriptions"
    )
    association = models.ForeignKey(
        AssociationInscrivante,
        verbose_name="association inscrivante",
        on_delete=models.PROTECT,
        related_name="inscriptions",
    )
    statut = models.CharField(
        "statut", max_length=20, choices=Statut.choices, default=Statut.INSCRIT, editable=False
    )
    # An ordering key, not a position: given as last rank + 1, never renumbered; the
    # position in line is the number of waiting enrolments with a smaller rank, plus one.
    rang_attente = models.PositiveIntegerField(
        "rang sur la liste d'attente", null=True, blank=True, editable=False
    )
    inscrit_le = models.DateTimeField("inscrit le", default=timezone.now, editable=False)
    annule_le = models.DateTimeField("annulé le", null=True, blank=True, editable=False)

    # The fiche de renseignement, as answered for this enrolment.
    fiche_renseignee = models.BooleanField("fiche de renseignement remplie", default=False)
    fiche_genre = models.CharField("genre", max_length=2, choices=Genre.choices, default=Genre.NR)
    fiche_tranche_age = models.CharField(
        "tranche d'âge", max_length=10, choices=TrancheAge.choices, default=TrancheAge.NR
    )
    fiche_sphere_dirigeante = models.CharField(
        "dans la sphère dirigeante de l'association",
        max_length=3,
        choices=OuiNon.choices,
        default=OuiNon.NR,
        help_text="Membre du bureau ou du conseil d'administration de l'association.",
    )
    fiche_emploi = models.CharField(
        "situation d'emploi", max_length=15, choices=Emploi.choices, default=Emploi.NR
    )

    # Read by rapports.rendu.empreinte: an edit (not only an addition or a deletion) must
    # change the fingerprint of the data a report or a dashboard was drawn from.
    modifie_le = models.DateTimeField("modifié le", auto_now=True, editable=False)

    objects = InscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = "inscription"
        ordering = ["session", "statut", "rang_attente", "inscrit_le", "pk"]
        indexes = [
            # The statistics: enrolments of the sessions of a year, by status.
            models.Index(fields=["session", "statut"], name="inscription_session_statut_idx"),
        ]
        constraints = [
            # One enrolment per trainee and session (a cancelled one is reused if they come
            # back).
            models.UniqueConstraint(
                fields=["session", "stagiaire"], name="inscription_unique_par_session"
            ),
            # Two concurrent writers can never give the same rank (NULLs are distinct).
            models.UniqueConstraint(
                fields=["session", "rang_attente"], name="inscription_rang_attente_unique"
            ),
            models.CheckConstraint(
                condition=(
                    Q(statut="liste_attente", rang_attente__isnull=False)
                    | ~Q(statut="liste_attente") & Q(rang_attente__isnull=True)
                ),
                name="inscription_rang_si_attente",
                violation_error_message="Seule une inscription en attente a un rang.",
            ),
            models.CheckConstraint(
                condition=Q(statut__in=["inscrit", "liste_attente", "annule"]),
                name="inscription_statut_valide",
            ),
            models.CheckConstraint(
                condition=Q(fiche_renseignee=True)
                | Q(
                    fiche_genre=NR,
                    fiche_tranche_age=NR,
                    fiche_sphere_dirigeante=NR,
                    fiche_emploi=NR,
                ),
                name="inscription_fiche_vide_si_non_renseignee",
                violation_error_message=(
                    "Sans fiche de renseignement, toutes les réponses sont « non renseigné »."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stagiaire} — {self.session.module} ({self.get_statut_display()})"

    @property
    def est_confirmee(self) -> bool:
        return self.statut == self.Statut.INSCRIT

    def renseigner_fiche(
        self,
        *,
        genre: str = NR,
        tranche_age: str = NR,
        sphere_dirigeante: str = NR,
        emploi: str = NR,
    ) -> None:
        """Record the trainee's fiche for this enrolment (any answer may be NR)."""
        self.fiche_renseignee = True
        self.fiche_genre = genre
        self.fiche_tranche_age = tranche_age
        self.fiche_sphere_dirigeante = sphere_dirigeante
        self.fiche_emploi = emploi
        self.save(
            update_fields=[
                "fiche_renseignee",
                "fiche_genre",
                "fiche_tranche_age",
                "fiche_sphere_dirigeante",
                "fiche_emploi",
            ]
        )


class Presence(models.Model):
    """Whether an enrolled trainee attended one day of the session."""

    inscription = models.ForeignKey(
        Inscription, verbose_name="inscription", on_delete=models.CASCADE, related_name="presences"
    )
    jour = models.ForeignKey(
        JourSession, verbose_name="jour", on_delete=models.CASCADE, related_name="presences"
    )
    present = models.BooleanField("présent(e)", default=False)

    class Meta:
        verbose_name = "présence"
        ordering = ["jour__date", "inscription"]
        constraints = [
            models.UniqueConstraint(fields=["inscription", "jour"], name="presence_unique")
        ]

    def __str__(self) -> str:
        etat = "présent(e)" if self.present else "absent(e)"
        return f"{self.inscription.stagiaire} le {self.jour.date:%d/%m/%Y} : {etat}"

    def clean(self) -> None:
        if (
            self.inscription_id
            and self.jour_id
            and self.inscription.session_id != self.jour.session_id
        ):
            raise ValidationError({"jour": "Ce jour appartient à une autre session."})


class EvenementQuerySet(models.QuerySet):
    def de_l_annee(self, annee: int) -> "EvenementQuerySet":
        """Events that start in calendar year `annee` (a salon is listed in its first
        day's year)."""
        return self.filter(date__year=annee)


class Evenement(models.Model):
    """A collective event: thematic or awareness meeting (3.1), salon (2.4), job forum
    (2.5), territorial meeting (1.1) or other meeting (4.1)."""

    class Type(models.TextChoices):
        REUNION_THEMATIQUE = "reunion_thematique", "réunion thématique"
        SENSIBILISATION = "sensibilisation", "sensibilisation collective"
        SALON = "salon", "salon"
        FORUM_EMPLOI = "forum_emploi", "forum emploi"
        REUNION_TERRITORIALE = "reunion_territoriale", "réunion territoriale"
        AUTRE_REUNION = "autre_reunion", "autre temps de travail ou d'information"

    type = models.CharField("type", max_length=30, choices=Type.choices)
    date = models.DateField("date")
    date_fin = models.DateField(
        "dernier jour", null=True, blank=True, help_text="Pour un événement de plusieurs jours."
    )
    titre = models.CharField("titre", max_length=255)
    lieu = models.CharField("lieu", max_length=255, blank=True)
    commune = models.ForeignKey(
        "territoires.Commune",
        verbose_name="commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evenements",
    )
    intervenants = models.TextField("intervenants", blank=True)
    participants = models.PositiveIntegerField(
        "nombre de présents", null=True, blank=True, help_text="Vide si inconnu."
    )
    public = models.CharField("public", max_length=255, blank=True)
    resume = models.TextField("résumé", blank=True)
    salaries = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="salarié(e)s présent(e)s",
        blank=True,
        related_name="evenements",
    )

    # Read by rapports.rendu.empreinte: an edit (not only an addition or a deletion) must
    # change the fingerprint of the data a report or a dashboard was drawn from.
    modifie_le = models.DateTimeField("modifié le", auto_now=True, editable=False)

    objects = EvenementQuerySet.as_manager()

    class Meta:
        verbose_name = "événement collectif"
        verbose_name_plural = "événements collectifs"
        ordering = ["date", "pk"]
        indexes = [
            # The events of a year, by type (report sections 2.4, 2.5, 3.1, 4.1).
            models.Index(fields=["date", "type"], name="evenement_date_type_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=F("date")),
                name="evenement_fin_apres_debut",
                violation_error_message="Le dernier jour doit suivre le premier.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.titre}"
