"""Appointment and phase-change forms. They validate input; the writes and the workflow
rules are in accompagnement.services and accompagnement.phases."""

import datetime

from django import forms
from django.utils import timezone

from accompagnement.models import ChangementPhase, RendezVous
from maillage.comptes import salaries_actifs
from maillage.formulaires import ChampSuggestions, FormulaireBootstrap
from porteurs.models import Dossier, Phase, Porteur
from territoires.models import PointAccueil, StructurePartenaire

SEPARATEUR = " — "


def libelle_dossier(dossier: Dossier) -> str:
    return _libelle(dossier.reference, dossier.porteur.prenom, dossier.porteur.nom)


def _libelle(reference: str, prenom: str, nom: str) -> str:
    """libelle_dossier from the columns alone."""
    return f"{reference}{SEPARATEUR}{Porteur.nom_affiche(prenom, nom)}"


def trouver_dossier(texte: str) -> Dossier | None:
    reference = texte.split(SEPARATEUR, 1)[0].strip()
    return Dossier.objects.select_related("porteur").filter(reference=reference).first()


def heure_par_defaut() -> datetime.time:
    """Now, rounded down to the quarter hour."""
    maintenant = timezone.localtime()
    return maintenant.time().replace(
        minute=maintenant.minute - maintenant.minute % 15, second=0, microsecond=0
    )


class ChampDossier(ChampSuggestions):
    def __init__(self, suggestions, **kwargs):
        super().__init__(
            resoudre=trouver_dossier,
            suggestions=suggestions,
            liste_id="liste-dossiers",
            message_inconnu=(
                "Dossier introuvable : choisissez-le dans la liste ou tapez sa référence "
                "(par exemple 2013-0042)."
            ),
            label="Dossier",
            help_text="Référence ou nom du porteur : tapez puis choisissez dans la liste.",
            **kwargs,
        )

    @staticmethod
    def libelle(objet) -> str:
        return libelle_dossier(objet)


class RendezVousForm(FormulaireBootstrap, forms.ModelForm):
    """An appointment. `utilisateur` gives the defaults: me, today, now, my last place."""

    class Meta:
        model = RendezVous
        fields = [
            "date",
            "heure",
            "duree_minutes",
            "charge",
            "lieu",
            "point_accueil",
            "lieu_precision",
            "objet",
            "collectif",
            "statut",
            "notes",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "heure": forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
            "duree_minutes": forms.NumberInput(attrs={"min": 5, "max": 600, "step": 5}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "notes": (
                "Visibles seulement par l'équipe salariée ; jamais dans les exports ni le rapport."
            ),
            "statut": "« Prévu » pour un rendez-vous à venir.",
        }

    def __init__(self, *args, utilisateur=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["charge"].queryset = salaries_actifs()
        self.fields["point_accueil"].queryset = PointAccueil.objects.actifs().select_related(
            "commune"
        )
        self.fields["point_accueil"].required = False
        if utilisateur is not None and not self.is_bound and self.instance.pk is None:
            self.initial.setdefault("charge", utilisateur.pk)
            self.initial.setdefault("date", timezone.localdate())
            self.initial.setdefault("heure", heure_par_defaut())
            dernier = (
                RendezVous.objects.filter(charge=utilisateur)
                .order_by("-date", "-heure", "-pk")
                .values("lieu", "point_accueil")
                .first()
            )
            if dernier:
                self.initial.setdefault("lieu", dernier["lieu"])
                self.initial.setdefault("point_accueil", dernier["point_accueil"])

    def clean(self):
        donnees = super().clean()
        lieu = donnees.get("lieu")
        if lieu != RendezVous.Lieu.POINT_ACCUEIL:
            # A place chosen earlier and left in the form must not contradict the place type.
            donnees["point_accueil"] = None
        elif not donnees.get("point_accueil"):
            self.add_error("point_accueil", "Indiquez le point d'accueil.")
        return donnees


class RendezVousRapideForm(RendezVousForm):
    """The quick form reachable from every page: the dossier is one of its fields."""

    class Meta(RendezVousForm.Meta):
        fields = ["dossier", *RendezVousForm.Meta.fields]

    def __init__(self, *args, utilisateur=None, **kwargs):
        super().__init__(*args, utilisateur=utilisateur, **kwargs)
        self.fields["dossier"] = ChampDossier(suggestions=lambda: suggestions_dossiers(utilisateur))
        self.order_fields(self.Meta.fields)
        if "dossier" in self.initial and isinstance(self.initial["dossier"], Dossier):
            self.initial["dossier"] = libelle_dossier(self.initial["dossier"])

    def clean_dossier(self):
        dossier = self.cleaned_data["dossier"]
        if dossier is not None and dossier.phase == Phase.SORTIE:
            raise forms.ValidationError(
                "Ce dossier est sorti de l'accompagnement : ouvrez-lui un nouveau dossier."
            )
        return dossier


def suggestions_dossiers(utilisateur, limite: int = 300) -> list[str]:
    """The dossiers a staff member is most likely to pick: those still followed, theirs
    first, then the most recently changed. Bounded, so the page stays light at any scale."""
    # The four columns of the label, not the models: building 300 dossiers and their
    # porteurs cost more than the rest of the page (the form is opened at every appointment).
    qs = (
        Dossier.objects.exclude(phase=Phase.SORTIE)
        .order_by("-modifie_le")
        .values_list("pk", "reference", "porteur__prenom", "porteur__nom")
    )
    miens = list(qs.filter(referent=utilisateur)[:limite]) if utilisateur else []
    autres = list(qs.exclude(pk__in=[pk for pk, *_ in miens])[: max(0, limite - len(miens))])
    return [_libelle(*colonnes) for _, *colonnes in miens + autres]


class ChangementPhaseForm(FormulaireBootstrap, forms.Form):
    """The next step of a dossier's path. The choices are the phases allowed next."""

    phase = forms.ChoiceField(label="Nouvelle phase")
    date = forms.DateField(
        label="Date du changement",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_convention = forms.DateField(
        label="Date de signature de la convention d'accompagnement",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Obligatoire pour l'entrée en création.",
    )
    type_sortie = forms.ChoiceField(
        label="Type de sortie",
        required=False,
        choices=[("", "—"), *ChangementPhase.TypeSortie.choices],
        help_text="Obligatoire pour une sortie.",
    )
    issue = forms.ChoiceField(
        label="Issue", required=False, choices=[("", "—"), *ChangementPhase.Issue.choices]
    )
    orientation_vers = forms.ModelChoiceField(
        label="Orienté(e) vers",
        required=False,
        queryset=StructurePartenaire.objects.filter(actif=True),
        help_text="Pour une orientation vers un autre réseau.",
        empty_label="—",
    )
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, phases: list[str], type_sortie_suggere: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [(p, Phase(p).label) for p in phases]
        self.initial.setdefault("date", timezone.localdate())
        if type_sortie_suggere:
            self.initial.setdefault("type_sortie", type_sortie_suggere)
            self.fields["type_sortie"].help_text = (
                "Obligatoire pour une sortie. Proposé d'après le temps passé et le nombre de "
                f"rendez-vous : « {ChangementPhase.TypeSortie(type_sortie_suggere).label} »."
            )

    def clean(self):
        donnees = super().clean()
        phase = donnees.get("phase")
        if phase == Phase.CREATION and not donnees.get("date_convention"):
            self.add_error("date_convention", "Indiquez la date de signature de la convention.")
        if phase == Phase.SORTIE:
            if not donnees.get("type_sortie"):
                self.add_error("type_sortie", "Indiquez si la sortie est valorisable.")
            if not donnees.get("issue"):
                self.add_error("issue", "Indiquez l'issue de l'accompagnement.")
        else:
            # Fields of another phase are dropped rather than refused: the form shows them all.
            for champ in ("type_sortie", "issue", "orientation_vers"):
                donnees[champ] = None
        if phase != Phase.CREATION:
            donnees["date_convention"] = None
        return donnees
