"""The reception questionnaire (person or association) and the dossier's project fields.

The edit forms carry the version of the row they were built from (`version`: the id of its
latest history row): `enregistrer_modifications` compares it under a row lock and refuses
to overwrite a save made in between by someone else (optimistic locking).
"""

from django import forms
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from maillage.comptes import salaries_actifs
from maillage.formulaires import ChampSuggestions, FormulaireBootstrap
from porteurs.models import Dossier, Porteur
from territoires.models import Commune, Quartier, StructurePartenaire
from territoires.recherche import libelle_commune, suggestions_communes, trouver_commune

# At reception no contract is signed yet (the convention comes with the création phase),
# consent would be neither free (the person asks for help) nor compatible with keeping the
# statistics owed to the funders, and a public-interest mission needs a legal mandate the
# association does not hold in general: its legitimate interest in following the people it
# supports is the basis that fits, the staff can choose another one.
BASE_LEGALE_PAR_DEFAUT = Porteur.BaseLegale.INTERET_LEGITIME


class ChampCommune(ChampSuggestions):
    def __init__(self, **kwargs):
        super().__init__(
            resoudre=trouver_commune,
            charger=lambda pk: Commune.objects.filter(pk=pk).first(),
            suggestions=suggestions_communes,
            liste_id="liste-communes",
            message_inconnu=(
                "Commune introuvable : choisissez-la dans la liste proposée "
                "(nom suivi du code INSEE) ou tapez son code INSEE."
            ),
            label="Commune",
            required=False,
            help_text="Tapez les premières lettres puis choisissez dans la liste.",
            **kwargs,
        )

    @staticmethod
    def libelle(objet) -> str:
        return libelle_commune(objet)


def version_de(objet) -> str:
    """The version a form carries: the id of the row's latest history record.

    Every save writes one (django-simple-history), with an id that only grows: unlike
    `modifie_le`, two saves in the same microsecond or a clock set back cannot give the
    same version twice.
    """
    dernier = type(objet).historique.filter(id=objet.pk).aggregate(m=Max("history_id"))["m"]
    return str(dernier or "")


class VersionMixin:
    """A hidden `version` field holding the instance's version when the form was shown."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.CharField(widget=forms.HiddenInput, required=False)
        if self.instance.pk is not None:
            self.initial["version"] = version_de(self.instance)


class PorteurForm(VersionMixin, FormulaireBootstrap, forms.ModelForm):
    commune = ChampCommune()
    informee = forms.BooleanField(
        label="La personne a été informée de l'usage de ses données",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text=(
            "Cochez après lui avoir remis ou lu la notice d'information : la date et votre "
            "nom sont enregistrés."
        ),
    )

    class Meta:
        model = Porteur
        fields = [
            "type_porteur",
            "nom",
            "prenom",
            "genre",
            "date_naissance",
            "telephone",
            "email",
            "adresse",
            "commune",
            "quartier",
            "niveau_qualification",
            "situation_professionnelle",
            "revenu",
            "rna",
            "siret",
            "date_creation_structure",
            "base_legale",
        ]
        widgets = {
            "date_naissance": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "date_creation_structure": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "telephone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quartier"].queryset = Quartier.objects.select_related("commune")
        self.fields["quartier"].empty_label = "non renseigné"
        self.fields["quartier"].help_text = "Seulement pour les communes découpées en quartiers."
        self.fields["base_legale"].help_text = (
            "Pourquoi l'association a le droit d'enregistrer ces données. Par défaut : "
            "son intérêt légitime à suivre les personnes qu'elle accompagne."
        )
        if self.instance.pk is None:
            self.initial.setdefault("base_legale", BASE_LEGALE_PAR_DEFAUT)
        elif self.instance.information_rgpd_le:
            # Already recorded: the dossier page shows when and by whom.
            del self.fields["informee"]

    def clean_base_legale(self) -> str:
        # A reception sent without the field (a script, an old page) gets the default.
        valeur = self.cleaned_data.get("base_legale")
        if not valeur and self.instance.pk is None:
            return BASE_LEGALE_PAR_DEFAUT
        return valeur

    def noter_information(self, utilisateur) -> None:
        """When the box is ticked, record on the (unsaved) instance that `utilisateur`
        informed the person today; a date already recorded is kept."""
        if self.cleaned_data.get("informee") and self.instance.information_rgpd_le is None:
            self.instance.information_rgpd_le = timezone.localdate()
            self.instance.information_rgpd_par = utilisateur

    def clean(self):
        donnees = super().clean()
        quartier, commune = donnees.get("quartier"), donnees.get("commune")
        if quartier and commune and quartier.commune_id != commune.pk:
            self.add_error("quartier", f"Ce quartier n'est pas à {commune.nom}.")
        if quartier and not commune:
            donnees["commune"] = quartier.commune
        return donnees


class DossierForm(VersionMixin, FormulaireBootstrap, forms.ModelForm):
    class Meta:
        model = Dossier
        fields = [
            "intitule",
            "dispositif",
            "secteur",
            "projet_collectif",
            "projet_economique",
            "forme_juridique_envisagee",
            "stade_premier_accueil",
            "prescripteur",
            "referent",
            "emplois_crees",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = salaries_actifs()
        self.fields["prescripteur"].queryset = StructurePartenaire.objects.filter(actif=True)
        self.fields["prescripteur"].empty_label = "non renseigné"
        self.fields[
            "prescripteur"
        ].help_text = (
            "La structure (ou le bouche-à-oreille) par laquelle la personne nous a connus."
        )


class DossierAccueilForm(DossierForm):
    """At reception, jobs created are not known yet."""

    class Meta(DossierForm.Meta):
        fields = [f for f in DossierForm.Meta.fields if f != "emplois_crees"]


class ConfirmationDoublonForm(forms.Form):
    autre_personne = forms.BooleanField(
        label="J'ai vérifié : il s'agit bien d'une autre personne",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class ModificationConcurrente(Exception):
    """Someone else saved the dossier or its porteur after the form was shown."""

    def __init__(self, qui: str, quand) -> None:
        self.qui, self.quand = qui, quand
        moment = f" le {timezone.localtime(quand):%d/%m/%Y à %H:%M}" if quand else ""
        super().__init__(
            f"{qui} a enregistré une modification de ce dossier{moment}, pendant que vous le "
            "modifiiez. Vos changements n'ont pas été enregistrés, pour ne pas effacer les "
            "siens : rechargez la page pour voir la version actuelle, puis refaites vos "
            "changements (ceux que vous aviez saisis sont encore affichés ci-dessous)."
        )


def _dernier_auteur(modele, pk: int) -> tuple[str, object]:
    version = (
        modele.historique.filter(id=pk)
        .select_related("history_user")
        .order_by("-history_id")
        .first()
    )
    if version is None:
        return "Quelqu'un", None
    qui = str(version.history_user) if version.history_user else "Un traitement automatique"
    return qui, version.history_date


def enregistrer_modifications(
    porteur_form: PorteurForm, dossier_form: DossierForm, utilisateur
) -> None:
    """Save both valid edit forms, unless the porteur or the dossier was saved since the
    forms were shown.

    Invariants: one transaction; both rows are locked (porteur, then dossier) before their
    versions are compared, so two simultaneous saves cannot both pass; on a mismatch
    ModificationConcurrente is raised and nothing is written; only the forms' fields (and
    `modifie_le`) are written, so a phase change or a reception snapshot is never
    overwritten with the values read when the page was shown.
    """
    with transaction.atomic():
        formulaires = ((porteur_form, Porteur), (dossier_form, Dossier))
        for form, modele in formulaires:
            actuel = modele.objects.select_for_update().only("pk").get(pk=form.instance.pk)
            if form.cleaned_data.get("version") != version_de(actuel):
                raise ModificationConcurrente(*_dernier_auteur(modele, form.instance.pk))
        porteur_form.noter_information(utilisateur)
        for form, _modele in formulaires:
            champs = [nom for nom in form._meta.fields if nom in form.cleaned_data]
            if form is porteur_form:
                champs += ["information_rgpd_le", "information_rgpd_par"]
            instance = form.save(commit=False)
            instance._history_user = utilisateur
            instance.save(update_fields=[*champs, "modifie_le"])
