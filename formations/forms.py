"""Forms of the training screens. They validate input only: enrolments, cancellations and
attendance are written by formations.services, and the views call it."""

import datetime
import re

from django import forms
from django.db import transaction
from django.db.models import Q

from accompagnement.forms import ChampDossier, suggestions_dossiers
from formations.models import (
    AssociationInscrivante,
    Convention,
    Emploi,
    Evenement,
    Genre,
    Module,
    ModulePrevu,
    OuiNon,
    Session,
    Stagiaire,
    TrancheAge,
)
from formations.services import Fiche, normaliser_nom
from maillage.comptes import salaries_actifs
from maillage.formulaires import FormulaireBootstrap
from porteurs.models import NR
from territoires.models import StructurePartenaire

FORMATEURS_MAX = 2
CHAMP_DATE = {"type": "date"}


def _date(**attrs) -> forms.DateInput:
    return forms.DateInput(attrs={**CHAMP_DATE, **attrs}, format="%Y-%m-%d")


class ChoixMultiples(forms.ModelMultipleChoiceField):
    """Django's multiple choice of records, with a number too large for the database
    refused as an unknown choice (Django passes it to an `IN` query, where SQLite raises
    OverflowError: a 500; found by tests/test_fuzz_formulaires.py)."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            entier = isinstance(pk, str) and re.fullmatch(r"\s*[+-]?\d+\s*", pk)
            if entier and abs(int(pk)) >= 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


def _salaries_et(deja: list) -> "forms.models.QuerySet":
    """Active staff, plus those already chosen (a trainer who has left stays on the sessions
    they ran)."""
    from django.contrib.auth import get_user_model

    actifs = salaries_actifs().values("pk")
    return (
        get_user_model()
        .objects.filter(Q(pk__in=actifs) | Q(pk__in=[u.pk for u in deja]))
        .order_by("last_name", "first_name", "username")
    )


# --- The enrolling association, picked or typed -------------------------------------------


def trouver_association(texte: str) -> AssociationInscrivante | None:
    """The enrolling association of that name (accents, case and punctuation aside), or
    None. The oldest one wins when two share a name."""
    cle = normaliser_nom(texte)
    if not cle:
        return None
    # The list is small (tens a year) and names differ only by accents or case: compare
    # them normalised in Python rather than with a database-specific collation.
    for pk, nom in AssociationInscrivante.objects.order_by("pk").values_list("pk", "nom"):
        if normaliser_nom(nom) == cle:
            return AssociationInscrivante.objects.get(pk=pk)
    return None


def suggestions_associations() -> list[str]:
    return list(AssociationInscrivante.objects.order_by("nom").values_list("nom", flat=True))


class ChampAssociation(forms.CharField):
    """The association that enrols: an existing one chosen in the list, or a new name. Cleans
    to an AssociationInscrivante, unsaved when the name is new (the view saves it with the
    enrolment, so that a refused form writes nothing)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Association qui inscrit")
        kwargs.setdefault(
            "help_text",
            "Choisissez-la dans la liste ; un nom qui n'y est pas crée une nouvelle association.",
        )
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"list": "liste-associations", "autocomplete": "off"}),
        )
        kwargs.setdefault("error_messages", {"required": "Indiquez l'association qui inscrit."})
        super().__init__(**kwargs)

    def clean(self, value):
        texte = super().clean(value)
        if not texte:
            return None
        return trouver_association(texte) or AssociationInscrivante(nom=texte.strip())


# --- The fiche de renseignement -----------------------------------------------------------


class FicheMixin(forms.Form):
    """The four questions of the fiche; answered when the box is ticked or any answer is
    given (every answer may stay "non renseigné")."""

    fiche_renseignee = forms.BooleanField(label="Fiche de renseignement remplie", required=False)
    fiche_genre = forms.ChoiceField(label="Genre", choices=Genre.choices, initial=NR)
    fiche_tranche_age = forms.ChoiceField(
        label="Tranche d'âge", choices=TrancheAge.choices, initial=NR
    )
    fiche_sphere_dirigeante = forms.ChoiceField(
        label="Dans la sphère dirigeante de l'association",
        choices=OuiNon.choices,
        initial=NR,
        help_text="Membre du bureau ou du conseil d'administration.",
    )
    fiche_emploi = forms.ChoiceField(label="Situation d'emploi", choices=Emploi.choices, initial=NR)

    QUESTIONS = ("fiche_genre", "fiche_tranche_age", "fiche_sphere_dirigeante", "fiche_emploi")

    def fiche(self) -> Fiche | None:
        d = self.cleaned_data
        reponses = [d.get(q, NR) for q in self.QUESTIONS]
        if not d.get("fiche_renseignee") and all(r == NR for r in reponses):
            return None
        return Fiche(*reponses)


class FicheForm(FormulaireBootstrap, FicheMixin):
    """The fiche of an existing enrolment, filled in later (often on the first day)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiche_renseignee"].initial = True


# --- Enrolment ----------------------------------------------------------------------------


class InscriptionExistantForm(FormulaireBootstrap, forms.Form):
    """One click on a search result: an existing trainee, the association prefilled with the
    one that enrolled them last time."""

    stagiaire = forms.ModelChoiceField(
        queryset=Stagiaire.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Cette personne n'existe plus : cherchez-la à nouveau."},
    )
    association = ChampAssociation()


class NouveauStagiaireForm(FormulaireBootstrap, FicheMixin):
    """A trainee not found by the search: found again by trouver_ou_creer_stagiaire when the
    birth date or the e-mail matches someone, created otherwise."""

    nom = forms.CharField(label="Nom", max_length=100)
    prenom = forms.CharField(label="Prénom", max_length=100)
    date_naissance = forms.DateField(label="Date de naissance", required=False, widget=_date())
    email = forms.EmailField(label="Courriel", required=False)
    telephone = forms.CharField(label="Téléphone", max_length=30, required=False)
    genre = forms.ChoiceField(label="Genre", choices=Genre.choices, initial=NR)
    association = ChampAssociation()
    autre_personne = forms.BooleanField(
        label="C'est bien une autre personne que celle(s) de même nom",
        required=False,
    )

    field_order = [
        "nom",
        "prenom",
        "date_naissance",
        "email",
        "telephone",
        "genre",
        "association",
        "fiche_renseignee",
        *FicheMixin.QUESTIONS,
        "autre_personne",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.homonymes: list[Stagiaire] = []

    def clean(self):
        donnees = super().clean()
        nom, prenom = donnees.get("nom"), donnees.get("prenom")
        if (
            nom
            and prenom
            and not donnees.get("date_naissance")
            and not donnees.get("email")
            and not donnees.get("autre_personne")
        ):
            # Without a birth date or an e-mail, trouver_ou_creer_stagiaire cannot recognise
            # anyone: a homonym would become a second person. Ask first.
            self.homonymes = homonymes(nom, prenom)
            if self.homonymes:
                self.add_error(
                    "nom",
                    "Une personne de ce nom existe déjà : inscrivez-la depuis la recherche, "
                    "indiquez sa date de naissance ou son courriel, ou cochez la case "
                    "« c'est bien une autre personne ».",
                )
        return donnees


def homonymes(nom: str, prenom: str) -> list[Stagiaire]:
    """Trainees with the same first and last names (accents and case aside). One query."""
    cle = (normaliser_nom(nom), normaliser_nom(prenom))
    # The name as typed, or its first word without accents ("Lemaître-Dupont" is stored
    # as typed; "lemaitre dupont" finds it through its first word only when unaccented).
    premier_mot = cle[0].split(" ")[0]
    criteres = Q(nom__iexact=nom.strip())
    if premier_mot:
        criteres |= Q(nom__icontains=premier_mot)
    candidats = Stagiaire.objects.filter(criteres)
    return [s for s in candidats if (normaliser_nom(s.nom), normaliser_nom(s.prenom)) == cle]


# --- Conventions and sessions -------------------------------------------------------------


class ConventionForm(FormulaireBootstrap, forms.ModelForm):
    """A convention and its planned sessions, one number per module."""

    class Meta:
        model = Convention
        fields = ["libelle", "date_debut", "date_fin", "financeur"]
        widgets = {"date_debut": _date(), "date_fin": _date()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        financeurs = Q(categorie=StructurePartenaire.Categorie.FINANCEUR, actif=True)
        if self.instance.financeur_id:
            financeurs |= Q(pk=self.instance.financeur_id)
        self.fields["financeur"].queryset = StructurePartenaire.objects.filter(financeurs)
        self.fields["financeur"].empty_label = "—"
        self.modules = list(Module.objects.order_by("ordre"))
        prevues = (
            dict(self.instance.prevus.values_list("module_id", "sessions_prevues"))
            if self.instance.pk
            else {}
        )
        for module in self.modules:
            self.fields[self.nom_champ(module)] = forms.IntegerField(
                label=f"Sessions prévues : {module.nom}",
                min_value=0,
                max_value=99,
                initial=prevues.get(module.pk, 0),
                error_messages={
                    "required": "Indiquez un nombre (0 si aucune).",
                    "min_value": "Le nombre ne peut pas être négatif.",
                },
            )
            self.fields[self.nom_champ(module)].widget.attrs["class"] = "form-control"

    @staticmethod
    def nom_champ(module: Module) -> str:
        return f"prevues_{module.code}"

    @property
    def champs_prevus(self) -> list[forms.BoundField]:
        return [self[self.nom_champ(m)] for m in self.modules]

    @transaction.atomic
    def save(self, commit: bool = True) -> Convention:
        convention = super().save()
        for module in self.modules:
            nombre = self.cleaned_data[self.nom_champ(module)]
            if nombre:
                ModulePrevu.objects.update_or_create(
                    convention=convention, module=module, defaults={"sessions_prevues": nombre}
                )
            else:
                ModulePrevu.objects.filter(convention=convention, module=module).delete()
        return convention


DATES_SEPAREES = re.compile(r"[\s,;]+")


class ChampDates(forms.CharField):
    """Dates typed JJ/MM/AAAA, separated by spaces, commas or line breaks."""

    widget = forms.Textarea(attrs={"rows": 2})

    def clean(self, value) -> list[datetime.date]:
        texte = super().clean(value) or ""
        dates = []
        for morceau in DATES_SEPAREES.split(texte.strip()):
            if not morceau:
                continue
            try:
                dates.append(datetime.datetime.strptime(morceau, "%d/%m/%Y").date())  # noqa: DTZ007
            except ValueError:
                raise forms.ValidationError(
                    f"« {morceau} » n'est pas une date au format JJ/MM/AAAA.", code="date"
                ) from None
        return sorted(set(dates))

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return " ".join(f"{d:%d/%m/%Y}" for d in value)
        return value


class SessionForm(FormulaireBootstrap, forms.ModelForm):
    """A session and its dated days (attendance is taken per dated day)."""

    jours = ChampDates(
        label="Jours de formation",
        required=False,
        help_text=(
            "Les dates des journées, au format JJ/MM/AAAA, séparées par des espaces : "
            "les présences sont relevées pour chacune."
        ),
    )

    class Meta:
        model = Session
        fields = [
            "convention",
            "module",
            "date_debut",
            "date_fin",
            "nombre_jours",
            "lieu",
            "formateurs",
            "capacite",
        ]
        widgets = {
            "date_debut": _date(),
            "date_fin": _date(),
            "formateurs": forms.CheckboxSelectMultiple,
            "nombre_jours": forms.NumberInput(attrs={"step": "0.5", "min": "0.5"}),
        }
        field_classes = {"formateurs": ChoixMultiples}
        help_texts = {"capacite": "Au-delà, les inscriptions vont sur la liste d'attente."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        deja = list(self.instance.formateurs.all()) if self.instance.pk else []
        self.fields["formateurs"].queryset = _salaries_et(deja)
        self.fields["formateurs"].widget.attrs["class"] = "form-check-input"
        if self.instance.pk:
            self.initial.setdefault(
                "jours", list(self.instance.jours.values_list("date", flat=True))
            )

    def clean_formateurs(self):
        formateurs = self.cleaned_data["formateurs"]
        if len(formateurs) > FORMATEURS_MAX:
            raise forms.ValidationError("Une session est animée par deux formateurs au plus.")
        return formateurs

    def clean_capacite(self):
        capacite = self.cleaned_data["capacite"]
        if self.instance.pk and capacite is not None:
            inscrits = self.instance.inscriptions.confirmees().count()
            if capacite < inscrits:
                raise forms.ValidationError(
                    f"{inscrits} personnes sont déjà inscrites : annulez des inscriptions "
                    "avant de réduire le nombre de places."
                )
        return capacite

    def clean(self):
        donnees = super().clean()
        debut, fin = donnees.get("date_debut"), donnees.get("date_fin")
        if debut and fin and fin < debut:
            self.add_error("date_fin", "Le dernier jour doit suivre le premier.")
        jours = donnees.get("jours") or []
        if debut and fin and jours:
            hors = [j for j in jours if not debut <= j <= fin]
            if hors:
                self.add_error(
                    "jours",
                    f"Le {hors[0]:%d/%m/%Y} n'est pas compris entre le premier et le dernier jour.",
                )
        if self.instance.pk and "jours" not in self.errors:
            # A day whose attendance was taken cannot disappear with its signatures.
            retires = (
                self.instance.jours.exclude(date__in=jours)
                .filter(presences__present=True)
                .distinct()
            )
            if retires:
                self.add_error(
                    "jours",
                    "Des présences sont relevées le "
                    + ", ".join(f"{j.date:%d/%m/%Y}" for j in retires)
                    + " : ce jour ne peut pas être retiré.",
                )
        return donnees


class StagiaireForm(FormulaireBootstrap, forms.ModelForm):
    class Meta:
        model = Stagiaire
        fields = ["nom", "prenom", "genre", "date_naissance", "email", "telephone"]
        widgets = {"date_naissance": _date()}


class AssociationForm(FormulaireBootstrap, forms.ModelForm):
    """An enrolling association and its casework dossier, when Maillage follows it."""

    class Meta:
        model = AssociationInscrivante
        fields = ["nom", "rna", "siret", "dossier"]

    def __init__(self, *args, utilisateur=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossier"] = ChampDossier(
            suggestions=lambda: suggestions_dossiers(utilisateur),
            required=False,
            charger=lambda pk: self.instance.dossier,
        )
        self.fields["dossier"].label = "Dossier d'accompagnement"
        self.fields["dossier"].help_text = (
            "Quand Maillage accueille ou accompagne l'association : référence du dossier ou "
            "nom du porteur, choisi dans la liste. Vide sinon."
        )
        self.fields["dossier"].widget.attrs["class"] = "form-control"


class EvenementForm(FormulaireBootstrap, forms.ModelForm):
    class Meta:
        model = Evenement
        fields = [
            "type",
            "date",
            "date_fin",
            "titre",
            "lieu",
            "intervenants",
            "participants",
            "public",
            "resume",
            "salaries",
        ]
        widgets = {
            "date": _date(),
            "date_fin": _date(),
            "intervenants": forms.Textarea(attrs={"rows": 2}),
            "resume": forms.Textarea(attrs={"rows": 4}),
            "salaries": forms.CheckboxSelectMultiple,
        }
        field_classes = {"salaries": ChoixMultiples}
        help_texts = {
            "intervenants": "Nom et structure de chaque intervenant(e).",
            "public": "Par exemple : porteurs de projets, élus, bénévoles associatifs.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        deja = list(self.instance.salaries.all()) if self.instance.pk else []
        self.fields["salaries"].queryset = _salaries_et(deja)
        self.fields["salaries"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        donnees = super().clean()
        debut, fin = donnees.get("date"), donnees.get("date_fin")
        if debut and fin and fin < debut:
            self.add_error("date_fin", "Le dernier jour doit suivre le premier.")
        return donnees
