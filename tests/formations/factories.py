"""Factories of the training app. Enrolments built here are rows written directly (status
given, no capacity check): tests of the capacity and of the waiting list call
formations.services.inscrire instead."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from formations.models import (
    AssociationInscrivante,
    Convention,
    Emploi,
    Evenement,
    Genre,
    Inscription,
    Module,
    OuiNon,
    Session,
    Stagiaire,
    TrancheAge,
)


def module(code: str) -> Module:
    """One of the five modules created by the data migration: s_associer, projeter,
    employer, gerer, evaluer."""
    return Module.objects.get(code=code)


class ConventionFactory(DjangoModelFactory):
    class Meta:
        model = Convention
        django_get_or_create = ["libelle"]

    libelle = "2012-2013"
    date_debut = datetime.date(2012, 9, 1)
    date_fin = datetime.date(2013, 8, 31)

    class Params:
        c2013_2014 = factory.Trait(
            libelle="2013-2014",
            date_debut=datetime.date(2013, 9, 1),
            date_fin=datetime.date(2014, 8, 31),
        )


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    convention = factory.SubFactory(ConventionFactory)
    module = factory.LazyFunction(lambda: module("s_associer"))
    date_debut = datetime.date(2013, 5, 6)
    date_fin = factory.LazyAttribute(lambda s: s.date_debut + datetime.timedelta(days=14))
    nombre_jours = Decimal(3)
    lieu = "Lille"
    capacite = 12


class StagiaireFactory(DjangoModelFactory):
    class Meta:
        model = Stagiaire

    nom = factory.Faker("last_name", locale="fr_FR")
    prenom = factory.Faker("first_name", locale="fr_FR")
    genre = Genre.NR


class AssociationInscrivanteFactory(DjangoModelFactory):
    class Meta:
        model = AssociationInscrivante

    nom = factory.Sequence(lambda n: f"Association inscrivante {n}")


class InscriptionFactory(DjangoModelFactory):
    class Meta:
        model = Inscription

    session = factory.SubFactory(SessionFactory)
    stagiaire = factory.SubFactory(StagiaireFactory)
    association = factory.SubFactory(AssociationInscrivanteFactory)
    statut = Inscription.Statut.INSCRIT

    class Params:
        annulee = factory.Trait(statut=Inscription.Statut.ANNULE)
        en_attente = factory.Trait(
            statut=Inscription.Statut.LISTE_ATTENTE,
            rang_attente=factory.Sequence(lambda n: n + 1),
        )
        # A fiche answered in full: a salaried woman of 26-60 on the association's board.
        fiche = factory.Trait(
            fiche_renseignee=True,
            fiche_genre=Genre.FEMME,
            fiche_tranche_age=TrancheAge.DE_26_A_60,
            fiche_sphere_dirigeante=OuiNon.OUI,
            fiche_emploi=Emploi.SALARIE,
        )


class EvenementFactory(DjangoModelFactory):
    class Meta:
        model = Evenement

    type = Evenement.Type.REUNION_THEMATIQUE
    date = datetime.date(2013, 5, 24)
    titre = "Créer à plusieurs"
    lieu = "Lille"


def donnees_inscription_nouvelle(**autres) -> dict:
    """A valid "enrol someone new" form: a new trainee, a new association, the fiche
    filled; `autres` replaces fields."""
    return {
        "nom": "Durand",
        "prenom": "Nadia",
        "date_naissance": "1984-05-17",
        "email": "",
        "telephone": "",
        "genre": "F",
        "association": "Collectif Nouveau",
        "fiche_renseignee": "on",
        "fiche_genre": "F",
        "fiche_tranche_age": "26_60",
        "fiche_sphere_dirigeante": "oui",
        "fiche_emploi": "salarie",
        **autres,
    }
