"""The reception questionnaire (person or association) and the dossier's project fields."""

from django import forms

from maillage.comptes import salaries_actifs
from maillage.formulaires import ChampSuggestions, FormulaireBootstrap
from porteurs.models import Dossier, Porteur
from territoires.models import Commune, Quartier, StructurePartenaire
from territoires.recherche import libelle_commune, suggestions_communes, trouver_commune


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


class PorteurForm(FormulaireBootstrap, forms.ModelForm):
    commune = ChampCommune()

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

    def clean(self):
        donnees = super().clean()
        quartier, commune = donnees.get("quartier"), donnees.get("commune")
        if quartier and commune and quartier.commune_id != commune.pk:
            self.add_error("quartier", f"Ce quartier n'est pas à {commune.nom}.")
        if quartier and not commune:
            donnees["commune"] = quartier.commune
        return donnees


class DossierForm(FormulaireBootstrap, forms.ModelForm):
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
