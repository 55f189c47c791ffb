"""Generate the demo association from maillage.demo.donnees_2013.

Two halves that never meet:
- the *plan*: a seeded simulation, year by year, of who is received, who comes back, who
  signs a convention, who leaves, with every appointment and phase change dated. It is pure
  Python (random.Random and Faker seeded), so the same seed gives the same plan whatever
  writes it;
- the *writers*: `EcrivainDomaine` feeds the plan to the domain functions a staff member's
  browser calls (accompagnement.services.recevoir_nouvelle_personne and
  enregistrer_rendez_vous, which apply the appointment rule; accompagnement.phases.
  changer_phase; formations.services.inscrire); `EcrivainMasse`, for large scales, checks the
  same plan against the same rules (phases.declencheurs, the appointment rule, then
  phases.verifier_changement, changer_phase's check) and writes it with bulk_create.
tests/demo checks that both writers give the same records at scale 1.

Memory: scale N is N copies of the scale-1 plan, simulated and written copy by copy within
each year, in batches of about TAILLE_LOT_PLAN dossiers; what stays between batches is, per
dossier still on the path, a few slots (exited dossiers are dropped), and a set of name
hashes (one int a porteur) that avoids two porteurs the duplicate check would confuse.
Django keeps the SQL of recent queries when DEBUG is on: it is cleared after each batch.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import itertools
import random
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, reset_queries, transaction
from faker import Faker

from accompagnement import phases, services
from accompagnement.models import ChangementPhase, RendezVous
from formations import services as formations_services
from formations.models import (
    AssociationInscrivante,
    Convention,
    Evenement,
    Inscription,
    JourSession,
    Module,
    ModulePrevu,
    Presence,
    Session,
    Stagiaire,
)
from formations.stats import _situation
from maillage.demo import donnees_2013 as donnees
from maillage.models import (
    AnneeAssociative,
    AssembleeGenerale,
    MembreConseil,
    ReunionConseil,
)
from maillage.roles import CHARGE, DIRECTION
from porteurs.models import Dossier, Phase, Porteur
from territoires.models import Commune, PointAccueil, Quartier, StructurePartenaire

D = datetime.date
PHASES_DU_PARCOURS = (Phase.ACCUEIL, Phase.MATURATION, Phase.CREATION, Phase.POST_CREATION)
SUIVANTE = {
    Phase.ACCUEIL: Phase.MATURATION,
    Phase.MATURATION: Phase.CREATION,
    Phase.CREATION: Phase.POST_CREATION,
}
# Follow-up appointments a year in each phase (min, max), besides those that open a phase.
SUIVIS_PAR_AN = {Phase.MATURATION: (1, 3), Phase.CREATION: (2, 5), Phase.POST_CREATION: (1, 2)}

# The demo's first year: 2013's convention (ADVA) also counts 2012 sessions.
PREMIERE_ANNEE = donnees.ANNEES[0]
# At scale N, the copies' years are written in batches of about this many dossiers.
TAILLE_LOT_PLAN = 2000


def repartir(poids: Iterable[int], total: int) -> list[int]:
    """Split `total` along `poids` (largest remainder): exact when the weights already sum
    to `total`, and exactly N times them for N times their sum."""
    poids = list(poids)
    somme = sum(poids)
    if somme == 0:
        return [0] * len(poids)
    bruts = [p * total / somme for p in poids]
    parts = [int(b) for b in bruts]
    restes = sorted(range(len(poids)), key=lambda i: (parts[i] - bruts[i], i))
    for i in restes[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _ascii(texte: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c)
    ).lower()


# --- The plan ----------------------------------------------------------------------------


@dataclass
class Rdv:
    date: datetime.date
    charge: str  # username
    objet: str = RendezVous.Objet.SUIVI
    statut: str = RendezVous.Statut.REALISE
    lieu: str = RendezVous.Lieu.LOCAUX
    point_accueil_id: int | None = None
    lieu_precision: str = ""
    heure: datetime.time | None = None
    duree_minutes: int = 60
    collectif: bool = False


@dataclass
class Changement:
    date: datetime.date
    phase: str
    auteur: str
    type_sortie: str = ""
    issue: str = ""
    orientation_id: int | None = None
    emplois: int | None = None  # jobs the structure created, known when création opens


@dataclass
class Suivi:
    """A dossier on the path, as the plan knows it (no database object)."""

    reference: str
    dispositif: str
    referent: str
    phase: str | None = None
    depuis: datetime.date | None = None  # entry date of the current phase
    dernier: datetime.date | None = None  # date of its last event
    nb_rdv_prevus: int | None = None  # CitésLab 2013: appointments planned (figure 8)
    vers_suivante: bool = False  # preset: moves on this year (CitésLab 2013)
    # No follow-up appointments but the planned ones (CitésLab: its figures 7 and 8 count the
    # appointments of the year's receptions, so none are added in later years either).
    rdv_fixes: bool = False
    annee_accueil: int = 0
    cle: int | None = None  # the Dossier's pk once written
    objet: Dossier | None = None  # the Dossier instance (domain writer only)
    # Written for the year: porteur and dossier fields (new dossiers), events in date order.
    nouveau: tuple[dict, dict] | None = None
    evenements: list = field(default_factory=list)


@dataclass
class Contexte:
    """Reference data read once from the database: ids, by the names the data files use."""

    communes: dict[str, Commune]
    communes_par_epci: dict[str, list[tuple[str, int]]]
    quartiers: dict[tuple[str, str], Quartier]
    points_accueil: dict[str, PointAccueil]
    structures: dict[str, int]
    utilisateurs: dict[str, object]

    @classmethod
    def charger(cls) -> Contexte:
        communes = {c.code_insee: c for c in Commune.objects.select_related("epci")}
        par_epci: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for c in communes.values():
            if c.epci and c.epci.sigle:
                par_epci[c.epci.sigle].append((c.code_insee, c.population or 1000))
        for liste in par_epci.values():
            liste.sort()
        quartiers = {
            (q.commune.code_insee, q.nom): q for q in Quartier.objects.select_related("commune")
        }
        points = {}
        for p in PointAccueil.objects.order_by("pk"):
            points.setdefault(p.nom, p)
        structures = dict(StructurePartenaire.objects.values_list("nom", "pk"))
        utilisateurs = {u.username: u for u in get_user_model().objects.all()}
        return cls(communes, dict(par_epci), quartiers, points, structures, utilisateurs)


class Plan:
    """The seeded simulation. `annee(a)` yields the Suivi touched in year `a`, each with its
    new porteur/dossier fields (if received that year) and its events of the year."""

    def __init__(self, ctx: Contexte, *, echelle: int = 1, graine: int = 2013):
        self.ctx = ctx
        self.echelle = echelle
        self.rng = random.Random(graine)
        self.faker = Faker("fr_FR")
        self.faker.seed_instance(graine)
        self.en_cours: dict[str, list[Suivi]] = {"escale": [], "citeslab": []}
        self.numeros: Counter = Counter()
        self.noms_vus: set[int] = set()
        # The small dispositifs draw from their own generators: adding them left ESCALE and
        # CitésLab exactly as they were (same draws, same names).
        self.rng_petits = random.Random(graine + 1)
        self.faker_petits = Faker("fr_FR")
        self.faker_petits.seed_instance(graine + 1)

    def copie(self) -> Plan:
        """Another copy of the association, for scale N (charger_demo simulates N copies
        of the scale-1 plan, year by year, so that only one copy's year is in memory): the
        same generators, reference counters and names seen (references and people stay
        unique), its own dossiers on the path."""
        autre = copy.copy(self)
        autre.en_cours = {dispositif: [] for dispositif in self.en_cours}
        return autre

    # --- helpers ---
    def _n(self, n: int) -> int:
        return n * self.echelle

    def _donnee(self, table: dict, dispositif: str, annee: int):
        return table.get((dispositif, annee), table.get((dispositif, None)))

    def _tirage(self, valeurs: list, comptes: list[int]) -> list:
        """The multiset values x counts, shuffled."""
        sac = [v for v, n in zip(valeurs, comptes, strict=True) for _ in range(n)]
        self.rng.shuffle(sac)
        return sac

    def _jour(self, debut: datetime.date, fin: datetime.date) -> datetime.date:
        if fin <= debut:
            return debut
        return debut + datetime.timedelta(days=self.rng.randint(0, (fin - debut).days))

    def _jour_ouvre(self, jour: datetime.date, plafond: datetime.date) -> datetime.date:
        while jour.weekday() >= 5 and jour < plafond:
            jour += datetime.timedelta(days=1)
        return jour

    def _heure(self) -> datetime.time:
        return datetime.time(self.rng.choice([9, 10, 11, 14, 15, 16]), self.rng.choice([0, 30]))

    def _reference(self, annee: int) -> str:
        self.numeros[annee] += 1
        return f"{annee}-{self.numeros[annee]:04d}"

    def en_poste(self, username: str, jour: datetime.date) -> bool:
        for u, *_, entree, sortie, _dir in donnees.SALARIES:
            if u == username:
                return entree <= jour and (sortie is None or jour <= sortie)
        return False

    # --- porteurs ---
    def _personne(self, genre: str, tranche: str, jour: datetime.date) -> dict:
        for _ in range(20):
            prenom = (
                self.faker.first_name_female() if genre == "F" else self.faker.first_name_male()
            )
            nom = self.faker.last_name()
            bornes = next(t for t in donnees.TRANCHES_AGE if t[0] == tranche)
            naissance = None
            if bornes[1] is not None:
                age = self.rng.randint(bornes[1], bornes[2])
                mois, jour_mois = self.rng.randint(1, 12), self.rng.randint(1, 28)
                # `age` whole years on the reception day
                annee = jour.year - age - (1 if (jour.month, jour.day) < (mois, jour_mois) else 0)
                naissance = D(annee, mois, jour_mois)
            cle = hash((_ascii(nom), _ascii(prenom), naissance))
            if cle not in self.noms_vus:
                self.noms_vus.add(cle)
                break
        domaine = self.rng.choice(["orange.fr", "gmail.com", "free.fr", "laposte.net", "sfr.fr"])
        return {
            "type_porteur": Porteur.TypePorteur.PERSONNE,
            "nom": nom,
            "prenom": prenom,
            "genre": genre,
            "date_naissance": naissance,
            "telephone": self.faker.phone_number(),
            "email": f"{_ascii(prenom)}.{_ascii(nom)}@{domaine}".replace(" ", "").replace("'", ""),
            "adresse": self.faker.street_address(),
        }

    def _commune(self, code_ou_epci: str) -> Commune:
        if code_ou_epci in self.ctx.communes:
            return self.ctx.communes[code_ou_epci]
        candidates = self.ctx.communes_par_epci[code_ou_epci]
        code = self.rng.choices(
            [c for c, _ in candidates], weights=[p for _, p in candidates], k=1
        )[0]
        return self.ctx.communes[code]

    # --- receptions of a year ---
    def _dates_receptions(self, dispositif: str, annee: int, total: int) -> list[datetime.date]:
        mois = repartir(self._donnee(donnees.MOIS, dispositif, annee), total)
        dates = []
        for m, n in enumerate(mois, start=1):
            fin = (D(annee, m + 1, 1) if m < 12 else D(annee + 1, 1, 1)) - datetime.timedelta(1)
            # Nobody received on the last days of December: the year's figures close on 31/12.
            fin = min(fin, D(annee, 12, 20))
            for _ in range(n):
                dates.append(self._jour_ouvre(self._jour(D(annee, m, 1), fin), fin))
        return sorted(dates)

    def _accueillants(
        self, dispositif: str, annee: int, receptions: list[tuple[datetime.date, str]]
    ) -> list[str]:
        """Who received each (date, place): reserved places first, then the year's counts,
        each person only while in post."""
        if dispositif == "citeslab":
            return [
                "ccognet" if self.en_poste("ccognet", jour) else "mbokoto" for jour, _ in receptions
            ]
        comptes = self._donnee(donnees.ACCUEILS_PAR_SALARIE, dispositif, annee)
        presents = {
            u: n
            for u, n in comptes.items()
            if any(self.en_poste(u, jour) for jour, _ in receptions)
        }
        restants = dict(zip(presents, repartir(presents.values(), len(receptions)), strict=True))
        resultat: list[str | None] = [None] * len(receptions)
        for i, (_jour, lieu) in enumerate(receptions):
            reserve = donnees.LIEUX_RESERVES.get(lieu)
            if reserve and restants.get(reserve, 0) > 0 and self.en_poste(reserve, _jour):
                resultat[i] = reserve
                restants[reserve] -= 1

        # Then the people with the shortest time in post first, so that they get theirs.
        def fenetre(u: str) -> int:
            return sum(1 for jour, _ in receptions if self.en_poste(u, jour))

        libres = [i for i, r in enumerate(resultat) if r is None]
        self.rng.shuffle(libres)
        for u in sorted(restants, key=lambda u: (fenetre(u), u)):
            pris = [i for i in libres if self.en_poste(u, receptions[i][0])][: restants[u]]
            for i in pris:
                resultat[i] = u
            libres = [i for i in libres if i not in set(pris)]
        for i in libres:  # counts that could not be placed: whoever was in post
            en_poste = [u for u in comptes if self.en_poste(u, receptions[i][0])]
            resultat[i] = self.rng.choice(en_poste or ["mlecoz"])
        return resultat

    def _receptions(self, dispositif: str, annee: int) -> list[Suivi]:
        base = donnees.RECEPTIONS[dispositif].get(annee)
        if base is None:
            annees = sorted(donnees.RECEPTIONS[dispositif])
            if annee < annees[0]:
                return []
            base = donnees.RECEPTIONS[dispositif][annees[-1]]
        total = self._n(base)
        dates = self._dates_receptions(dispositif, annee, total)
        genres_src = (
            donnees.GENRE[dispositif].get(annee)
            or donnees.GENRE[dispositif][max(donnees.GENRE[dispositif])]
        )
        genres = self._tirage(["F", "H"], repartir([genres_src["F"], genres_src["H"]], total))
        tranches = self._tirage(
            [t[0] for t in donnees.TRANCHES_AGE],
            repartir(self._donnee(donnees.AGES, dispositif, annee), total),
        )
        # Situation by gender (exact for ESCALE 2013), otherwise for everyone.
        situations: dict[str | None, list[str]] = {}
        if (dispositif, annee, "F") in donnees.SITUATION_PAR_GENRE:
            for g in ("F", "H"):
                poids = donnees.SITUATION_PAR_GENRE[(dispositif, annee, g)]
                situations[g] = self._tirage(donnees.SITUATIONS, repartir(poids, genres.count(g)))
        else:
            poids = donnees.SITUATION_PAR_GENRE.get(
                (dispositif, annee, None), donnees.SITUATION_PAR_GENRE[(dispositif, None, None)]
            )
            situations[None] = self._tirage(donnees.SITUATIONS, repartir(poids, total))

        def liste(table, valeurs):
            return self._tirage(valeurs, repartir(self._donnee(table, dispositif, annee), total))

        revenus = liste(donnees.REVENU, donnees.REVENUS)
        qualifs = liste(donnees.QUALIFICATION, donnees.QUALIFICATIONS)
        stades = liste(donnees.STADE, donnees.STADES)
        secteurs = liste(donnees.SECTEUR, donnees.SECTEURS)
        collectifs = liste(donnees.COLLECTIF, [True, False])
        prescr = self._donnee(donnees.PRESCRIPTEURS, dispositif, annee)
        prescripteurs = self._tirage(
            [p for p, _ in prescr], repartir([n for _, n in prescr], total)
        )
        terr = self._donnee(donnees.TERRITOIRES, dispositif, annee)
        territoires = self._tirage(
            [(c, q, lieu) for c, q, lieu, _ in terr], repartir([n for *_, n in terr], total)
        )
        # Receptions at a PAP of the Valenciennois or of LMCU are reserved to their référent.
        lieux = []
        for code, _q, lieu in territoires:
            if lieu.startswith("pap:"):
                commune = self.ctx.communes.get(code)
                epci = commune.epci.sigle if commune and commune.epci else code
                lieux.append(
                    lieu
                    if dispositif == "citeslab"
                    else ("pap_lmcu" if epci == "LMCU" else "pap_valenciennois")
                )
            else:
                lieux.append(lieu.split(":")[0])
        charges = self._accueillants(dispositif, annee, list(zip(dates, lieux, strict=True)))

        nouveaux = []
        for i, jour in enumerate(dates):
            genre = genres[i]
            situation = situations[genre if genre in situations else None].pop()
            code, quartier, lieu = territoires[i]
            commune = self._commune(code)
            porteur = self._personne(genre, tranches[i], jour)
            porteur.update(
                commune_id=commune.pk,
                quartier_id=self.ctx.quartiers[(commune.code_insee, quartier)].pk
                if quartier
                else None,
                niveau_qualification=qualifs[i],
                situation_professionnelle=situation,
                revenu=revenus[i],
            )
            secteur = secteurs[i]
            collectif = collectifs[i]
            prescripteur = prescripteurs[i]
            if prescripteur == donnees.BOUCHE_A_OREILLE:
                prescripteur_id = self.ctx.structures[donnees.BOUCHE_A_OREILLE]
            else:
                prescripteur_id = self.ctx.structures.get(prescripteur) if prescripteur else None
            reference = self._reference(annee)
            dossier = {
                "reference": reference,
                "intitule": _intitule(self.rng, secteur, commune.nom),
                "secteur": secteur,
                "projet_collectif": "oui" if collectif else "non",
                "projet_economique": "oui" if self.rng.random() < 0.9 else "non",
                "forme_juridique_envisagee": (
                    "association"
                    if dispositif == "escale" and self.rng.random() < 0.7
                    else self.rng.choice(["entreprise_individuelle", "societe", "scop_scic"])
                ),
                "stade_premier_accueil": stades[i],
                "dispositif": dispositif,
                "prescripteur_id": prescripteur_id,
                "referent_id": self.ctx.utilisateurs[charges[i]].pk,
            }
            rdv = Rdv(
                date=jour,
                charge=charges[i],
                objet=RendezVous.Objet.ACCUEIL_ORIENTATION,
                heure=self._heure(),
                duree_minutes=self.rng.choice([60, 60, 90]),
            )
            if lieu.startswith("pap:"):
                rdv.lieu = RendezVous.Lieu.POINT_ACCUEIL
                rdv.point_accueil_id = self.ctx.points_accueil[lieu[4:]].pk
            elif lieu == "telephone":
                rdv.lieu = RendezVous.Lieu.TELEPHONE
            elif lieu.startswith("autre:"):
                rdv.lieu = RendezVous.Lieu.AUTRE
                rdv.lieu_precision = lieu[6:]
            suivi = Suivi(
                reference=reference,
                dispositif=dispositif,
                referent=charges[i],
                phase=Phase.ACCUEIL,
                depuis=jour,
                dernier=jour,
                nouveau=(porteur, dossier),
                annee_accueil=annee,
            )
            suivi.evenements.append(rdv)
            nouveaux.append(suivi)
        if dispositif == "citeslab" and annee == 2013:
            self._rdv_citeslab_2013(nouveaux)
        return nouveaux

    def _rdv_citeslab_2013(self, nouveaux: list[Suivi]) -> None:
        """Figure 8: 1, 2, 3 or 4 appointments a porteur; the latest received get one."""
        comptes = donnees.RDV_PAR_PORTEUR_CITESLAB
        nombres = self._tirage(list(comptes), [self._n(n) for n in comptes.values()])
        ordre = sorted(
            range(len(nouveaux)), key=lambda i: (nouveaux[i].depuis, nouveaux[i].reference)
        )
        # The latest received stay in accueil at the end of the year (see annee): one
        # appointment each; the same for those received after 25/11.
        _rs, _rx, suiv, sortie = self._flux("citeslab", 2013)["accueil"]
        restent = len(nouveaux) - self._n(suiv + sortie)
        for position, i in enumerate(ordre):
            tard = position >= len(ordre) - restent or nouveaux[i].depuis > D(2013, 11, 25)
            if tard and nombres[position] > 1:
                for j in range(len(ordre) - restent):
                    if nombres[j] == 1 and nouveaux[ordre[j]].depuis <= D(2013, 11, 1):
                        nombres[j], nombres[position] = nombres[position], 1
                        break
        for position, i in enumerate(ordre):
            nouveaux[i].nb_rdv_prevus = nombres[position]
            nouveaux[i].vers_suivante = nombres[position] >= 2
            nouveaux[i].rdv_fixes = True

    # --- the stock of 01/01/2011 ---
    def _stock(self) -> list[Suivi]:
        suivis = []
        annee_stock = PREMIERE_ANNEE - 1
        for dispositif, comptes in donnees.STOCK_2011.items():
            for phase, n in comptes.items():
                for _ in range(self._n(n)):
                    rang = PHASES_DU_PARCOURS.index(phase)
                    # entry into the current phase in 2009-2010, the earlier ones before
                    # all of it in 2010: the years before hold the published aggregates
                    jour = self._jour(D(annee_stock, 6, 1), D(annee_stock, 11, 30))
                    dates = [jour]
                    for _ in range(rang):
                        dates.insert(0, dates[0] - datetime.timedelta(self.rng.randint(20, 50)))
                    annee = dates[0].year
                    charge = self.rng.choice(["gdelevaque", "smasclat", "cvercoutre", "llegendre"])
                    if not self.en_poste(charge, dates[0]):
                        charge = "cvercoutre"
                    genre = self.rng.choice(["F", "F", "H"])
                    porteur = self._personne(genre, self.rng.choice(["26_35", "36_45"]), dates[0])
                    code, quartier, _lieu, _n = self.rng.choice(
                        donnees.TERRITOIRES[("escale", None)][:17]
                    )
                    commune = self._commune(code)
                    porteur.update(
                        commune_id=commune.pk,
                        quartier_id=self.ctx.quartiers[(code, quartier)].pk if quartier else None,
                        niveau_qualification=self.rng.choice(["bac_2", "bac_3_plus", "bac"]),
                        situation_professionnelle=self.rng.choice(
                            ["demandeur_emploi", "salarie", "independant"]
                        ),
                    )
                    secteur = self.rng.choice(["services_personnes", "culture_loisirs", "autre"])
                    reference = self._reference(annee)
                    dossier = {
                        "reference": reference,
                        "intitule": _intitule(self.rng, secteur, commune.nom),
                        "secteur": secteur,
                        "projet_collectif": "oui",
                        "projet_economique": "oui",
                        "forme_juridique_envisagee": "association",
                        "stade_premier_accueil": "projet",
                        "dispositif": dispositif,
                        "referent_id": self.ctx.utilisateurs[charge].pk,
                    }
                    s = Suivi(reference, dispositif, charge, nouveau=(porteur, dossier))
                    s.evenements.append(
                        Rdv(
                            dates[0],
                            charge,
                            RendezVous.Objet.ACCUEIL_ORIENTATION,
                            heure=self._heure(),
                        )
                    )
                    if rang >= 1:
                        s.evenements.append(Rdv(dates[1], charge, heure=self._heure()))
                    if rang >= 2:
                        s.evenements.append(Rdv(dates[2], charge, heure=self._heure()))
                        s.evenements.append(
                            Changement(dates[2], Phase.CREATION, charge, emplois=self._emplois())
                        )
                    if rang >= 3:
                        s.evenements.append(Changement(dates[3], Phase.POST_CREATION, charge))
                    s.phase, s.depuis, s.dernier = phase, dates[-1], dates[-1]
                    suivis.append(s)
        return suivis

    def _emplois(self) -> int:
        return self.rng.choice([0, 1, 1, 2, 2, 3, 4])

    # --- a year ---
    def _suivis_rdv(self, s: Suivi, jusqu_au: datetime.date, annee: int) -> None:
        """Follow-up appointments of the dossier's phase, from its last event to `jusqu_au`
        (excluded), within the year."""
        if s.phase not in SUIVIS_PAR_AN or s.rdv_fixes:
            return
        if s.dispositif == "citeslab" and s.annee_accueil != annee:
            return
        debut = max(s.dernier + datetime.timedelta(7), D(annee, 1, 2))
        fin = jusqu_au - datetime.timedelta(3)
        if fin <= debut:
            return
        bas, haut = SUIVIS_PAR_AN[s.phase]
        n = self.rng.randint(bas, haut)
        jours = sorted({self._jour_ouvre(self._jour(debut, fin), fin) for _ in range(n)})
        for jour in jours:
            if jour >= jusqu_au or jour <= s.dernier:
                continue
            statut = RendezVous.Statut.REALISE
            if self.rng.random() < 0.08:
                statut = self.rng.choice([RendezVous.Statut.ABSENT, RendezVous.Statut.ANNULE])
            s.evenements.append(
                Rdv(
                    jour,
                    self._charge_du(s, jour),
                    objet=self.rng.choice(
                        [
                            RendezVous.Objet.SUIVI,
                            RendezVous.Objet.SUIVI,
                            RendezVous.Objet.INFORMATION,
                        ]
                    ),
                    statut=statut,
                    heure=self._heure(),
                    duree_minutes=self.rng.choice([60, 90, 120]),
                )
            )
            s.dernier = jour

    def _charge_du(self, s: Suivi, jour: datetime.date) -> str:
        if self.en_poste(s.referent, jour):
            return s.referent
        if s.dispositif == "citeslab":
            return "mbokoto" if self.en_poste("mbokoto", jour) else "ccognet"
        for remplacant in ("alecoutour", "cvercoutre", "gdelevaque"):
            if self.en_poste(remplacant, jour):
                return remplacant
        return "mlecoz"

    def _date_apres(self, s: Suivi, annee: int, *, marge: int = 0) -> datetime.date:
        """A date for the dossier's next step in the year: after its last event, leaving
        `marge` days before 31/12 for the steps that must follow in the same year."""
        fin = D(annee, 12, 31) - datetime.timedelta(marge)
        debut = max(s.dernier + datetime.timedelta(7), D(annee, 1, 2))
        if debut > fin:
            debut = min(s.dernier + datetime.timedelta(1), D(annee, 12, 31))
            fin = max(debut, fin)
        # most steps come within a few months
        proche = min(fin, debut + datetime.timedelta(self.rng.randint(14, 150)))
        return self._jour_ouvre(self._jour(debut, proche), fin)

    def _sorties(self, dispositif: str, phase: str, annee: int, n: int) -> list[tuple]:
        table = donnees.SORTIES
        cle = (
            (dispositif, annee)
            if dispositif == "citeslab" and (dispositif, annee) in table
            else (phase, annee)
            if (phase, annee) in table
            else (phase, None)
        )
        if dispositif == "citeslab" and cle[0] != "citeslab":
            cle = ("citeslab", 2013)
        lignes = table[cle]
        return self._tirage(
            [ligne[:3] for ligne in lignes], repartir([ligne[3] for ligne in lignes], n)
        )

    def _flux(self, dispositif: str, annee: int) -> dict:
        table = donnees.FLUX[dispositif]
        return table.get(annee) or table[max(table)]

    def annee(self, annee: int) -> list[Suivi]:
        """Simulate one year; return the dossiers with events in it (new ones first)."""
        touches: dict[str, Suivi] = {}
        if annee == PREMIERE_ANNEE:
            for s in self._stock():
                touches[s.reference] = s
                self.en_cours[s.dispositif].append(s)
        for dispositif in ("escale", "citeslab"):
            nouveaux = self._receptions(dispositif, annee)
            for s in nouveaux:
                touches[s.reference] = s
            pool = self.en_cours[dispositif] + nouveaux
            flux = self._flux(dispositif, annee) if (annee >= min(donnees.FLUX[dispositif])) else {}
            janvier = D(annee, 1, 1)
            for phase in PHASES_DU_PARCOURS:
                if phase not in flux:
                    continue
                rep_suiv, rep_sortie, ent_suiv, ent_sortie = (self._n(x) for x in flux[phase])
                reportes = [s for s in pool if s.phase == phase and s.depuis < janvier]
                entres = sorted(
                    (s for s in pool if s.phase == phase and s.depuis >= janvier),
                    key=lambda s: (s.depuis, s.reference),
                )
                self.rng.shuffle(reportes)
                rep_suiv = min(rep_suiv, len(reportes))
                rep_sortie = min(rep_sortie, len(reportes) - rep_suiv)
                vers_suivante = reportes[:rep_suiv]
                vers_sortie = reportes[rep_suiv : rep_suiv + rep_sortie]
                restent = reportes[rep_suiv + rep_sortie :]

                bougent = entres[: min(len(entres), ent_suiv + ent_sortie)]
                restent += entres[len(bougent) :]
                presets = [s for s in bougent if s.vers_suivante]
                autres = [s for s in bougent if not s.vers_suivante]
                # those that move on: the presets, then random among the earliest
                choisis = presets[:ent_suiv]
                manque = ent_suiv - len(choisis)
                if manque > 0:
                    vivier = autres[: max(manque, 2 * manque)]
                    choisis += self.rng.sample(vivier, min(manque, len(vivier)))
                ids = {id(s) for s in choisis}
                vers_suivante += choisis
                vers_sortie += [s for s in bougent if id(s) not in ids]

                # steps still to come in the year after this one need room before 31/12
                marge = 60 if phase == Phase.ACCUEIL else 20
                for s in vers_suivante:
                    touches[s.reference] = s
                    suivante = SUIVANTE[phase]
                    jour = self._date_apres(s, annee, marge=marge)
                    self._suivis_rdv(s, jour, annee)
                    jour = max(jour, s.dernier + datetime.timedelta(1))
                    if suivante == Phase.MATURATION:
                        # the second held appointment: the rule opens maturation
                        objet = RendezVous.Objet.SUIVI
                        if s.dispositif == "citeslab":
                            objet = RendezVous.Objet.AIDE_FORMULATION
                        s.evenements.append(
                            Rdv(
                                jour,
                                self._charge_du(s, jour),
                                objet,
                                heure=self._heure(),
                                duree_minutes=self.rng.choice([60, 90]),
                            )
                        )
                    else:
                        if suivante == Phase.CREATION:
                            s.evenements.append(
                                Rdv(
                                    jour,
                                    self._charge_du(s, jour),
                                    heure=self._heure(),
                                    duree_minutes=120,
                                )
                            )
                        s.evenements.append(
                            Changement(
                                jour,
                                suivante,
                                self._charge_du(s, jour),
                                emplois=self._emplois() if suivante == Phase.CREATION else None,
                            )
                        )
                    s.phase, s.depuis, s.dernier = suivante, jour, jour
                for s, (type_sortie, issue, orientation) in zip(
                    vers_sortie,
                    self._sorties(dispositif, phase, annee, len(vers_sortie)),
                    strict=True,
                ):
                    touches[s.reference] = s
                    if s.nb_rdv_prevus and s.nb_rdv_prevus > 2:
                        self._rdv_prevus(s, annee)
                    else:
                        self._suivis_rdv(s, self._date_apres(s, annee), annee)
                    jour = self._date_apres(s, annee)
                    s.evenements.append(
                        Changement(
                            jour,
                            Phase.SORTIE,
                            self._charge_du(s, jour),
                            type_sortie=type_sortie,
                            issue=issue,
                            orientation_id=self.ctx.structures[orientation]
                            if orientation
                            else None,
                        )
                    )
                    s.phase, s.depuis, s.dernier = Phase.SORTIE, jour, jour
                for s in restent:
                    if s.nb_rdv_prevus and s.nb_rdv_prevus > 2:
                        self._rdv_prevus(s, annee)
                    elif s.phase in SUIVIS_PAR_AN:
                        self._suivis_rdv(s, D(annee, 12, 31), annee)
                    if s.evenements:
                        touches[s.reference] = s
            self.en_cours[dispositif] = [s for s in pool if s.phase != Phase.SORTIE]
        for s in self._petits_dispositifs(annee):
            touches[s.reference] = s
        resultat = list(touches.values())
        if annee == 2013:
            self._objets_citeslab_2013(resultat)
        return resultat

    # --- projet de vie and initiatives d'habitants ---
    @contextlib.contextmanager
    def _hasard_des_petits(self) -> Iterator[None]:
        self.rng, self.rng_petits = self.rng_petits, self.rng
        self.faker, self.faker_petits = self.faker_petits, self.faker
        try:
            yield
        finally:
            self.rng, self.rng_petits = self.rng_petits, self.rng
            self.faker, self.faker_petits = self.faker_petits, self.faker

    def _petits_dispositifs(self, annee: int) -> list[Suivi]:
        """The dossiers of projet de vie and habitants received in `annee` (see
        donnees.PETITS_DISPOSITIFS): each is received, followed and closed within the year,
        so none is carried over."""
        suivis = []
        with self._hasard_des_petits():
            for dispositif, par_an in donnees.PETITS_DISPOSITIFS.items():
                if annee < min(par_an):
                    continue
                for i in range(self._n(par_an.get(annee, par_an[max(par_an)]))):
                    if dispositif == "projet_vie":
                        suivis.append(self._projet_vie(annee))
                    else:
                        suivis.append(self._habitant(annee, i))
        return suivis

    def _petit_suivi(
        self,
        dispositif: str,
        annee: int,
        personne: tuple[str, str, str],
        quartier: str,
        referent: str,
        dossier: dict,
        rdvs: list[Rdv],
        sortie: Changement,
    ) -> Suivi:
        genre, tranche, situation = personne
        lille = self.ctx.communes["59350"]
        porteur = self._personne(genre, tranche, rdvs[0].date)
        porteur.update(
            commune_id=lille.pk,
            quartier_id=self.ctx.quartiers[(lille.code_insee, quartier)].pk,
            situation_professionnelle=situation,
        )
        reference = self._reference(annee)
        dossier.update(reference=reference, dispositif=dispositif)
        dossier["referent_id"] = self.ctx.utilisateurs[referent].pk
        s = Suivi(
            reference,
            dispositif,
            referent,
            phase=Phase.SORTIE,
            depuis=sortie.date,
            dernier=sortie.date,
            nouveau=(porteur, dossier),
            annee_accueil=annee,
        )
        s.evenements = [*rdvs, sortie]
        return s

    def _projet_vie(self, annee: int) -> Suivi:
        """Someone of a Lille QPV without the prerequisites for creating (0.1): a reception,
        a few appointments to build a professional project, an exit to a job or a training."""
        referent = self.rng.choice(donnees.PROJET_VIE_REFERENTS)
        jour = self._jour_ouvre(self._jour(D(annee, 1, 15), D(annee, 6, 30)), D(annee, 7, 31))
        rdvs = [
            Rdv(jour, referent, RendezVous.Objet.ACCUEIL_ORIENTATION, heure=self._heure()),
        ]
        for _ in range(self.rng.randint(2, 4)):
            jour = self._jour_ouvre(
                jour + datetime.timedelta(self.rng.randint(14, 35)), D(annee, 12, 1)
            )
            rdvs.append(Rdv(jour, referent, heure=self._heure(), duree_minutes=90))
        sortie = Changement(
            jour + datetime.timedelta(self.rng.randint(7, 20)),
            Phase.SORTIE,
            referent,
            type_sortie=ChangementPhase.TypeSortie.VALORISABLE,
            issue=self.rng.choice(
                [ChangementPhase.Issue.FORMATION, ChangementPhase.Issue.EMPLOI_SALARIE]
            ),
        )
        metier = self.rng.choice(
            ["aide à domicile", "cuisine", "vente", "animation", "logistique", "propreté"]
        )
        dossier = {
            "intitule": f"Projet professionnel : {metier}",
            "secteur": "autre",
            "projet_collectif": "non",
            "projet_economique": "non",
            "stade_premier_accueil": "envie",
        }
        personne = (
            self.rng.choice(["F", "F", "H"]),
            self.rng.choice(["26_35", "36_45", "46_55"]),
            self.rng.choice(["demandeur_emploi", "demandeur_emploi", "autre"]),
        )
        quartier = self.rng.choice(donnees.PROJET_VIE_QUARTIERS)
        suivi = self._petit_suivi(
            "projet_vie", annee, personne, quartier, referent, dossier, rdvs, sortie
        )
        suivi.nouveau[0].update(
            niveau_qualification=self.rng.choice(["sans_diplome", "cap_bep"]),
            revenu=self.rng.choice(["rsa", "rsa", "ass"]),
        )
        return suivi

    def _habitant(self, annee: int, rang: int) -> Suivi:
        """An inhabitant of the Charles Six sector (Wazemmes) who prepares the neighbourhood
        party with the collective (1.5.6): three preparation meetings, the party, then the
        dossier is closed (non valorisable: no activity is created)."""
        fete = donnees.FETE_CHARLES_SIX.get(annee, D(annee, 6, 14))
        if annee == 2013 and rang < len(donnees.HABITANTS_2013):
            genre, tranche, situation, jour = donnees.HABITANTS_2013[rang]
        else:
            genre = self.rng.choice(["F", "H"])
            tranche = self.rng.choice(["36_45", "46_55", "plus_55"])
            situation = self.rng.choice(["salarie", "retraite", "demandeur_emploi"])
            jour = self._jour_ouvre(self._jour(D(annee, 3, 1), D(annee, 4, 15)), fete)
        referent = "gdelevaque"
        rdvs = []
        for objet in (
            RendezVous.Objet.ACCUEIL_ORIENTATION,
            RendezVous.Objet.SUIVI,
            RendezVous.Objet.SUIVI,
        ):
            rdvs.append(
                Rdv(
                    jour,
                    referent,
                    objet,
                    lieu=RendezVous.Lieu.AUTRE,
                    lieu_precision="Local du collectif Charles Six, Wazemmes",
                    heure=datetime.time(18, 0),
                    duree_minutes=120,
                    collectif=True,
                )
            )
            jour = min(jour + datetime.timedelta(self.rng.randint(14, 21)), fete)
        sortie = Changement(
            fete + datetime.timedelta(14),
            Phase.SORTIE,
            referent,
            type_sortie=ChangementPhase.TypeSortie.NON_VALORISABLE,
            issue=ChangementPhase.Issue.AUTRE,
        )
        dossier = {
            "intitule": "Fête des habitants du secteur Charles Six",
            "secteur": "culture_loisirs",
            "projet_collectif": "oui",
            "projet_economique": "non",
            "forme_juridique_envisagee": "association",
            "stade_premier_accueil": "idee",
        }
        personne = (genre, tranche, situation)
        return self._petit_suivi(
            "habitants", annee, personne, "Wazemmes", referent, dossier, rdvs, sortie
        )

    def _rdv_prevus(self, s: Suivi, annee: int) -> None:
        """CitésLab 2013: the 3rd and 4th appointments of figure 8."""
        deja = sum(1 for e in s.evenements if isinstance(e, Rdv))
        for _ in range(s.nb_rdv_prevus - deja):
            jour = s.dernier + datetime.timedelta(self.rng.randint(7, 14))
            jour = self._jour_ouvre(min(jour, D(annee, 12, 27)), D(annee, 12, 30))
            s.evenements.append(
                Rdv(jour, self._charge_du(s, jour), heure=self._heure(), duree_minutes=60)
            )
            s.dernier = jour
        s.nb_rdv_prevus = None

    def _objets_citeslab_2013(self, suivis: list[Suivi]) -> None:
        """Figure 7: the purpose of the 93 appointments of the porteurs received in 2013."""
        rdvs = [
            e
            for s in suivis
            if s.dispositif == "citeslab" and s.reference.startswith("2013-")
            for e in s.evenements
            if isinstance(e, Rdv)
        ]
        comptes = donnees.OBJETS_CITESLAB
        ao = RendezVous.Objet.ACCUEIL_ORIENTATION
        nombres = dict(zip(comptes, repartir(comptes.values(), len(rdvs)), strict=True))
        autres_objets = self._tirage(
            [o for o in comptes if o != ao], [n for o, n in nombres.items() if o != ao]
        )
        premiers = [r for r in rdvs if r.objet == ao]
        suivants = [r for r in rdvs if r.objet != ao]
        self.rng.shuffle(premiers)
        # that many first appointments are accueil-orientation, every other one takes the rest
        for rdv in premiers[nombres[ao] :] + suivants:
            rdv.objet = autres_objets.pop()


_INTITULES = {
    "commerce": ["Épicerie solidaire", "Boutique de créateurs", "Friperie", "Commerce équitable"],
    "services_personnes": ["Aide à domicile", "Garde d'enfants", "Conciergerie de quartier"],
    "services_entreprises": ["Traduction", "Secrétariat partagé", "Conseil aux associations"],
    "restauration": ["Café associatif", "Traiteur solidaire", "Cantine de quartier"],
    "artisanat": ["Atelier couture", "Ébénisterie", "Atelier vélo"],
    "culture_loisirs": ["Compagnie de théâtre", "École de musique", "Festival de quartier"],
    "btp": ["Éco-construction", "Rénovation solidaire"],
    "sante_social": ["Maison de santé", "Accueil de jour", "Médiation sociale"],
    "numerique": ["Atelier numérique", "Fablab"],
    "environnement": ["Recyclerie", "Jardin partagé", "Composteur collectif"],
    "agriculture": ["Maraîchage bio", "AMAP"],
    "autre": ["Projet de quartier", "Coopérative d'activités"],
    "nr": ["Projet à préciser"],
}


def _intitule(rng: random.Random, secteur: str, commune: str) -> str:
    return f"{rng.choice(_INTITULES[secteur])} à {commune}"


# --- Writers -------------------------------------------------------------------------------


def _rdv_champs(r: Rdv, utilisateurs: dict) -> dict:
    return {
        "date": r.date,
        "heure": r.heure,
        "duree_minutes": r.duree_minutes,
        "charge": utilisateurs[r.charge],
        "lieu": r.lieu,
        "point_accueil_id": r.point_accueil_id,
        "lieu_precision": r.lieu_precision,
        "objet": r.objet,
        "collectif": r.collectif,
        "statut": r.statut,
    }


class EcrivainDomaine:
    """Writes the plan through the functions the screens call, one dossier at a time."""

    def __init__(self, ctx: Contexte):
        self.ctx = ctx
        self.compteurs: Counter = Counter()

    def ecrire(self, suivis: list[Suivi]) -> None:
        u = self.ctx.utilisateurs
        for s in suivis:
            evenements = sorted(s.evenements, key=lambda e: (e.date, isinstance(e, Changement)))
            if s.nouveau is not None:
                porteur_champs, dossier_champs = s.nouveau
                premier = evenements.pop(0)
                s.objet = services.recevoir_nouvelle_personne(
                    Porteur(**porteur_champs),
                    Dossier(**dossier_champs),
                    RendezVous(**_rdv_champs(premier, u)),
                    auteur=u[premier.charge],
                )
                s.cle = s.objet.pk
                self.compteurs["dossiers"] += 1
                self.compteurs["rendez_vous"] += 1
            for e in evenements:
                if isinstance(e, Rdv):
                    champs = _rdv_champs(e, u)
                    pa = champs.pop("point_accueil_id")
                    champs["point_accueil"] = PointAccueil(pk=pa) if pa else None
                    services.enregistrer_rendez_vous(s.objet, auteur=u[e.charge], **champs)
                    self.compteurs["rendez_vous"] += 1
                else:
                    phases.changer_phase(
                        s.objet,
                        e.phase,
                        e.date,
                        auteur=u[e.auteur],
                        type_sortie=e.type_sortie or None,
                        issue=e.issue or None,
                        orientation_vers=StructurePartenaire(pk=e.orientation_id)
                        if e.orientation_id
                        else None,
                        date_convention=e.date if e.phase == Phase.CREATION else None,
                    )
                    if e.emplois is not None:
                        Dossier.objects.filter(pk=s.cle).update(emplois_crees=e.emplois)
                    self.compteurs["changements"] += 1
            assert s.objet.phase == s.phase, (s.reference, s.objet.phase, s.phase)
            s.nouveau, s.evenements = None, []


class _Pas(NamedTuple):
    """A dossier's last change as the bulk writer remembers it between years: what
    phases.verifier_changement reads of it."""

    phase: str
    date: datetime.date


class EcrivainMasse:
    """Writes the plan with bulk_create, after checking it against the rules the domain
    functions apply: the appointment rule (phases.declencheurs: the first and second held
    appointments open accueil and maturation), then every change against
    phases.verifier_changement, the check changer_phase makes."""

    TAILLE_LOT = 2000

    def __init__(self, ctx: Contexte):
        self.ctx = ctx
        self.compteurs: Counter = Counter()
        # per dossier still on the path: its last change and its held appointments of the
        # previous years that the appointment rule reads (at most the first two)
        self.etats: dict[str, tuple[_Pas | None, tuple[Rdv, ...]]] = {}
        # per dossier still on the path: its changes so far, for its path cache
        # (phases.resume_du_parcours)
        self.historiques: dict[str, list[ChangementPhase]] = {}

    def ecrire(self, suivis: list[Suivi]) -> None:
        u = self.ctx.utilisateurs
        nouveaux = [s for s in suivis if s.nouveau is not None]
        porteurs = [Porteur(**s.nouveau[0]) for s in nouveaux]
        Porteur.objects.bulk_create(porteurs, batch_size=self.TAILLE_LOT)
        dossiers: dict[str, Dossier] = {}
        for s, porteur in zip(nouveaux, porteurs, strict=True):
            d = Dossier(porteur=porteur, **s.nouveau[1])
            dossiers[s.reference] = d
        existants = {s.reference: s.cle for s in suivis if s.nouveau is None and s.cle is not None}
        rdvs: list[RendezVous] = []
        changements: list[tuple[ChangementPhase, RendezVous | None]] = []
        emplois: dict[str, int] = {}
        accueils: dict[str, datetime.date] = {}
        resumes: dict[str, dict[str, object]] = {}
        for s in suivis:
            dossier = dossiers.get(s.reference) or Dossier(pk=existants[s.reference])
            historique = self.historiques.pop(s.reference, [])
            changements_avant = len(changements)
            dossier.reference = s.reference
            derniere, anciens = self.etats.get(s.reference, (None, ()))
            evenements = sorted(s.evenements, key=lambda e: (e.date, isinstance(e, Changement)))
            # The appointment rule on the appointments so far: those of the previous years
            # come first in entry order, as in the database.
            cette_annee = [e for e in evenements if isinstance(e, Rdv)]
            regle = phases.declencheurs([*anciens, *cette_annee])
            ouvre = {id(r): phase for phase, r in regle.items() if r is not None}
            for e in evenements:
                if isinstance(e, Rdv):
                    champs = _rdv_champs(e, u)
                    rdv = RendezVous(dossier=dossier, cree_par=u[e.charge], **champs)
                    rdv.clean()
                    rdvs.append(rdv)
                    auto = ouvre.get(id(e))
                    actuelle = derniere.phase if derniere else None
                    precedente = {Phase.ACCUEIL: None, Phase.MATURATION: Phase.ACCUEIL}
                    # recalculer_automatiques opens a phase only from the one before it
                    if auto and actuelle == precedente[auto]:
                        phases.verifier_changement(
                            s.reference, derniere, auto, e.date, rendez_vous=rdv, automatique=True
                        )
                        c = ChangementPhase(
                            dossier=dossier, phase=auto, date=e.date, automatique=True
                        )
                        changements.append((c, rdv))
                        derniere = _Pas(auto, e.date)
                        if auto == Phase.ACCUEIL:
                            accueils[s.reference] = e.date
                else:
                    orientation = (
                        StructurePartenaire(pk=e.orientation_id) if e.orientation_id else None
                    )
                    convention = e.date if e.phase == Phase.CREATION else None
                    phases.verifier_changement(
                        s.reference,
                        derniere,
                        e.phase,
                        e.date,
                        type_sortie=e.type_sortie or None,
                        issue=e.issue or None,
                        orientation_vers=orientation,
                        date_convention=convention,
                    )
                    c = ChangementPhase(
                        dossier=dossier,
                        phase=e.phase,
                        date=e.date,
                        type_sortie=e.type_sortie,
                        issue=e.issue,
                        orientation_vers_id=e.orientation_id,
                        date_convention=convention,
                        auteur=u[e.auteur],
                    )
                    changements.append((c, None))
                    derniere = _Pas(e.phase, e.date)
                    if e.emplois is not None:
                        emplois[s.reference] = e.emplois
            if derniere is not None:
                dossier.phase = derniere.phase
            assert (derniere.phase if derniere else None) == s.phase, s.reference
            historique += [c for c, _ in changements[changements_avant:]]
            resumes[s.reference] = phases.resume_du_parcours(historique)
            if s.phase == Phase.SORTIE:
                self.etats.pop(s.reference, None)
            else:
                self.etats[s.reference] = (derniere, tuple(r for r in regle.values() if r))
                self.historiques[s.reference] = historique

        # Dossiers: phase cache and reception snapshot as changer_phase writes them.
        communes = self.ctx.communes_par_pk
        quartiers = self.ctx.quartiers_par_pk
        for s in nouveaux:
            d = dossiers[s.reference]
            accueil = accueils.get(s.reference)
            d.emplois_crees = emplois.get(s.reference, 0)
            for champ, valeur in resumes[s.reference].items():
                setattr(d, champ, valeur)
            if accueil:
                d.date_accueil = accueil
                commune = communes.get(d.porteur.commune_id)
                quartier = quartiers.get(d.porteur.quartier_id)
                d.commune_accueil_id = commune.pk if commune else None
                d.epci_accueil_id = commune.epci_id if commune else None
                d.territoire_gouvernance_accueil_id = (
                    commune.territoire_gouvernance_id if commune else None
                )
                d.quartier_accueil_id = quartier.pk if quartier else None
                d.qpv_accueil = quartier.qpv if quartier else None
        Dossier.objects.bulk_create(list(dossiers.values()), batch_size=self.TAILLE_LOT)
        for s in nouveaux:
            s.cle = dossiers[s.reference].pk
        for r in rdvs:
            r.dossier_id = r.dossier.pk
        RendezVous.objects.bulk_create(rdvs, batch_size=self.TAILLE_LOT)
        lignes = []
        for c, rdv in changements:
            c.dossier_id = c.dossier.pk
            if rdv is not None:
                c.rendez_vous_id = rdv.pk
            lignes.append(c)
        ChangementPhase.objects.bulk_create(lignes, batch_size=self.TAILLE_LOT)
        # Carried-over dossiers: their phase and path caches, and jobs.
        suivants = [s for s in suivis if s.nouveau is None and s.cle is not None]
        champs = ["phase", *phases.CHAMPS_PARCOURS]
        a_jour = [
            Dossier(pk=s.cle, phase=s.phase, **resumes[s.reference])
            for s in suivants
            if s.reference not in emplois
        ]
        Dossier.objects.bulk_update(a_jour, champs, batch_size=self.TAILLE_LOT)
        a_jour = [
            Dossier(
                pk=s.cle, phase=s.phase, emplois_crees=emplois[s.reference], **resumes[s.reference]
            )
            for s in suivants
            if s.reference in emplois
        ]
        Dossier.objects.bulk_update(a_jour, [*champs, "emplois_crees"], batch_size=self.TAILLE_LOT)
        self.compteurs["dossiers"] += len(dossiers)
        self.compteurs["rendez_vous"] += len(rdvs)
        self.compteurs["changements"] += len(lignes)
        for s in suivis:
            s.nouveau, s.evenements = None, []


# --- Staff, association life, ADVA, events ---------------------------------------------------


def creer_salaries() -> dict[str, object]:
    """Section 0.3.2: the staff with their dates, FTE and role; reuses the référents created
    by charger_referentiel. No usable password: the demo logs in with comptes_demo's."""
    Utilisateur = get_user_model()
    groupes = {g.name: g for g in Group.objects.filter(name__in=[CHARGE, DIRECTION])}
    salaries = {}
    for username, prenom, nom, fonction, etp, entree, sortie, direction in donnees.SALARIES:
        user, cree = Utilisateur.objects.get_or_create(
            username=username, defaults={"first_name": prenom, "last_name": nom}
        )
        user.first_name, user.last_name = prenom, nom
        user.fonction, user.etp = fonction, etp
        user.date_entree, user.date_sortie = entree, sortie
        user.is_active = sortie is None
        if cree or user.has_usable_password():
            user.set_unusable_password()
        user.save()
        user.groups.set([groupes[DIRECTION if direction else CHARGE]])
        salaries[username] = user
    return salaries


def creer_vie_associative() -> None:
    for annee, n in donnees.ADHERENTS.items():
        AnneeAssociative.objects.update_or_create(annee=annee, defaults={"nombre_adherents": n})
    for jour, invites, precision in donnees.REUNIONS_CONSEIL:
        ReunionConseil.objects.update_or_create(
            date=jour, defaults={"salaries_invites": invites, "precision": precision}
        )
    ag, _ = AssembleeGenerale.objects.get_or_create(date=donnees.ASSEMBLEE_GENERALE)
    if not ag.membres_conseil.exists():
        MembreConseil.objects.bulk_create(
            MembreConseil(
                assemblee=ag, nom=nom, prenom=prenom, fonction=f, association_representee=asso
            )
            for nom, prenom, f, asso in donnees.CONSEIL
        )


def creer_evenements(ctx: Contexte) -> int:
    communes = ctx.communes
    u = ctx.utilisateurs
    n = 0
    for (
        type_,
        jour,
        fin,
        titre,
        lieu,
        insee,
        intervenants,
        presents,
        public,
        resume,
    ) in donnees.EVENEMENTS:
        e = Evenement.objects.create(
            type=type_,
            date=jour,
            date_fin=fin,
            titre=titre,
            lieu=lieu,
            commune=communes.get(insee),
            intervenants=intervenants,
            participants=presents,
            public=public,
            resume=resume,
        )
        presents_salaries = [
            u[x]
            for x, nom in (
                ("gdelevaque", "Delevaque"),
                ("mlecoz", "Le Coz"),
                ("alecoutour", "Le Coutour"),
                ("mlecoz", "Michael"),
            )
            if nom in intervenants
        ]
        if "Équipe salariée" in intervenants:
            presents_salaries = [
                x for x in u.values() if getattr(x, "date_entree", None) and x.en_poste_le(jour)
            ]
        if "CitésLab" in intervenants:
            presents_salaries = [u["mbokoto"]]
        e.salaries.set(set(presents_salaries))
        n += 1
    for jour, titre in donnees.RENCONTRES_VALENCIENNOIS:
        e = Evenement.objects.create(
            type=Evenement.Type.REUNION_TERRITORIALE,
            date=jour,
            titre=titre,
            commune=communes.get("59606"),
            intervenants="Sylvain Masclat (Maillage)",
        )
        e.salaries.set([u["smasclat"]])
        n += 1
    return n


def _situations_2013() -> dict[str, list[int]]:
    """ESCALE dossiers by how they stood in the casework in 2013, by formations.stats'
    own reading of the phase history (accueillie, maturation, accompagnee)."""
    debut, fin = D(2013, 1, 1), D(2013, 12, 31)
    rang = {p: i for i, p in enumerate(Phase.values)}
    par_situation: dict[str, list[int]] = defaultdict(list)
    # Read dossier by dossier (rows in dossier order, streamed): one history in memory at a
    # time, whatever the scale.
    lignes = (
        ChangementPhase.objects.filter(date__lte=fin, dossier__dispositif="escale")
        .order_by("dossier_id")
        .values_list("dossier_id", "phase", "date")
        .iterator(chunk_size=5000)
    )
    for dossier_id, groupe in itertools.groupby(lignes, key=lambda ligne: ligne[0]):
        h = sorted(((phase, jour) for _d, phase, jour in groupe), key=lambda c: (rang[c[0]], c[1]))
        situation = _situation(h, debut, fin)
        if situation:
            par_situation[situation].append(dossier_id)
    return par_situation


class Formations:
    """ADVA: conventions, sessions with their days, associations, trainees, enrolments and
    fiches. 2013 is exact (scale x the seed's); the other years plausible."""

    def __init__(self, ctx: Contexte, rng: random.Random, faker: Faker, echelle: int, masse: bool):
        self.ctx, self.rng, self.faker, self.echelle, self.masse = ctx, rng, faker, echelle, masse
        self.compteurs: Counter = Counter()
        # Bulk writes only: the trainees written so far (their pk once saved), by what
        # trouver_stagiaire compares (normalised names and birth date), so that a person
        # generated twice is one trainee.
        self.stagiaires_vus: dict[tuple, Stagiaire | int] = {}

    def creer(self) -> None:
        modules = {m.code: m for m in Module.objects.all()}
        conventions = {}
        region = self.ctx.structures.get("Conseil Régional Nord-Pas de Calais")
        for libelle, debut, fin, prevus in donnees.CONVENTIONS:
            c = Convention.objects.create(
                libelle=libelle, date_debut=debut, date_fin=fin, financeur_id=region
            )
            ModulePrevu.objects.bulk_create(
                ModulePrevu(convention=c, module=modules[code], sessions_prevues=n)
                for code, n in prevus.items()
            )
            conventions[libelle] = c
        situations = _situations_2013()
        situations["accueillie"] = situations.get("accueillie", []) + situations.pop(
            "maturation", []
        )
        for dossiers in situations.values():
            self.rng.shuffle(dossiers)
        for annee in sorted({s[2][-1].year for s in donnees.SESSIONS}):
            for copie in range(self.echelle):
                sessions = []
                for conv, code, jours, lieu, insee, effectif, formateurs in donnees.SESSIONS:
                    if jours[-1].year != annee:
                        continue
                    session = Session(
                        convention=conventions[conv],
                        module=modules[code],
                        date_debut=jours[0],
                        date_fin=jours[-1],
                        nombre_jours=Decimal(len(jours)),
                        lieu=lieu,
                        commune=self.ctx.communes.get(insee),
                    )
                    sessions.append((session, effectif, jours, formateurs))
                    self.compteurs["sessions"] += 1
                sessions = self._ecrire_sessions(sessions)
                self._inscriptions(annee, sessions, situations, copie)
                reset_queries()

    def _ecrire_sessions(self, a_ecrire: list[tuple]) -> list[tuple[Session, int, list]]:
        """Write the sessions with their trainers and days; return (session, headcount,
        days in date order)."""
        u = self.ctx.utilisateurs
        if not self.masse:
            sessions = []
            for session, effectif, jours, formateurs in a_ecrire:
                session.save()
                session.formateurs.set([u[f] for f in formateurs])
                sessions.append(
                    (session, effectif, formations_services.creer_jours(session, jours))
                )
            return sessions
        Session.objects.bulk_create([x[0] for x in a_ecrire])
        Formateurs = Session.formateurs.through
        Formateurs.objects.bulk_create(
            Formateurs(session_id=session.pk, utilisateur_id=u[f].pk)
            for session, _n, _jours, formateurs in a_ecrire
            for f in formateurs
        )
        # creer_jours' check, for the days written here without it
        sessions = []
        for session, effectif, jours, _f in a_ecrire:
            assert all(session.date_debut <= d <= session.date_fin for d in jours)
            sessions.append(
                (
                    session,
                    effectif,
                    [JourSession(session=session, date=d) for d in sorted(set(jours))],
                )
            )
        JourSession.objects.bulk_create(j for _s, _n, jours in sessions for j in jours)
        return sessions

    def _inscriptions(self, annee, sessions, situations, copie) -> None:
        total = sum(n for _, n, _j in sessions)
        if annee == 2013:
            cible = donnees.ADVA_2013
            n_assos = cible["associations"]
            n_personnes = cible["personnes"]
            n_fiches = cible["fiches"]
            fiches_src = donnees.FICHES_2013
        else:
            n_assos = max(1, round(total * 0.7))
            n_personnes = max(n_assos, round(total * 0.9))
            n_fiches = round(total * 0.75)
            fiches_src = donnees.FICHES_AUTRES
        # associations: 13 received or maturing, 16 supported (2013), the rest unknown
        liens: list[int | None] = []
        if annee == 2013:
            acc = situations.get("accueillie", [])  # received or in maturation
            sup = situations.get("accompagnee", [])
            k = cible["associations_accueillies_ou_maturation"]
            m = cible["associations_accompagnees"]
            # each copy (scale) takes its own dossiers, in an order shuffled once
            tranche_acc = [acc[i % len(acc)] for i in range(copie * k, (copie + 1) * k)]
            tranche_sup = [sup[i % len(sup)] for i in range(copie * m, (copie + 1) * m)]
            liens = list(tranche_acc) + list(tranche_sup)
        liens += [None] * (n_assos - len(liens))
        noms_dossiers = dict(
            Dossier.objects.filter(pk__in=[x for x in liens if x]).values_list("pk", "intitule")
        )
        associations = []
        for dossier_id in liens:
            nom = noms_dossiers.get(dossier_id) or f"Association {self.faker.last_name()} " + (
                self.rng.choice(["Solidarité", "Culture", "Quartier", "Loisirs", "Sport", "Avenir"])
            )
            commune = self.ctx.communes[
                self.rng.choice(["59350", "59350", "59512", "59599", "59009"])
            ]
            associations.append(
                AssociationInscrivante(nom=nom, commune=commune, dossier_id=dossier_id)
            )
        if self.masse:
            AssociationInscrivante.objects.bulk_create(associations)
        else:
            for association in associations:
                association.save()
        # people: each association has one, the extra ones go to random associations
        personnes = [(i, i) for i in range(n_assos)]
        personnes += [
            (n_assos + j, self.rng.randrange(n_assos)) for j in range(n_personnes - n_assos)
        ]
        # enrolments: every person once, then repeats of random people (several sessions)
        inscrits = list(personnes) + self.rng.sample(personnes, total - n_personnes)
        self.rng.shuffle(inscrits)
        places = [s for s, n, _j in sessions for _ in range(n)]
        affectation: dict[int, list] = defaultdict(list)
        for _ in range(200):  # a person is at most once in a session
            self.rng.shuffle(inscrits)
            affectation = defaultdict(list)
            ok = True
            for (p, a), session in zip(inscrits, places, strict=True):
                if session.pk in {s.pk for s, _ in affectation[p]}:
                    ok = False
                    break
                affectation[p].append((session, a))
            if ok:
                break
        # fiches: n_fiches enrolments, answers dealt per person so that one person gives the
        # same answers each time (the association-specific "sphère dirigeante" aside)
        toutes = [(p, s, a) for p, lst in affectation.items() for s, a in lst]
        toutes.sort(key=lambda x: (x[0], x[1].date_debut))
        avec_fiche = set(self.rng.sample(range(len(toutes)), n_fiches))
        poids_personne = Counter(toutes[i][0] for i in avec_fiche)
        reponses = {
            q: self._distribuer(poids_personne, repartir(v.values(), n_fiches), list(v))
            for q, v in fiches_src.items()
        }
        stagiaires = {}
        for p, _s in sorted({(x[0], 0) for x in toutes}):
            genre = reponses["genre"].get(p) or self.rng.choice(["F", "H"])
            tranche = reponses["tranche_age"].get(p)
            age = {"moins_26": (20, 25), "plus_60": (61, 70), "26_60": (26, 60)}.get(
                tranche, (25, 60)
            )
            naissance = D(annee - self.rng.randint(*age) - 1, self.rng.randint(1, 12), 15)
            prenom = (
                self.faker.first_name_female() if genre == "F" else self.faker.first_name_male()
            )
            nom = self.faker.last_name()
            email = f"{_ascii(prenom)}.{_ascii(nom)}.{annee}{copie}{p}@exemple.org".replace(" ", "")
            if self.masse:
                stagiaires[p] = self._stagiaire(nom, prenom, naissance, genre, email)
            else:
                stagiaires[p], _ = formations_services.trouver_ou_creer_stagiaire(
                    nom, prenom, date_naissance=naissance, genre=genre, email=email
                )
        if self.masse:
            nouveaux = [s for s in stagiaires.values() if s.pk is None]
            Stagiaire.objects.bulk_create(nouveaux)
            for s in nouveaux:  # keep the key and the pk, not the instance
                self.stagiaires_vus[self._cle_stagiaire(s.nom, s.prenom, s.date_naissance)] = s.pk
        fiches = []
        for i, (p, _session, _a) in enumerate(toutes):
            fiche = None
            if i in avec_fiche:
                fiche = formations_services.Fiche(
                    genre=reponses["genre"][p],
                    tranche_age=reponses["tranche_age"][p],
                    sphere_dirigeante=reponses["sphere_dirigeante"][p],
                    emploi=reponses["emploi"][p],
                )
            fiches.append(fiche)
        self.compteurs["inscriptions"] += len(toutes)
        if self.masse:
            confirmees = self._inscrire_en_masse(toutes, stagiaires, associations, fiches)
        else:
            for (p, session, a), fiche in zip(toutes, fiches, strict=True):
                formations_services.inscrire(session, stagiaires[p], associations[a], fiche=fiche)
            confirmees = {
                session.pk: list(session.inscriptions.confirmees()) for session, _n, _j in sessions
            }
        presences = []
        for session, _n, jours in sessions:
            presents = confirmees.get(session.pk, [])
            for jour in jours:
                venus = [i for i in presents if self.rng.random() < 0.93]
                if self.masse:
                    ids = {id(i) for i in venus}
                    presences += [
                        Presence(inscription=i, jour=jour, present=id(i) in ids) for i in presents
                    ]
                else:
                    formations_services.noter_presences(jour, venus)
        Presence.objects.bulk_create(presences, batch_size=EcrivainMasse.TAILLE_LOT)

    def _stagiaire(
        self, nom: str, prenom: str, naissance: datetime.date, genre: str, email: str
    ) -> Stagiaire:
        """trouver_ou_creer_stagiaire without its query: the same person (trouver_stagiaire's
        comparison) is the same trainee; a new one is returned unsaved."""
        cle = self._cle_stagiaire(nom, prenom, naissance)
        vu = self.stagiaires_vus.get(cle)
        if isinstance(vu, int):
            return Stagiaire(pk=vu)
        if vu is None:
            vu = self.stagiaires_vus[cle] = Stagiaire(
                nom=nom.strip(),
                prenom=prenom.strip(),
                date_naissance=naissance,
                email=email.strip(),
                genre=genre,
            )
        return vu

    @staticmethod
    def _cle_stagiaire(nom: str, prenom: str, naissance: datetime.date) -> tuple:
        normaliser = formations_services.normaliser_nom
        return (normaliser(nom), normaliser(prenom), naissance)

    def _inscrire_en_masse(self, toutes, stagiaires, associations, fiches) -> dict[int, list]:
        """formations.services.inscrire for a whole year, in one bulk insert: the same
        statuses (confirmed while the session has seats, then the waiting list in order), a
        trainee enrolled once per session; return the confirmed enrolments per session, in
        enrolment order (the order noter_presences reads them in)."""
        inscriptions: list[Inscription] = []
        confirmees: dict[int, list[Inscription]] = defaultdict(list)
        rangs: Counter = Counter()
        deja: set[tuple[int, int]] = set()
        for (p, session, a), fiche in zip(toutes, fiches, strict=True):
            stagiaire = stagiaires[p]
            if (session.pk, stagiaire.pk) in deja:
                continue
            deja.add((session.pk, stagiaire.pk))
            inscription = Inscription(
                session=session, stagiaire=stagiaire, association=associations[a]
            )
            if len(confirmees[session.pk]) < session.capacite:
                inscription.statut = Inscription.Statut.INSCRIT
                confirmees[session.pk].append(inscription)
            else:
                inscription.statut = Inscription.Statut.LISTE_ATTENTE
                rangs[session.pk] += 1
                inscription.rang_attente = rangs[session.pk]
            if fiche is not None:
                inscription.fiche_renseignee = True
                inscription.fiche_genre = fiche.genre
                inscription.fiche_tranche_age = fiche.tranche_age
                inscription.fiche_sphere_dirigeante = fiche.sphere_dirigeante
                inscription.fiche_emploi = fiche.emploi
            inscriptions.append(inscription)
        Inscription.objects.bulk_create(inscriptions, batch_size=EcrivainMasse.TAILLE_LOT)
        return confirmees

    def _distribuer(self, poids: Counter, comptes: list[int], valeurs: list[str]) -> dict:
        """Give each person one value so that the weighted counts are exactly `comptes`
        (heaviest people first, while the remaining counts allow it)."""
        restant = dict(zip(valeurs, comptes, strict=True))
        resultat = {}
        personnes = sorted(poids, key=lambda p: (-poids[p], p))
        for p in personnes:
            w = poids[p]
            possibles = [v for v in valeurs if restant[v] >= w]
            if not possibles:
                raise RuntimeError("répartition des fiches impossible")
            v = self.rng.choices(possibles, weights=[restant[x] for x in possibles], k=1)[0]
            resultat[p] = v
            restant[v] -= w
        return resultat


# --- The whole demo -------------------------------------------------------------------------


@dataclass
class Bilan:
    compteurs: Counter
    duree: float


def marqueur_present() -> bool:
    """The demo is complete: its general assembly (written last) and its first 2013 dossier
    exist."""
    return (
        AssembleeGenerale.objects.filter(date=donnees.ASSEMBLEE_GENERALE).exists()
        and Dossier.objects.filter(reference="2013-0001").exists()
    )


def demo_commencee() -> bool:
    return Dossier.objects.filter(reference__regex=r"^20(1[0-9]|0[0-9])-\d{4}$").exists()


def vider() -> Counter:
    """Delete the demo's data: casework, formations, events, association life, historical
    aggregates. Reference data and accounts stay. Children first, raw deletes (no signals
    here; a million rows must not be loaded to be deleted)."""
    from django.apps import apps

    modeles = [
        Presence,
        Inscription,
        JourSession,
        Session.formateurs.through,
        Session,
        Stagiaire,
        AssociationInscrivante,
        ModulePrevu,
        Convention,
        Evenement.salaries.through,
        Evenement,
        ChangementPhase,
        RendezVous,
        Dossier.co_porteurs.through,
        Dossier,
        Porteur,
        MembreConseil,
        AssembleeGenerale,
        ReunionConseil,
        AnneeAssociative,
    ]
    if apps.is_installed("rapports"):
        with contextlib.suppress(LookupError):
            modeles.append(apps.get_model("rapports", "AgregatHistorique"))
    supprimes: Counter = Counter()
    with transaction.atomic():
        for modele in modeles:
            qs = modele._base_manager.all()
            supprimes[modele._meta.label] = qs._raw_delete(qs.db)
    return supprimes


def creer_agregats_historiques() -> int:
    """The published figures of the years before the app (rapports.AgregatHistorique), when
    the model exists: the 2007-2010 gender shares as published, and the "since 2000" totals
    of section 0.5 minus what the app computes for 2011-2013, filed under 2010 (a row holding
    several years is filed under the last one, see the model). Uses rapports.stats' own
    computation, so that its 2013 total gives the seed's figure back (at scale 1)."""
    from django.apps import apps

    try:
        Agregat = apps.get_model("rapports", "AgregatHistorique")
        from rapports.stats import chiffres_depuis_la_creation
    except (LookupError, ImportError):
        return 0
    lignes = []
    for annee, (femmes, hommes) in donnees.PARTS_GENRE_HISTORIQUES.items():
        source = "rapport d'activité 2013, § 1.5.2 (tableau 2007-2013)"
        lignes += [
            Agregat(
                annee=annee,
                indicateur="part_femmes",
                dispositif="escale",
                valeur=femmes,
                source=source,
            ),
            Agregat(
                annee=annee,
                indicateur="part_hommes",
                dispositif="escale",
                valeur=hommes,
                source=source,
            ),
        ]
    # computed 2011-2013 = computed up to 2013 minus computed up to 2010 (no rows stored yet)
    jusqu_a_2013 = chiffres_depuis_la_creation(2013)
    jusqu_a_2010 = chiffres_depuis_la_creation(2010)
    for indicateur, publie in donnees.DEPUIS_2000.items():
        calcule = getattr(jusqu_a_2013, indicateur) - getattr(jusqu_a_2010, indicateur)
        lignes.append(
            Agregat(
                annee=2010,
                indicateur=indicateur,
                dispositif="",
                valeur=Decimal(max(publie - calcule, 0)),
                source=(
                    f"rapport d'activité 2013, § 0.5 : {publie} de 2000 à 2013, moins les "
                    f"{calcule} que l'application compte pour 2011-2013 ; couvre 2000-2010"
                ),
            )
        )
    Agregat.objects.bulk_create(lignes, ignore_conflicts=True)
    return len(lignes)


def creer_rendez_vous_de_la_semaine(ctx: Contexte, aujourd_hui: datetime.date) -> int:
    """A few planned appointments for the `charge` demo account from today, so that "Mes
    rendez-vous" is not empty: new people booked for a first reception (not received yet:
    a planned appointment opens nothing). Dated from today, they never touch 2011-2014."""
    charge = ctx.utilisateurs.get("charge")
    if charge is None:
        return 0
    faker = Faker("fr_FR")
    faker.seed_instance(aujourd_hui.toordinal())
    rng = random.Random(aujourd_hui.toordinal())
    n = 0
    jour = aujourd_hui
    lille = ctx.communes["59350"]
    for i in range(5):
        while jour.weekday() >= 5:
            jour += datetime.timedelta(1)
        genre = rng.choice(["F", "H"])
        porteur = Porteur(
            nom=faker.last_name(),
            prenom=faker.first_name_female() if genre == "F" else faker.first_name_male(),
            genre=genre,
            commune=lille,
            telephone=faker.phone_number(),
        )
        dossier = Dossier(intitule=_intitule(rng, "environnement", "Lille"), dispositif="escale")
        rdv = RendezVous(
            date=jour,
            heure=datetime.time(9 + 2 * (i % 4), 0),
            charge=charge,
            objet=RendezVous.Objet.ACCUEIL_ORIENTATION,
            statut=RendezVous.Statut.PREVU,
        )
        services.recevoir_nouvelle_personne(porteur, dossier, rdv, auteur=charge)
        n += 1
        if i % 2:
            jour += datetime.timedelta(1)
    return n


def _progression(message: str) -> None:
    sys.stderr.write(f"\r{message:<78}")
    sys.stderr.flush()


def charger_demo(
    *,
    echelle: int = 1,
    annees: int = len(donnees.ANNEES),
    graine: int = 2013,
    masse: bool | None = None,
    progression: Callable[[str], None] | None = _progression,
    aujourd_hui: datetime.date | None = None,
) -> Bilan:
    """Generate the demo association. `masse`: bulk writer (default: when echelle > 1).

    Invariants: the reference data and the demo accounts exist (the command loads them);
    at scale 1 the whole demo is one transaction (all or nothing); at larger scales one
    transaction a year, and the completion marker (the 2013 general assembly) is written
    last, so an interrupted load is seen as such.
    """
    from django.utils import timezone

    debut = time.perf_counter()
    masse = echelle > 1 if masse is None else masse
    aujourd_hui = aujourd_hui or timezone.localdate()
    derniere = min(PREMIERE_ANNEE + annees - 1, aujourd_hui.year - 1)
    compteurs: Counter = Counter()

    def etape(texte: str) -> None:
        if progression:
            progression(f"{texte} ({time.perf_counter() - debut:.0f} s)")

    with transaction.atomic(durable=False) if not masse else _sans_transaction():
        if connection.vendor == "postgresql":
            with connection.cursor() as curseur:
                curseur.execute("SET statement_timeout = 0")
        StructurePartenaire.objects.get_or_create(
            nom=donnees.BOUCHE_A_OREILLE,
            defaults={"categorie": StructurePartenaire.Categorie.PRESCRIPTEUR},
        )
        creer_salaries()
        ctx = Contexte.charger()
        ctx.communes_par_pk = {c.pk: c for c in ctx.communes.values()}
        ctx.quartiers_par_pk = {q.pk: q for q in ctx.quartiers.values()}
        plan = Plan(ctx, graine=graine)
        # Scale N is N copies of the scale-1 plan, simulated and written copy by copy within
        # each year: memory holds one batch of one year, whatever N (the dossiers still on
        # the path, a few slots each, aside).
        copies = [plan] + [plan.copie() for _ in range(echelle - 1)]
        ecrivain = EcrivainMasse(ctx) if masse else EcrivainDomaine(ctx)
        for annee in range(PREMIERE_ANNEE, derniere + 1):
            with transaction.atomic():
                lot: list[Suivi] = []
                for numero, copie in enumerate(copies, start=1):
                    lot += copie.annee(annee)
                    if len(lot) < TAILLE_LOT_PLAN and numero < len(copies):
                        continue
                    ecrivain.ecrire(lot)
                    lot = []
                    # DEBUG keeps the SQL of the last 9 000 queries: bulk inserts are large
                    reset_queries()
                    etape(
                        f"{annee} : {ecrivain.compteurs['dossiers']} dossiers, "
                        f"{ecrivain.compteurs['rendez_vous']} rendez-vous"
                    )
        rng, faker = plan.rng, plan.faker
        del copies, plan
        compteurs.update(ecrivain.compteurs)
        etape("formations ADVA")
        with transaction.atomic():
            formations = Formations(ctx, rng, faker, echelle, masse)
            formations.creer()
            compteurs.update(formations.compteurs)
            compteurs["evenements"] = creer_evenements(ctx)
            compteurs["agregats"] = creer_agregats_historiques()
            compteurs["rendez_vous_a_venir"] = creer_rendez_vous_de_la_semaine(ctx, aujourd_hui)
            creer_vie_associative()  # last: the completion marker
        compteurs["changements"] = ChangementPhase.objects.count()
    if progression:
        sys.stderr.write("\n")
    return Bilan(compteurs, time.perf_counter() - debut)


class _sans_transaction:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
