"""The figures the demo association is generated from: the seed report's (shared/seed, 2013
activity report), and the demo's own choices where the seed shows a chart without numbers.

Counts given for 2013 are exact: at scale 1 the app must compute them back (tests/demo).
Other years are "poids" (weights) spread over the year's volume by `repartir`, so they stay
plausible at any scale. Section numbers refer to the seed. Usernames are those of
territoires/donnees/referents.csv for the staff the reference data already knows.
"""

import datetime
from decimal import Decimal

D = datetime.date

# --- 0.3.2 Staff -----------------------------------------------------------------------------
# (username, prénom, nom, fonction, ETP, entrée, sortie, direction?)
SALARIES = [
    ("mlecoz", "Michael", "Le Coz", "directeur", Decimal("1"), D(2008, 9, 1), None, True),
    (
        "cvercoutre",
        "Christine",
        "Vercoutre",
        "chargée de mission création, référente ressources mutualisées",
        Decimal("0.8"),
        D(2005, 3, 1),
        None,
        False,
    ),
    (
        "gdelevaque",
        "Guillaume",
        "Delevaque",
        "chargé de mission création, référent territoires et communication",
        Decimal("1"),
        D(2010, 1, 1),
        None,
        False,
    ),
    (
        "smasclat",
        "Sylvain",
        "Masclat",
        "chargé de mission création, référent accompagnement",
        Decimal("1"),
        D(2009, 6, 1),
        None,
        False,
    ),
    (
        "llegendre",
        "Ludovic",
        "Legendre",
        "chargé de mission création, référent formation",
        Decimal("1"),
        D(2009, 1, 5),
        D(2013, 3, 14),
        False,
    ),
    (
        "alecoutour",
        "Audrey",
        "Le Coutour",
        "chargée de mission création, référente formation",
        Decimal("0.8"),
        D(2013, 3, 15),
        None,
        False,
    ),
    (
        "ccognet",
        "Carole",
        "Cognet",
        "chargée de mission création, agent CitésLab",
        Decimal("1"),
        D(2012, 5, 1),
        D(2013, 5, 31),
        False,
    ),
    (
        "mbokoto",
        "Montoli",
        "Bokoto",
        "chargé de mission création, agent CitésLab",
        Decimal("1"),
        D(2013, 6, 1),
        None,
        False,
    ),
]

# --- 0.3.1 Members and board -----------------------------------------------------------------
ADHERENTS = {2011: 21, 2012: 22, 2013: 24, 2014: 25}  # 2013: seed; others: demo
ASSEMBLEE_GENERALE = D(2013, 4, 13)
# (nom, prénom, fonction, association représentée)
CONSEIL = [
    ("Quiguer", "Kenneth", "president", ""),
    ("Rouxel", "Camille", "tresorier", ""),
    ("Lemaire", "Martine", "secretaire", "La clef du Permis"),
    ("Noel", "Olivier", "membre", ""),
    ("Debreuck", "Alexandre", "membre", "Le Jardin des Bennes"),
]
# The seed lists "21 mai" before "6 mai": same eight dates, in date order.
REUNIONS_CONSEIL = [
    (D(2013, 1, 28), False, ""),
    (D(2013, 3, 20), True, ""),
    (D(2013, 5, 6), False, ""),
    (D(2013, 5, 21), False, ""),
    (D(2013, 7, 11), True, ""),
    (D(2013, 10, 10), False, ""),
    (D(2013, 11, 14), True, "équipe invitée en première partie"),
    (D(2013, 12, 17), False, ""),
]

# --- Casework volumes --------------------------------------------------------------------------
ANNEES = (2011, 2012, 2013, 2014)
RECEPTIONS = {
    "escale": {2011: 61, 2012: 68, 2013: 82, 2014: 88},  # 2012, 2013: seed 1.5.2
    "citeslab": {2012: 31, 2013: 53, 2014: 50},  # 2013: seed 1.4.1; CitésLab began 05/2012
}
# 2011, 2012: the shares of the seed's 2007-2013 table (54/46, 56/44); 2013: 47/35.
GENRE = {
    "escale": {
        2011: {"F": 33, "H": 28},
        2012: {"F": 38, "H": 30},
        2013: {"F": 47, "H": 35},
        2014: {"F": 50, "H": 38},
    },
    "citeslab": {
        2012: {"F": 12, "H": 19},
        2013: {"F": 20, "H": 33},  # 38 % (seed 1.4.1)
        2014: {"F": 19, "H": 31},
    },
}
# Receptions per month; "Au mois d'août l'association est partiellement fermée".
MOIS = {
    ("escale", 2013): [8, 7, 9, 7, 8, 8, 6, 2, 8, 8, 6, 5],
    ("escale", None): [8, 7, 8, 7, 8, 8, 6, 2, 8, 8, 7, 5],
    ("citeslab", 2012): [0, 0, 0, 0, 3, 4, 4, 1, 5, 5, 5, 4],
    ("citeslab", 2013): [5, 5, 6, 5, 5, 3, 4, 1, 5, 6, 5, 3],
    ("citeslab", None): [5, 5, 5, 5, 5, 4, 4, 1, 5, 5, 5, 3],
}

# Age brackets of the report (age on the reception day).
TRANCHES_AGE = [
    ("moins_26", 18, 25),
    ("26_35", 26, 35),
    ("36_45", 36, 45),
    ("46_55", 46, 55),
    ("plus_55", 56, 66),
    ("nr", None, None),
]
# 2013 vs 2012: "baisse très nette des moins de 26 ans (moins 15 points)" (25.0 % -> 9.8 %),
# "hausse notable des 36/45 ans" (17.6 % -> 26.8 %), 26/35 the largest (seed 1.5.2).
AGES = {
    ("escale", 2011): [14, 22, 13, 8, 3, 1],
    ("escale", 2012): [17, 25, 12, 9, 4, 1],
    ("escale", 2013): [8, 30, 22, 14, 6, 2],
    ("escale", None): [9, 31, 24, 15, 7, 2],
    ("citeslab", 2013): [5, 19, 14, 11, 4, 0],  # "26-35 ans dominante" (1.4.1)
    ("citeslab", None): [6, 18, 14, 10, 4, 1],
}

# Professional situation by gender. 2013 ESCALE: "données disponibles pour 33 hommes et 44
# femmes" (1.5.2): the others are NR.
SITUATIONS = ["demandeur_emploi", "salarie", "independant", "etudiant", "retraite", "autre", "nr"]
SITUATION_PAR_GENRE = {
    ("escale", 2013, "F"): [24, 10, 2, 3, 2, 3, 3],
    ("escale", 2013, "H"): [19, 8, 2, 2, 1, 1, 2],
    ("escale", None, None): [52, 22, 5, 6, 4, 5, 6],
    # CitésLab 2013: 35/51 = 69 % jobseekers, 7/51 = 14 % salaried, among those who answered
    # (69 % of 53 is not a whole number of people: the seed's shares are on the answers).
    ("citeslab", 2013, None): [35, 7, 2, 2, 1, 4, 2],
    ("citeslab", None, None): [34, 7, 2, 2, 1, 4, 2],
}
REVENUS = ["are", "rsa", "ass", "aah", "salaire", "aucun", "autre", "nr"]
REVENU = {
    # "1/4 ARE, une partie importante au RSA" (1.4.1): 13/50 answers.
    ("citeslab", 2013): [13, 18, 3, 1, 7, 6, 2, 3],
    ("citeslab", None): [12, 17, 3, 1, 7, 6, 2, 3],
    ("escale", None): [20, 12, 3, 2, 25, 8, 5, 25],
}
QUALIFICATIONS = ["sans_diplome", "cap_bep", "bac", "bac_2", "bac_3_plus", "nr"]
QUALIFICATION = {
    # "plus de 2/3 ont un niveau inférieur au baccalauréat" (1.4.1): 36/51 answers.
    ("citeslab", 2013): [17, 19, 9, 4, 2, 2],
    ("citeslab", None): [16, 18, 9, 4, 2, 2],
    ("escale", None): [6, 14, 20, 20, 32, 8],
}
STADES = ["envie", "idee", "projet", "structure_existante", "nr"]
STADE = {
    ("citeslab", 2013): [14, 22, 15, 2, 0],  # "focalisé sur l'émergence"
    ("citeslab", None): [13, 21, 14, 2, 0],
    ("escale", None): [8, 30, 35, 12, 5],
}
SECTEURS = [
    "commerce",
    "services_personnes",
    "services_entreprises",
    "restauration",
    "artisanat",
    "culture_loisirs",
    "btp",
    "sante_social",
    "numerique",
    "environnement",
    "agriculture",
    "autre",
    "nr",
]
SECTEUR = {
    # "peu de projets BTP, un avantage pour le commerce et les services" (1.4.1)
    ("citeslab", 2013): [14, 10, 7, 7, 5, 4, 1, 2, 2, 1, 0, 0, 0],
    ("citeslab", None): [13, 10, 7, 7, 5, 4, 1, 2, 2, 1, 0, 0, 0],
    # ESCALE: the seed's reporting tool did not record it (1.5.2); plausible ESS projects.
    ("escale", None): [8, 18, 6, 9, 5, 16, 1, 10, 4, 10, 4, 5, 4],
}
# Individual vs collective projects (CitésLab: "essentiellement individuels", 1.4.1).
COLLECTIF = {("citeslab", 2013): [8, 45], ("citeslab", None): [8, 42], ("escale", None): [45, 55]}

# Prescribers: names of territoires/donnees/structures.csv (and the demo's "Bouche-à-oreille").
BOUCHE_A_OREILLE = "Bouche-à-oreille"
PRESCRIPTEURS = {
    # 63 % by the structures hosting CitésLab (32/51 answers, 1.4.2).
    ("citeslab", 2013): [
        ("Centre Social Boilly", 8),
        ("Objectif Emploi", 9),
        ("Maison des services du Pont Rompu", 7),
        ("Ville de Wattrelos", 8),
        (BOUCHE_A_OREILLE, 9),
        ("Pôle emploi", 5),
        ("Les Ruisseaux", 2),
        ("CCAS de Wattrelos", 3),
        (None, 2),
    ],
    ("citeslab", None): [
        ("Centre Social Boilly", 8),
        ("Objectif Emploi", 8),
        ("Maison des services du Pont Rompu", 7),
        ("Ville de Wattrelos", 7),
        (BOUCHE_A_OREILLE, 10),
        ("Pôle emploi", 6),
        ("Les Ruisseaux", 2),
        ("CCAS de Wattrelos", 3),
        (None, 2),
    ],
    ("escale", None): [
        ("Pôle emploi", 14),
        ("Maison de l'Emploi de Lille", 10),
        ("BGE (Boutique de Gestion)", 8),
        ("Acteurs Pour une Économie Solidaire", 8),
        (BOUCHE_A_OREILLE, 16),
        ("Maison des Associations de Lille", 8),
        ("Comité Local d'Appui aux Projets", 5),
        ("Rhizomes", 4),
        ("Maison de l'Emploi du Valenciennois", 4),
        (None, 23),
    ],
}

# Where porteurs live, and where they were received (1.5.3). Entries: (commune INSEE code or
# EPCI sigle, quartier or None, place of the reception, count). Places: "locaux", "pap:<name
# of the point d'accueil>", "telephone", "autre:<where>".
# 2013: 82 = 81 Nord + 1 Pas-de-Calais (CAPSO); 65 LMCU; 31 Lille, 18 in a QPV, 7 with no
# known quartier. 15 receptions outside the premises: 9 at the Valenciennois PAP, 4 at the
# LMCU PAP, 1 in the Audomarois and 1 by telephone (the seed lists 9 + 4 + 1 = 14 of its 15:
# the 15th is read as a telephone reception, which has no territory).
TERRITOIRES = {
    ("escale", 2013): [
        ("59350", "Wazemmes", "locaux", 6),
        ("59350", "Moulins", "locaux", 4),
        ("59350", "Fives", "locaux", 3),
        ("59350", "Lille-Sud", "locaux", 2),
        ("59350", "Faubourg de Béthune", "locaux", 2),
        ("59350", "Bois-Blancs", "locaux", 1),
        ("59350", "Centre", "locaux", 2),
        ("59350", "Vauban-Esquermes", "locaux", 1),
        ("59350", "Vieux-Lille", "locaux", 1),
        ("59350", "Hellemmes", "locaux", 1),
        ("59350", "Saint-Maurice Pellevoisin", "locaux", 1),
        ("59350", None, "locaux", 7),
        ("59512", None, "locaux", 6),
        ("59599", None, "locaux", 4),
        ("59009", None, "locaux", 4),
        ("59009", None, "pap:PROJAIDE / OMJC / CLAP / Bourse aux Projets Locaux", 1),
        ("59560", None, "pap:Espace Jeunesse", 2),
        ("59220", None, "pap:Point Information Jeunesse", 1),
        ("59220", None, "locaux", 1),
        ("59507", None, "locaux", 2),
        ("59648", None, "locaux", 1),
        ("59360", None, "locaux", 2),
        ("59410", None, "locaux", 2),
        ("59368", None, "locaux", 2),
        ("59328", None, "locaux", 2),
        ("59017", None, "locaux", 1),
        ("59646", None, "locaux", 1),
        ("59163", None, "locaux", 1),
        ("59286", None, "locaux", 1),
        ("CAVM", None, "pap:Maison de l'emploi", 3),
        ("CAVM", None, "pap:CLAP", 2),
        ("CAVM", None, "pap:Interleukin'", 1),
        ("CAVM", None, "pap:CAREP", 1),
        ("CAVM", None, "pap:CAPEP", 1),
        ("CAVM", None, "pap:Mairie de Condé-sur-l'Escaut", 1),
        ("CAPH", None, "locaux", 3),
        ("CAD", None, "locaux", 2),
        ("CAD", None, "telephone", 1),
        ("CCCO", None, "locaux", 1),
        ("CAPSO", None, "autre:permanence à Saint-Omer", 1),
    ],
    # Other years: weights, fewer Valenciennois before 2013 (seed 1.5.3: "importante
    # augmentation de projets du Valenciennois").
    ("escale", None): [
        ("59350", "Wazemmes", "locaux", 6),
        ("59350", "Moulins", "locaux", 4),
        ("59350", "Fives", "locaux", 3),
        ("59350", "Lille-Sud", "locaux", 3),
        ("59350", "Faubourg de Béthune", "locaux", 2),
        ("59350", "Centre", "locaux", 3),
        ("59350", "Vauban-Esquermes", "locaux", 2),
        ("59350", None, "locaux", 8),
        ("59512", None, "locaux", 6),
        ("59599", None, "locaux", 4),
        ("59009", None, "locaux", 4),
        ("59560", None, "pap:Espace Jeunesse", 1),
        ("59507", None, "locaux", 2),
        ("59410", None, "locaux", 2),
        ("59368", None, "locaux", 2),
        ("59328", None, "locaux", 2),
        ("59646", None, "locaux", 1),
        ("CAVM", None, "locaux", 2),
        ("CAVM", None, "pap:Maison de l'emploi", 1),
        ("CAPH", None, "locaux", 1),
        ("CAD", None, "locaux", 2),
        ("CCCO", None, "locaux", 1),
    ],
    ("citeslab", 2013): [
        ("59599", "Bourgogne", "pap:Objectif Emploi", 12),
        ("59599", "Epidème", "pap:Centre Social Boilly", 9),
        ("59599", "Pont Rompu", "pap:Maison des services et centre social du Pont Rompu", 10),
        ("59650", "Beaulieu", "pap:Mairie de quartier de Beaulieu", 13),
        ("59599", None, "pap:Objectif Emploi", 4),
        ("59650", None, "pap:Mairie de quartier de Beaulieu", 3),
        ("59512", None, "locaux", 2),
    ],
    ("citeslab", None): [
        ("59599", "Bourgogne", "pap:Objectif Emploi", 11),
        ("59599", "Epidème", "pap:Centre Social Boilly", 9),
        ("59599", "Pont Rompu", "pap:Maison des services et centre social du Pont Rompu", 9),
        ("59650", "Beaulieu", "pap:Mairie de quartier de Beaulieu", 12),
        ("59599", None, "pap:Objectif Emploi", 4),
        ("59650", None, "pap:Mairie de quartier de Beaulieu", 3),
        ("59512", None, "locaux", 2),
    ],
}

# Reception appointments per staff member (1.5.3 "Répartition des RDV d'accueil"). Places
# that only one person covers are theirs: the Valenciennois PAP (Sylvain Masclat, référent),
# the LMCU PAP (Guillaume Delevaque), the Audomarois (Audrey Le Coutour), the telephone
# (Christine Vercoutre). Each one receives only while in post.
ACCUEILS_PAR_SALARIE = {
    ("escale", 2013): {
        "gdelevaque": 24,
        "smasclat": 20,
        "cvercoutre": 16,
        "alecoutour": 10,
        "mlecoz": 6,
        "llegendre": 3,
        "mbokoto": 2,
        "ccognet": 1,
    },
    ("escale", None): {
        "gdelevaque": 28,
        "smasclat": 20,
        "cvercoutre": 18,
        "alecoutour": 10,
        "llegendre": 10,
        "mlecoz": 8,
    },
}
LIEUX_RESERVES = {
    "pap_valenciennois": "smasclat",
    "pap_lmcu": "gdelevaque",
    "autre": "alecoutour",
    "telephone": "cvercoutre",
}
AGENTS_CITESLAB = ("ccognet", "mbokoto")

# --- The support funnel (1.5.1) ----------------------------------------------------------------
# Dossiers already on the path on 01/01/2011 (received in 2010): real records, so that the
# 2011 funnel has its carried-over dossiers. Phase -> count.
STOCK_2011 = {"escale": {"maturation": 10, "creation": 14, "post_creation": 3}, "citeslab": {}}

# Per year and phase: (carried over -> next phase, carried over -> exit, entered in the year ->
# next phase, entered in the year -> exit). The rest stays in the phase at the end of the
# year. A dossier entered in the year that moves on is one of the earliest entered; those that
# stay are the latest (so the 9 maturation dossiers carried into 2013 are late-2012
# receptions, as the seed says).
FLUX = {
    "escale": {
        2011: {
            "accueil": (0, 0, 24, 28),
            "maturation": (4, 5, 3, 8),
            "creation": (3, 4, 0, 0),
            "post_creation": (0, 2, 0, 0),
        },
        2012: {
            "accueil": (0, 9, 27, 34),
            "maturation": (6, 8, 3, 15),
            "creation": (1, 5, 0, 0),
            "post_creation": (0, 3, 0, 0),
        },
        # 2013, the seed's (1.5.1): 82 received, 33 of them reached maturation, 5 of those
        # création; maturation 9 + 33 = 42 with 22 left at the end; création 17 + 5 = 22 with
        # 19 left (3 exits); post-création 2 with one exit and no entry.
        2013: {
            "accueil": (0, 7, 33, 35),
            "maturation": (0, 6, 5, 9),
            "creation": (0, 3, 0, 0),
            "post_creation": (0, 1, 0, 0),
        },
        2014: {
            "accueil": (3, 11, 35, 38),
            "maturation": (5, 10, 3, 12),
            "creation": (4, 3, 0, 0),
            "post_creation": (0, 0, 0, 0),
        },
    },
    "citeslab": {
        2012: {"accueil": (0, 0, 12, 15), "maturation": (0, 0, 0, 10)},
        # 2013: the 25 porteurs with 2 appointments or more (figure 8) are in maturation.
        2013: {"accueil": (0, 4, 25, 24), "maturation": (0, 2, 0, 21)},
        2014: {"accueil": (0, 4, 20, 25), "maturation": (0, 4, 0, 16)},
    },
}
# Years after the last one of FLUX (--annees > 4) repeat it.

# CitésLab 2013: appointments per porteur (figure 8): 28 x 1, 14 x 2, 7 x 3, 4 x 4 = 93, and
# their purpose (figure 7): 47/93 = 51 % project formulation, 31/93 = 1/3 accueil-orientation.
RDV_PAR_PORTEUR_CITESLAB = {1: 28, 2: 14, 3: 7, 4: 4}
OBJETS_CITESLAB = {"aide_formulation": 47, "accueil_orientation": 31, "information": 9, "suivi": 6}

# Exits: (type, issue, orientation target or None) weights, per phase left.
SORTIES = {
    ("citeslab", 2013): [  # figures 13 and 14: 45 exits in 2013
        ("non_valorisable", "orientation", "BGE (Boutique de Gestion)", 10),
        (
            "non_valorisable",
            "orientation",
            "Association pour le Droit à l'Initiative Économique",
            7,
        ),
        ("non_valorisable", "orientation", "Comité Local d'Appui aux Projets", 5),
        ("non_valorisable", "orientation", "Chambre de Commerce et d'Industrie", 4),
        ("non_valorisable", "orientation", "Chambre de Métiers et de l'Artisanat", 3),
        ("non_valorisable", "orientation", "Initiative Nord Métropole", 2),
        ("non_valorisable", "orientation", "Pôle emploi", 2),
        ("non_valorisable", "abandon", None, 6),
        ("non_valorisable", "formation", None, 3),
        ("non_valorisable", "emploi_salarie", None, 3),
    ],
    ("accueil", None): [
        ("non_valorisable", "orientation", "BGE (Boutique de Gestion)", 5),
        (
            "non_valorisable",
            "orientation",
            "Association pour le Droit à l'Initiative Économique",
            3,
        ),
        ("non_valorisable", "orientation", "Comité Local d'Appui aux Projets", 3),
        ("non_valorisable", "orientation", "Chambre de Métiers et de l'Artisanat", 1),
        ("non_valorisable", "orientation", "Initiative Nord Métropole", 1),
        ("non_valorisable", "abandon", None, 8),
        ("non_valorisable", "emploi_salarie", None, 3),
        ("non_valorisable", "formation", None, 2),
        ("non_valorisable", "autre", None, 4),
    ],
    ("maturation", None): [
        ("valorisable", "abandon", None, 5),
        ("valorisable", "emploi_salarie", None, 3),
        ("valorisable", "orientation", "Union Régionale des SCOP", 1),
        ("valorisable", "orientation", "Nord Actif", 1),
        ("non_valorisable", "abandon", None, 4),
        ("non_valorisable", "autre", None, 2),
    ],
    # 2013: 3 exits from création (the seed's "4 valorisables + 4 non valorisables" cannot
    # come out of 22 - 19 = 3, see docs/demo-2013.md).
    ("creation", 2013): [
        ("valorisable", "activite_creee", None, 1),
        ("valorisable", "abandon", None, 1),
        ("non_valorisable", "autre", None, 1),
    ],
    ("creation", None): [
        ("valorisable", "activite_creee", None, 3),
        ("valorisable", "abandon", None, 2),
        ("non_valorisable", "autre", None, 1),
    ],
    ("post_creation", None): [("valorisable", "activite_creee", None, 1)],
}

# --- 3.2 ADVA ----------------------------------------------------------------------------------
# (libellé, début, fin, sessions prévues per module code)
CONVENTIONS = [
    (
        "2012-2013",
        D(2012, 9, 1),
        D(2013, 12, 31),
        {"s_associer": 3, "projeter": 2, "employer": 3, "gerer": 1, "evaluer": 1},
    ),
    (
        "2013-2014",
        D(2013, 9, 1),
        D(2014, 8, 31),
        {"s_associer": 2, "projeter": 1, "employer": 1, "gerer": 2, "evaluer": 1},
    ),
]
# (convention, module, days (dates), place, commune INSEE, headcount, trainers). 2013: 9
# sessions, 3+3+4+4+4+3+3+3+4 = 31 days, 8+8+8+9+10+8+8+8+9 = 76 trainees (seed 3.2).
_LILLE, _DUNKERQUE, _TOURCOING = "59350", "59183", "59599"
SESSIONS = [
    (
        "2012-2013",
        "s_associer",
        [D(2012, 11, 19), D(2012, 11, 22), D(2012, 11, 26)],
        "Lille",
        _LILLE,
        9,
        ("llegendre", "gdelevaque"),
    ),
    (
        "2012-2013",
        "gerer",
        [D(2012, 12, 3), D(2012, 12, 10), D(2012, 12, 17)],
        "Lille",
        _LILLE,
        7,
        ("llegendre", "mlecoz"),
    ),
    (
        "2012-2013",
        "evaluer",
        [D(2013, 4, 4), D(2013, 4, 11), D(2013, 4, 18)],
        "Lille",
        _LILLE,
        8,
        ("alecoutour", "mlecoz"),
    ),
    (
        "2012-2013",
        "employer",
        [D(2013, 4, 8), D(2013, 4, 15), D(2013, 4, 29), D(2013, 5, 6)],
        "Lille",
        _LILLE,
        10,
        ("cvercoutre", "alecoutour"),
    ),
    (
        "2012-2013",
        "projeter",
        [D(2013, 4, 15), D(2013, 5, 13), D(2013, 5, 27), D(2013, 6, 10)],
        "Lille",
        _LILLE,
        8,
        ("gdelevaque", "smasclat"),
    ),
    (
        "2012-2013",
        "s_associer",
        [D(2013, 5, 13), D(2013, 5, 21), D(2013, 5, 27)],
        "Lille",
        _LILLE,
        8,
        ("gdelevaque", "alecoutour"),
    ),
    (
        "2012-2013",
        "employer",
        [D(2013, 5, 14), D(2013, 5, 21), D(2013, 5, 28)],
        "Dunkerque",
        _DUNKERQUE,
        8,
        ("cvercoutre", "smasclat"),
    ),
    (
        "2012-2013",
        "employer",
        [D(2013, 9, 16), D(2013, 9, 30), D(2013, 10, 7)],
        "Tourcoing",
        _TOURCOING,
        8,
        ("cvercoutre", "gdelevaque"),
    ),
    (
        "2013-2014",
        "gerer",
        [D(2013, 9, 23), D(2013, 9, 30), D(2013, 10, 7), D(2013, 10, 14)],
        "Lille",
        _LILLE,
        9,
        ("mlecoz", "alecoutour"),
    ),
    (
        "2012-2013",
        "projeter",
        [D(2013, 11, 18), D(2013, 11, 25), D(2013, 12, 2), D(2013, 12, 9)],
        "Lille",
        _LILLE,
        9,
        ("gdelevaque", "smasclat"),
    ),
    (
        "2012-2013",
        "s_associer",
        [D(2013, 12, 2), D(2013, 12, 9), D(2013, 12, 16)],
        "Lille",
        _LILLE,
        8,
        ("alecoutour", "smasclat"),
    ),
    (
        "2013-2014",
        "s_associer",
        [D(2014, 2, 3), D(2014, 2, 10), D(2014, 2, 17)],
        "Lille",
        _LILLE,
        9,
        ("alecoutour", "gdelevaque"),
    ),
    (
        "2013-2014",
        "projeter",
        [D(2014, 3, 10), D(2014, 3, 24), D(2014, 4, 7), D(2014, 4, 14)],
        "Lille",
        _LILLE,
        8,
        ("gdelevaque", "smasclat"),
    ),
    (
        "2013-2014",
        "employer",
        [D(2014, 4, 3), D(2014, 4, 10), D(2014, 4, 17)],
        "Lille",
        _LILLE,
        10,
        ("cvercoutre", "alecoutour"),
    ),
    (
        "2013-2014",
        "s_associer",
        [D(2014, 5, 12), D(2014, 5, 19), D(2014, 5, 26)],
        "Lille",
        _LILLE,
        7,
        ("alecoutour", "smasclat"),
    ),
    (
        "2013-2014",
        "gerer",
        [D(2014, 6, 2), D(2014, 6, 9), D(2014, 6, 16)],
        "Lille",
        _LILLE,
        8,
        ("mlecoz", "cvercoutre"),
    ),
    (
        "2013-2014",
        "evaluer",
        [D(2014, 6, 12), D(2014, 6, 19), D(2014, 6, 26)],
        "Lille",
        _LILLE,
        7,
        ("alecoutour", "mlecoz"),
    ),
]
# 2013 enrolments: 76 by 52 associations; 13 of them received or in maturation during the
# year, 16 supported (création or post-création); 64 people (12 came to two sessions).
ADVA_2013 = {
    "associations": 52,
    "associations_accueillies_ou_maturation": 13,
    "associations_accompagnees": 16,
    "personnes": 64,
    "fiches": 57,
}
# The 57 fiches (seed 3.2): 35 % men (20), 40 % sphère dirigeante (23), 7 % under 26 (4) and
# 2 over 60 (3.5 %, the seed prints 3 %), 51 % salaried (29), 42 % jobless (24), the rest
# students and retired people.
FICHES_2013 = {
    "genre": {"H": 20, "F": 37},
    "sphere_dirigeante": {"oui": 23, "non": 34},
    "tranche_age": {"moins_26": 4, "26_60": 51, "plus_60": 2},
    "emploi": {"salarie": 29, "sans_emploi": 24, "etudiant": 2, "retraite": 2},
}
FICHES_AUTRES = {
    "genre": {"H": 7, "F": 13},
    "sphere_dirigeante": {"oui": 8, "non": 12},
    "tranche_age": {"moins_26": 2, "26_60": 17, "plus_60": 1},
    "emploi": {"salarie": 10, "sans_emploi": 8, "etudiant": 1, "retraite": 1},
}

# --- Collective events (2.4, 2.5, 3.1, 4.1) ------------------------------------------------------
# (type, date, last day, title, place, commune INSEE, speakers, attendance, public, summary)
EVENEMENTS = [
    (
        "reunion_thematique",
        D(2013, 5, 24),
        None,
        "Créer à plusieurs",
        "BGE de Lille",
        "59350",
        "Guillaume Delevaque (Maillage), les Cigales du Nord-Pas-de-Calais",
        2,
        "porteurs de projets",
        "Atelier dans le cadre de la quinzaine de la création d'entreprises à Lille, organisé par "
        "la BGE de Lille.",
    ),
    (
        "reunion_thematique",
        D(2013, 5, 30),
        None,
        "Réunion Intermittence",
        "Maillage",
        "59350",
        "Audrey Le Coutour",
        3,
        "porteurs de projets",
        "Échange sur l'intermittence dans le monde du spectacle, avec des associations du secteur "
        "culturel.",
    ),
    (
        "sensibilisation",
        D(2013, 9, 4),
        None,
        "Réunion à Roubaix",
        "Mairie de Roubaix",
        "59512",
        "Guillaume Delevaque (Maillage), Stéphane Coquerelle (SCIC Replic)",
        3,
        "services développement économique et politique de la ville",
        "Présentation de Maillage et de l'accompagnement en ESS.",
    ),
    (
        "sensibilisation",
        D(2013, 9, 26),
        None,
        "Petit-déjeuner de l'APES sur les financements à la création en ESS",
        "APES",
        "59350",
        "Nord Actif, Conseil Régional, APES, Maillage (Michael Le Coz)",
        15,
        "acteurs de l'ESS",
        "Présentation du dispositif de Maillage et retour d'expérience sur les financements de la "
        "Région et du Département.",
    ),
    (
        "reunion_thematique",
        D(2013, 10, 4),
        None,
        "Intervention à l'APES dans le cadre de la démarche progrès",
        "APES",
        "59350",
        "Michael Le Coz (Maillage)",
        10,
        "groupe démarche progrès de l'APES",
        "Gouvernance et processus de décision.",
    ),
    (
        "reunion_thematique",
        D(2013, 10, 9),
        None,
        "Accompagner une économie en mouvement",
        "",
        "59350",
        "Les membres du réseau informel des organismes d'accompagnement en ESS du "
        "Nord-Pas-de-Calais",
        40,
        "ouvert à tous",
        "Demi-journée de réflexion sur les spécificités de l'accompagnement en ESS.",
    ),
    (
        "sensibilisation",
        D(2013, 10, 23),
        None,
        "Réunion à Anzin",
        "Mairie d'Anzin",
        "59014",
        "Guillaume Delevaque (Maillage)",
        4,
        "DGS et services de la mairie d'Anzin",
        "Présentation de Maillage et de l'accompagnement en ESS.",
    ),
    (
        "sensibilisation",
        D(2013, 10, 25),
        None,
        "Intervention auprès des agents PLDE de la Région sur l'accompagnement en ESS",
        "APES",
        "59350",
        "Michael Le Coz (Maillage), Marc Henri Castelain (PAESS)",
        5,
        "agents PLDE de la Région",
        "Démarche d'accompagnement en ESS, collectif régional des acteurs de l'accompagnement.",
    ),
    (
        "sensibilisation",
        D(2013, 11, 8),
        None,
        "Création d'activités et d'emploi en ESS (Seclin)",
        "",
        "59560",
        "Guillaume Delevaque (Maillage), Laurent Courouble (APES), Aziz Feryelle (Grand "
        "Ensemble), Catherine Szafranski (le Bol d'Air)",
        6,
        "porteurs de projets",
        "Semaines de la création d'entreprise pilotées par la MdE de Villeneuve d'Ascq.",
    ),
    (
        "sensibilisation",
        D(2013, 11, 21),
        None,
        "Création d'activités et d'emploi en ESS (Saint-André-lez-Lille)",
        "",
        "59527",
        "Guillaume Delevaque (Maillage)",
        3,
        "porteurs de projets",
        "Semaines de la création d'entreprise pilotées par la MdE de Villeneuve d'Ascq.",
    ),
    (
        "reunion_thematique",
        D(2013, 11, 19),
        None,
        "Soirée des porteurs de projets accompagnés",
        "Maillage",
        "59350",
        "Équipe salariée de Maillage et deux administrateurs",
        8,
        "porteurs de projets accompagnés",
        "Présentation réciproque sur base d'un photolangage et temps convivial.",
    ),
    (
        "sensibilisation",
        D(2013, 12, 3),
        None,
        "Conseil de Développement de Valenciennes Métropole",
        "",
        "59606",
        "Guillaume Delevaque (Maillage), Laurent Courouble (APES)",
        5,
        "membres du Conseil de Développement",
        "Sensibilisation aux caractéristiques de l'ESS.",
    ),
    (
        "salon",
        D(2013, 9, 16),
        D(2013, 9, 18),
        "Salon Créer : espace solidaire",
        "Lille Grand Palais",
        "59350",
        "Le Codes, Colline, Entreprendre Ensemble, Rhizomes et Maillage",
        None,
        "créateurs d'entreprise",
        "Permanence continue sur le stand les trois jours.",
    ),
    (
        "salon",
        D(2013, 9, 17),
        D(2013, 9, 18),
        "Salon Créer : stand « Demain je crée »",
        "Lille Grand Palais",
        "59350",
        "Agent CitésLab de Maillage, ADIE",
        None,
        "créateurs d'entreprise",
        "Permanences des agents CitésLab de la région.",
    ),
    (
        "forum_emploi",
        D(2013, 3, 15),
        None,
        "Clés de l'emploi",
        "",
        "59386",
        "",
        None,
        "demandeurs d'emploi",
        "Forum de la Maison de l'Emploi.",
    ),
    (
        "forum_emploi",
        D(2013, 10, 15),
        None,
        "Forum Emploi de Mons-en-Barœul",
        "",
        "59410",
        "",
        None,
        "demandeurs d'emploi",
        "",
    ),
    (
        "forum_emploi",
        D(2013, 10, 30),
        None,
        "Carrefour des métiers",
        "",
        "59299",
        "",
        None,
        "demandeurs d'emploi",
        "",
    ),
    (
        "autre_reunion",
        D(2013, 1, 7),
        None,
        "Rénovation du quartier Bois-Blancs : locaux pour les organismes d'ESS",
        "",
        "59350",
        "",
        None,
        "",
        "",
    ),
    # The seed prints 07/03/2014 in its 2013 list, between January and March 2013.
    (
        "autre_reunion",
        D(2013, 3, 7),
        None,
        "Réunion ESS, Emploi et Formation",
        "MdE Métropole Nord-Ouest",
        "59328",
        "CRESS, Espace Inffo",
        None,
        "",
        "",
    ),
    (
        "autre_reunion",
        D(2013, 3, 25),
        None,
        "Réunion des acteurs de l'ESS à Villeneuve d'Ascq",
        "",
        "59009",
        "",
        None,
        "",
        "",
    ),
    (
        "autre_reunion",
        D(2013, 5, 3),
        None,
        "Groupe de travail « Communication et sensibilisation » du Plan Régional de "
        "Développement de l'ESS",
        "",
        "59350",
        "",
        None,
        "",
        "",
    ),
    (
        "autre_reunion",
        D(2013, 5, 31),
        None,
        "Groupe de travail « Communication et sensibilisation » du Plan Régional de "
        "Développement de l'ESS",
        "",
        "59350",
        "",
        None,
        "",
        "",
    ),
    (
        "autre_reunion",
        D(2013, 10, 11),
        None,
        "Réunion d'information sur le crowdfunding",
        "Maison des Associations de Lille",
        "59350",
        "",
        None,
        "",
        "",
    ),
]
# 1.1.3: the Valenciennois actors met in 2013 (territorial meetings).
RENCONTRES_VALENCIENNOIS = [
    (D(2013, 1, 16), "Présentation du projet au bureau de la commission 4 de la CAVM"),
    (D(2013, 2, 13), "Réseau STAJ"),
    (D(2013, 3, 19), "Hub House de l'Université de Valenciennes"),
    (D(2013, 4, 25), "Réseau Entreprendre"),
    (D(2013, 5, 7), "ACSRV"),
    (D(2013, 5, 14), "Agent CitésLab de la CAVM (BGE)"),
    (D(2013, 5, 29), "Interleukin'"),
    (D(2013, 6, 13), "ADIE"),
    (D(2013, 7, 2), "CCI Grand Hainaut, service création - reprise"),
    (D(2013, 10, 8), "Plateforme GERMINAL"),
]

# --- Years before the app (0.5 and the 2007-2013 table of 1.5.2) ----------------------------------
# Share of women / men among ESCALE receptions, as published (2009's 56 % + 46 % = 102 % too:
# a published figure is stored as printed; rapports.stats shows it so). 2011 and 2012 come
# from the records.
PARTS_GENRE_HISTORIQUES = {
    2007: (Decimal("55"), Decimal("45")),
    2008: (Decimal("55"), Decimal("45")),
    2009: (Decimal("56"), Decimal("46")),
    2010: (Decimal("59.1"), Decimal("40.9")),
}
# "Depuis sa création" (0.5), published in the 2013 report (2000-2013).
DEPUIS_2000 = {
    "accueils": 883,
    "accueils_qpv": 149,
    "accompagnes": 167,
    "accompagnes_economiques": 130,
    "emplois_crees": 438,
    "projets_professionnels": 18,
}

# --- The two small dispositifs (0.1, 0.2, 0.5, 1.5.6) -------------------------------------------
# The seed gives no yearly count for them, only: "18 personnes en difficulté ont été
# accompagnées pour bâtir un projet professionnel" since 2006 (0.5, so about 2 a year), on
# the QPV of Lille (0.2); and for the inhabitants of the Charles Six sector of Wazemmes (since
# 2008), in 2013 "deux habitants se sont mobilisés" (1.5.6): a retired man of the Charles Six
# tower and a woman working in the civil service, around the party of 30/05/2013 (référent
# Guillaume Delevaque). The other years are the demo's choice. Their dossiers are drawn from
# their own random generators, so ESCALE and CitésLab stay exactly as without them.
PETITS_DISPOSITIFS = {
    "projet_vie": {2011: 2, 2012: 2, 2013: 2, 2014: 2},
    "habitants": {2011: 1, 2012: 2, 2013: 2, 2014: 1},
}
# Projet de vie: where they live (QPV of Lille) and who they are.
PROJET_VIE_QUARTIERS = ["Moulins", "Lille-Sud", "Fives", "Faubourg de Béthune", "Wazemmes"]
PROJET_VIE_REFERENTS = ["cvercoutre", "gdelevaque"]
# Habitants: (genre, tranche d'âge, situation, date of the first meeting) in 2013, as the
# seed tells; other years plausible.
HABITANTS_2013 = [
    ("H", "plus_55", "retraite", D(2013, 3, 12)),
    ("F", "36_45", "salarie", D(2013, 4, 9)),
]
FETE_CHARLES_SIX = {
    2011: D(2011, 6, 18),
    2012: D(2012, 6, 9),
    2013: D(2013, 5, 30),
    2014: D(2014, 6, 14),
}
