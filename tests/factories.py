"""factory_boy factories shared by the whole suite.

Dates default to 2013 (the seed report's year), so that nothing is in the future. Phase
changes are never built directly: DossierFactory's `parcours` (and its Traits en_accueil,
en_maturation, ...) goes through accompagnement.phases like the app does.
"""

import datetime

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from accompagnement import phases
from accompagnement.models import ChangementPhase, RendezVous
from maillage.roles import CHARGE
from porteurs.models import Dossier, Phase, Porteur
from territoires.models import (
    EPCI,
    Commune,
    Departement,
    PointAccueil,
    Quartier,
    StructurePartenaire,
    TerritoireGouvernance,
)

JOUR_ACCUEIL = datetime.date(2013, 3, 4)


# --- territoires -----------------------------------------------------------------------


class DepartementFactory(DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ["code"]

    code = "59"
    nom = "Nord"


class EPCIFactory(DjangoModelFactory):
    class Meta:
        model = EPCI
        django_get_or_create = ["siren"]

    siren = factory.Sequence(lambda n: f"{200000000 + n}")
    nom = factory.Sequence(lambda n: f"Communauté d'agglomération {n}")
    sigle = factory.Sequence(lambda n: f"CA{n}")
    nature = "CA"

    class Params:
        lmcu = factory.Trait(siren="245900410", nom="Lille Métropole", sigle="LMCU", nature="CU")


class TerritoireGouvernanceFactory(DjangoModelFactory):
    class Meta:
        model = TerritoireGouvernance
        django_get_or_create = ["epci", "nom"]

    nom = factory.Sequence(lambda n: f"Territoire {n}")
    epci = factory.SubFactory(EPCIFactory)


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["code_insee"]

    # Always five digits, however many communes the suite has made before (the sequence
    # is not reset between tests: "59{n:03d}" gave six digits after the thousandth).
    code_insee = factory.Sequence(lambda n: f"{59 + n // 1000}{n % 1000:03d}")
    nom = factory.Sequence(lambda n: f"Commune {n}")
    departement = factory.SubFactory(DepartementFactory)
    epci = factory.SubFactory(EPCIFactory)
    territoire_gouvernance = None

    class Params:
        lille = factory.Trait(
            code_insee="59350",
            nom="Lille",
            epci=factory.SubFactory(EPCIFactory, lmcu=True),
            territoire_gouvernance=factory.SubFactory(
                TerritoireGouvernanceFactory,
                nom="Lillois",
                epci=factory.SelfAttribute("..epci"),
            ),
        )


class QuartierFactory(DjangoModelFactory):
    class Meta:
        model = Quartier

    commune = factory.SubFactory(CommuneFactory)
    nom = factory.Sequence(lambda n: f"Quartier {n}")
    qpv = False

    class Params:
        prioritaire = factory.Trait(qpv=True, code_qpv=factory.Sequence(lambda n: f"QP059{n:03d}"))


class StructurePartenaireFactory(DjangoModelFactory):
    class Meta:
        model = StructurePartenaire

    nom = factory.Sequence(lambda n: f"Structure partenaire {n}")
    categorie = StructurePartenaire.Categorie.PRESCRIPTEUR

    class Params:
        reseau_creation = factory.Trait(categorie=StructurePartenaire.Categorie.RESEAU_CREATION)


class PointAccueilFactory(DjangoModelFactory):
    class Meta:
        model = PointAccueil

    nom = factory.Sequence(lambda n: f"Centre social {n}")
    nature = PointAccueil.Nature.LIEU_PUBLIC
    commune = factory.SubFactory(CommuneFactory)


# --- users -----------------------------------------------------------------------------


class UtilisateurFactory(DjangoModelFactory):
    """A user; `roles=[...]` (or the Trait `charge`) adds the role groups."""

    class Meta:
        model = "maillage.Utilisateur"
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"salarie{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    roles = ()  # not a model field: read by _create

    class Params:
        charge = factory.Trait(roles=[CHARGE])

    @classmethod
    def _build(cls, model_class, *args, roles=(), **kwargs):
        return super()._build(model_class, *args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, roles=(), **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        if roles:
            user.groups.add(*Group.objects.filter(name__in=roles))
        return user


# --- porteurs --------------------------------------------------------------------------


class PorteurFactory(DjangoModelFactory):
    class Meta:
        model = Porteur

    type_porteur = Porteur.TypePorteur.PERSONNE
    nom = factory.Faker("last_name", locale="fr_FR")
    prenom = factory.Faker("first_name", locale="fr_FR")
    genre = Porteur.Genre.NR
    date_naissance = factory.Faker(
        "date_between_dates",
        date_start=datetime.date(1950, 1, 1),
        date_end=datetime.date(1995, 12, 31),
    )
    commune = factory.SubFactory(CommuneFactory)

    class Params:
        femme = factory.Trait(genre=Porteur.Genre.FEMME)
        homme = factory.Trait(genre=Porteur.Genre.HOMME)
        association = factory.Trait(
            type_porteur=Porteur.TypePorteur.ASSOCIATION,
            nom=factory.Sequence(lambda n: f"Association {n}"),
            prenom="",
            date_naissance=None,
            rna=factory.Sequence(lambda n: f"W59{n:07d}"),
            date_creation_structure=datetime.date(2010, 5, 1),
        )
        # Lives in a priority neighbourhood of the porteur's commune.
        en_qpv = factory.Trait(
            quartier=factory.SubFactory(
                QuartierFactory, prioritaire=True, commune=factory.SelfAttribute("..commune")
            )
        )


class DossierFactory(DjangoModelFactory):
    """A dossier; `parcours=[phase, ...]` (or a Trait: en_accueil, en_maturation...) runs the
    phases through accompagnement.phases, one week apart from `debut` (JOUR_ACCUEIL)."""

    class Meta:
        model = Dossier

    reference = factory.Sequence(lambda n: f"2013-{n + 1:04d}")
    porteur = factory.SubFactory(PorteurFactory)
    intitule = factory.Faker("catch_phrase", locale="fr_FR")
    dispositif = Dossier.Dispositif.ESCALE
    # Not model fields: read by _create (Traits cannot feed a post-generation hook).
    parcours = ()
    debut = JOUR_ACCUEIL

    class Params:
        citeslab = factory.Trait(dispositif=Dossier.Dispositif.CITESLAB)
        en_accueil = factory.Trait(parcours=[Phase.ACCUEIL])
        en_maturation = factory.Trait(parcours=[Phase.ACCUEIL, Phase.MATURATION])
        en_creation = factory.Trait(parcours=[Phase.ACCUEIL, Phase.MATURATION, Phase.CREATION])
        en_post_creation = factory.Trait(
            parcours=[Phase.ACCUEIL, Phase.MATURATION, Phase.CREATION, Phase.POST_CREATION]
        )
        sorti = factory.Trait(parcours=[Phase.ACCUEIL, Phase.SORTIE])

    @classmethod
    def _build(cls, model_class, *args, parcours=(), debut=None, **kwargs):
        return super()._build(model_class, *args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, parcours=(), debut=JOUR_ACCUEIL, **kwargs):
        dossier = super()._create(model_class, *args, **kwargs)
        for semaine, phase in enumerate(parcours):
            faire_changer_phase(dossier, phase, debut + datetime.timedelta(weeks=semaine))
        return dossier


def faire_changer_phase(dossier: Dossier, phase: str, jour: datetime.date, **details):
    """changer_phase with the details each phase needs filled with plausible values."""
    if phase == Phase.CREATION:
        details.setdefault("date_convention", jour)
    if phase == Phase.SORTIE:
        details.setdefault("type_sortie", ChangementPhase.TypeSortie.NON_VALORISABLE)
        details.setdefault("issue", ChangementPhase.Issue.ABANDON)
    details.setdefault("auteur", None)
    return phases.changer_phase(dossier, phase, jour, **details)


# --- accompagnement --------------------------------------------------------------------


class RendezVousFactory(DjangoModelFactory):
    """An appointment row, written directly: it does NOT apply the phase rule. Tests of the
    rule use accompagnement.services.enregistrer_rendez_vous."""

    class Meta:
        model = RendezVous

    dossier = factory.SubFactory(DossierFactory)
    date = JOUR_ACCUEIL
    heure = datetime.time(10, 0)
    duree_minutes = 60
    charge = factory.SubFactory(UtilisateurFactory)
    lieu = RendezVous.Lieu.LOCAUX
    objet = RendezVous.Objet.SUIVI
    statut = RendezVous.Statut.REALISE

    class Params:
        prevu = factory.Trait(statut=RendezVous.Statut.PREVU)
        annule = factory.Trait(statut=RendezVous.Statut.ANNULE)
        absent = factory.Trait(statut=RendezVous.Statut.ABSENT)
        telephone = factory.Trait(lieu=RendezVous.Lieu.TELEPHONE)
        au_point_accueil = factory.Trait(
            lieu=RendezVous.Lieu.POINT_ACCUEIL,
            point_accueil=factory.SubFactory(PointAccueilFactory),
        )


def formulaire_accueil(charge, commune, **autres) -> dict:
    """A valid reception form (new person, dossier, first appointment); `autres` replaces
    fields."""
    donnees = {
        "porteur-type_porteur": "personne",
        "porteur-nom": "Durand",
        "porteur-prenom": "Nadia",
        "porteur-genre": "F",
        "porteur-date_naissance": "1984-05-17",
        "porteur-commune": f"{commune.nom} ({commune.code_insee})",
        "porteur-niveau_qualification": "nr",
        "porteur-situation_professionnelle": "demandeur_emploi",
        "porteur-revenu": "rsa",
        "dossier-intitule": "Épicerie solidaire",
        "dossier-dispositif": "escale",
        "dossier-secteur": "commerce",
        "dossier-projet_collectif": "nr",
        "dossier-projet_economique": "oui",
        "dossier-forme_juridique_envisagee": "association",
        "dossier-stade_premier_accueil": "idee",
        "dossier-referent": str(charge.pk),
        "rdv-date": "2013-12-02",
        "rdv-heure": "10:00",
        "rdv-duree_minutes": "60",
        "rdv-charge": str(charge.pk),
        "rdv-lieu": "locaux",
        "rdv-objet": "accueil_orientation",
        "rdv-statut": "realise",
    }
    donnees.update(autres)
    return donnees
