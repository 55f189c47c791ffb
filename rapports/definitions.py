"""What each figure of the annual report counts: one definition per indicator key.

The same text is shown beside the figure in the HTML report, listed in the PDF's appendix
and written in the JSON export, so that the board and the funders read the meaning the code
(rapports.stats) computes. A key is the figure's path in `rapport_annuel`'s JSON, without
the dispositif ("accueils.par_genre", "entonnoir.report"...). tests/rapports checks that
every key the report uses has a definition.

Vocabulary used in the texts:
- « année » : the calendar year Y of the report, 1 January to 31 December;
- « accueil de l'année » : a dossier whose accueil phase change (accompagnement) is dated
  in Y; its territory is the one copied onto the dossier that day (the reference lists
  changing later does not move it);
- a dossier is « dans une phase » from the date it entered it until the date of its next
  change (excluded): on 31 December it is in the phase of its last change dated on or
  before that day.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    cle: str
    libelle: str
    texte: str


_ACCUEILS = (
    "Dossiers dont le changement de phase « accueil » est daté de l'année ; "
    "un dossier compte une fois, pour son porteur principal."
)
_SNAPSHOT = "relevé sur le dossier le jour de l'accueil (référentiel de ce jour-là)"

_DEFINITIONS = [
    # --- Accueils --------------------------------------------------------------------------
    Definition("accueils.total", "Projets accueillis", _ACCUEILS),
    Definition(
        "accueils.par_genre",
        "Accueils par genre",
        f"{_ACCUEILS} Genre du porteur principal ; une association porteuse est comptée en "
        "non renseigné.",
    ),
    Definition(
        "accueils.par_tranche_age",
        "Accueils par tranche d'âge",
        f"{_ACCUEILS} Âge du porteur principal en années révolues le jour de l'accueil : "
        "« <26 » jusqu'à 25 ans, « >55 » à partir de 56 ans ; non renseigné sans date de "
        "naissance (et pour une association).",
    ),
    Definition(
        "accueils.par_mois",
        "Accueils par mois",
        f"{_ACCUEILS} Mois de la date d'accueil.",
    ),
    Definition(
        "accueils.par_situation",
        "Accueils par situation professionnelle",
        f"{_ACCUEILS} Situation professionnelle déclarée par le porteur principal "
        "(questionnaire d'accueil, valeur actuelle de la fiche).",
    ),
    Definition(
        "accueils.par_situation_genre",
        "Situation professionnelle des femmes et des hommes accueillis",
        f"{_ACCUEILS} Croisement de la situation professionnelle et du genre du porteur "
        "principal ; « répondu » : ceux dont la situation est renseignée.",
    ),
    Definition(
        "accueils.par_qualification",
        "Accueils par niveau de qualification",
        f"{_ACCUEILS} Niveau de qualification déclaré par le porteur principal.",
    ),
    Definition(
        "accueils.par_revenu",
        "Accueils par revenu",
        f"{_ACCUEILS} Revenu ou allocation principal déclaré par le porteur principal.",
    ),
    Definition(
        "accueils.par_commune",
        "Accueils par commune",
        f"{_ACCUEILS} Commune du porteur (code INSEE), {_SNAPSHOT}.",
    ),
    Definition(
        "accueils.par_departement",
        "Accueils par département",
        f"{_ACCUEILS} Département de la commune du porteur, {_SNAPSHOT}.",
    ),
    Definition(
        "accueils.par_epci",
        "Accueils par EPCI",
        f"{_ACCUEILS} EPCI (SIREN) de la commune du porteur, {_SNAPSHOT} : un changement "
        "d'intercommunalité ultérieur ne modifie pas les années passées.",
    ),
    Definition(
        "accueils.par_quartier",
        "Accueils par quartier",
        f"{_ACCUEILS} Quartier du porteur, {_SNAPSHOT}.",
    ),
    Definition(
        "accueils.par_qpv",
        "Accueils issus des quartiers prioritaires",
        f"{_ACCUEILS} « oui » quand le quartier du porteur était un quartier prioritaire de "
        "la politique de la ville le jour de l'accueil ; non renseigné sans quartier connu.",
    ),
    Definition(
        "accueils.par_territoire_lmcu",
        "Accueils par territoire de gouvernance de Lille Métropole (année et année précédente)",
        "Accueils de l'année et de l'année précédente dont l'EPCI relevé à l'accueil est "
        "découpé en territoires de gouvernance (Lille Métropole), par territoire relevé à "
        "l'accueil.",
    ),
    Definition(
        "accueils.lille_quartier_situation",
        "Accueils lillois par quartier et situation professionnelle",
        f"{_ACCUEILS} Porteurs dont la commune relevée à l'accueil est Lille (59350), par "
        "quartier relevé à l'accueil et situation professionnelle.",
    ),
    Definition(
        "accueils.lille_qpv",
        "Accueils lillois en quartier prioritaire",
        f"{_ACCUEILS} Porteurs lillois (59350) selon que leur quartier à l'accueil était "
        "prioritaire.",
    ),
    Definition(
        "accueils.par_charge",
        "Rendez-vous d'accueil par salarié(e)",
        f"{_ACCUEILS} Chargé(e) de mission du rendez-vous qui a ouvert l'accueil ; à défaut "
        "(accueil saisi sans rendez-vous), le ou la référent(e) du dossier ; sinon non "
        "renseigné.",
    ),
    Definition(
        "accueils.par_lieu",
        "Accueils par lieu du rendez-vous",
        f"{_ACCUEILS} Lieu du rendez-vous qui a ouvert l'accueil (locaux, point d'accueil de "
        "proximité, téléphone, autre) ; non renseigné pour un accueil saisi sans "
        "rendez-vous.",
    ),
    Definition(
        "accueils.hors_locaux_par_point_accueil",
        "Accueils hors des locaux, par point d'accueil",
        "Accueils de l'année dont le rendez-vous d'accueil n'a pas eu lieu dans les locaux de "
        "Maillage, par point d'accueil (autre lieu et téléphone : non renseigné).",
    ),
    Definition(
        "accueils.hors_locaux_par_territoire_plde",
        "Accueils hors des locaux, par territoire",
        "Accueils de l'année dont le rendez-vous d'accueil n'a pas eu lieu dans les locaux de "
        "Maillage, par territoire PLDE du point d'accueil (sans point d'accueil : non "
        "renseigné).",
    ),
    Definition(
        "accueils.par_stade",
        "Stade du projet au premier accueil",
        f"{_ACCUEILS} Stade du projet noté sur le dossier au premier accueil.",
    ),
    Definition(
        "accueils.par_projet_collectif",
        "Projets individuels et collectifs",
        f"{_ACCUEILS} « oui » pour un projet collectif, « non » pour un projet individuel.",
    ),
    Definition(
        "accueils.par_secteur",
        "Accueils par secteur d'activité",
        f"{_ACCUEILS} Secteur d'activité du projet noté sur le dossier.",
    ),
    Definition(
        "accueils.par_prescripteur",
        "Comment la personne a connu le dispositif",
        f"{_ACCUEILS} Structure prescriptrice notée sur le dossier.",
    ),
    Definition(
        "accueils.par_nombre_rendez_vous",
        "Nombre de rendez-vous par projet accueilli",
        f"{_ACCUEILS} Nombre de rendez-vous réalisés du dossier datés de l'année (les "
        "rendez-vous prévus, annulés ou manqués ne comptent pas).",
    ),
    Definition(
        "accueils.par_suivi",
        "Suite donnée aux projets accueillis",
        f"{_ACCUEILS} Issue de la sortie du dossier quand elle est datée au plus tard le 31 "
        "décembre ; « en cours » pour un dossier toujours accompagné à cette date.",
    ),
    Definition(
        "accueils.par_orientation",
        "Orientations vers le réseau de la création",
        "Accueils de l'année sortis au plus tard le 31 décembre avec l'issue « orientation », "
        "par structure vers laquelle la personne a été orientée.",
    ),
    # --- Entonnoir -------------------------------------------------------------------------
    Definition(
        "entonnoir.report",
        "Report (en cours au 1er janvier)",
        "Dossiers qui étaient dans la phase le 31 décembre de l'année précédente : leur "
        "dernier changement de phase daté de ce jour ou avant est l'entrée dans cette phase.",
    ),
    Definition(
        "entonnoir.entrees",
        "Entrées dans l'année",
        "Changements de phase vers cette phase datés de l'année (un dossier entre au plus une "
        "fois dans une phase).",
    ),
    Definition(
        "entonnoir.actifs",
        "Actifs dans l'année",
        "Dossiers passés par la phase pendant l'année : report + entrées.",
    ),
    Definition(
        "entonnoir.sorties",
        "Sorties de la phase dans l'année",
        "Dossiers dont le changement suivant l'entrée dans la phase est daté de l'année : "
        "passage à la phase suivante, sortie valorisable ou sortie non valorisable. Un "
        "dossier entré et sorti le même jour compte dans les entrées et dans les sorties.",
    ),
    Definition(
        "entonnoir.fin",
        "En cours au 31 décembre",
        "Dossiers encore dans la phase le 31 décembre : actifs − sorties (égal au nombre de "
        "dossiers dont le dernier changement daté de ce jour ou avant est l'entrée dans la "
        "phase).",
    ),
    Definition(
        "accueillis_passes_en_maturation",
        "Accueils de l'année passés en maturation dans l'année",
        "Dossiers accueillis dans l'année dont l'entrée en maturation est datée au plus tard "
        "le 31 décembre.",
    ),
    Definition(
        "accueillis_passes_en_creation",
        "Accueils de l'année passés en création dans l'année",
        "Dossiers accueillis dans l'année dont l'entrée en création (convention "
        "d'accompagnement) est datée au plus tard le 31 décembre.",
    ),
    Definition(
        "sorties.par_type",
        "Sorties de l'année par type",
        "Sorties datées de l'année, de quelque phase que ce soit, par type : valorisable "
        "(temps passé suffisant pour être déclaré aux financeurs) ou non valorisable.",
    ),
    Definition(
        "sorties.par_issue",
        "Sorties de l'année par issue",
        "Sorties datées de l'année, de quelque phase que ce soit, par issue (activité créée, "
        "abandon, emploi salarié, formation, orientation, autre).",
    ),
    # --- Accompagnements -------------------------------------------------------------------
    Definition(
        "accompagnements.total",
        "Projets accompagnés (création et suivi post-création)",
        "Dossiers en création ou en suivi post-création à un moment de l'année : entrés en "
        "création au plus tard le 31 décembre et non sortis avant le 1er janvier. Un dossier "
        "passé de la création au suivi post-création dans l'année compte une fois.",
    ),
    Definition(
        "accompagnements.par_epci",
        "Projets accompagnés par EPCI, sur trois ans",
        "Projets accompagnés de chacune des trois années, par EPCI relevé à l'accueil.",
    ),
    Definition(
        "accompagnements.par_territoire_lmcu",
        "Projets accompagnés par territoire de Lille Métropole, sur trois ans",
        "Projets accompagnés de chacune des trois années dont l'EPCI relevé à l'accueil est "
        "découpé en territoires de gouvernance, par territoire relevé à l'accueil.",
    ),
    Definition(
        "accompagnements.par_quartier_lille",
        "Projets accompagnés lillois par quartier, sur trois ans",
        "Projets accompagnés de chacune des trois années dont la commune relevée à l'accueil "
        "est Lille, par quartier relevé à l'accueil.",
    ),
    # --- Rendez-vous -----------------------------------------------------------------------
    Definition(
        "rendez_vous.realises",
        "Rendez-vous réalisés",
        "Rendez-vous au statut « réalisé » datés de l'année (prévus, annulés et personnes "
        "absentes exclus).",
    ),
    Definition(
        "rendez_vous.par_objet",
        "Rendez-vous réalisés par objet",
        "Rendez-vous réalisés datés de l'année, par objet de l'intervention.",
    ),
    Definition(
        "rendez_vous.par_modalite",
        "Rendez-vous réalisés individuels et collectifs",
        "Rendez-vous réalisés datés de l'année, selon qu'ils étaient individuels ou collectifs.",
    ),
    # --- Historique ------------------------------------------------------------------------
    Definition(
        "genre_depuis_2007",
        "Accueils par genre depuis 2007",
        "Pour chaque année depuis 2007 : les chiffres publiés à l'époque (agrégats "
        "historiques saisis) quand il y en a, sinon les accueils de l'année par genre du "
        "porteur principal ; parts calculées sur les genres connus.",
    ),
    Definition(
        "depuis_la_creation.accueils",
        "Porteurs accueillis depuis la création",
        "Agrégats historiques saisis pour les années d'avant l'application, plus les "
        "accueils de chaque année suivante (tous dispositifs), jusqu'à l'année du rapport.",
    ),
    Definition(
        "depuis_la_creation.accueils_qpv",
        "dont issus des quartiers prioritaires",
        "Même cumul, pour les accueils dont le quartier à l'accueil était prioritaire.",
    ),
    Definition(
        "depuis_la_creation.accompagnes",
        "Porteurs entrés en accompagnement depuis la création",
        "Agrégats historiques plus les entrées en création (convention d'accompagnement) "
        "datées de chaque année suivante.",
    ),
    Definition(
        "depuis_la_creation.accompagnes_economiques",
        "Porteurs accompagnés pour une activité économique",
        "Même cumul que les entrées en accompagnement, pour les projets notés économiques.",
    ),
    Definition(
        "depuis_la_creation.emplois_crees",
        "Emplois créés",
        "Agrégats historiques plus les emplois créés notés sur les dossiers, comptés l'année "
        "de leur entrée en création.",
    ),
    Definition(
        "depuis_la_creation.projets_professionnels",
        "Personnes accompagnées vers un projet professionnel",
        "Agrégats historiques plus les accueils du dispositif « projet de vie / projet "
        "professionnel » de chaque année suivante.",
    ),
    # --- Formations ------------------------------------------------------------------------
    Definition(
        "formations.sessions",
        "Sessions de formation réalisées",
        "Sessions du programme de formation dont le dernier jour est dans l'année.",
    ),
    Definition(
        "formations.jours",
        "Jours de formation",
        "Somme des jours des sessions réalisées dans l'année.",
    ),
    Definition(
        "formations.stagiaires",
        "Stagiaires",
        "Inscriptions confirmées aux sessions réalisées dans l'année (une personne inscrite "
        "à trois sessions compte trois fois).",
    ),
    Definition(
        "formations.personnes",
        "Personnes distinctes",
        "Stagiaires différents parmi les inscriptions confirmées aux sessions réalisées dans "
        "l'année (une personne inscrite à trois sessions compte une fois).",
    ),
    Definition(
        "formations.profil",
        "Profil des stagiaires",
        "Réponses des fiches de renseignement des inscriptions confirmées de l'année ; les "
        "parts sont calculées sur les fiches qui répondent à la question, le nombre de "
        "non-réponses est indiqué à part.",
    ),
    Definition(
        "formations.associations",
        "Associations inscrivantes",
        "Associations ayant inscrit au moins un stagiaire confirmé à une session réalisée "
        "dans l'année ; leur situation dans l'accompagnement vient de l'historique des "
        "phases de leur dossier pendant l'année.",
    ),
    # --- Vie associative -------------------------------------------------------------------
    Definition(
        "vie_associative.adherents",
        "Adhérents",
        "Nombre d'adhérents saisi pour l'année (année associative).",
    ),
    Definition(
        "vie_associative.conseil",
        "Conseil d'administration",
        "Membres élus par la dernière assemblée générale tenue au plus tard le 31 décembre.",
    ),
    Definition(
        "vie_associative.reunions_conseil",
        "Réunions du conseil d'administration",
        "Réunions du conseil datées de l'année.",
    ),
    Definition(
        "vie_associative.salaries",
        "Équipe salariée",
        "Salarié(e)s en poste à un moment de l'année (date d'entrée au plus tard le 31 "
        "décembre, sortie absente ou au plus tôt le 1er janvier), avec leur ETP.",
    ),
]

DEFINITIONS: dict[str, Definition] = {d.cle: d for d in _DEFINITIONS}


def texte(cle: str) -> str:
    """The definition of an indicator; KeyError for an indicator nobody defined."""
    return DEFINITIONS[cle].texte


def liste_definitions() -> list[tuple[str, str]]:
    """(label, text) pairs in report order, for the PDF's appendix (pdf.html_definitions)."""
    return [(d.libelle, d.texte) for d in _DEFINITIONS]
