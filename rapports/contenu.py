"""The annual report's content, built from plain data.

`donnees_rapport(annee)` gathers every figure (rapports.stats.rapport_annuel), the lists
the report prints (points d'accueil, référents, events, ADVA programmes) and what the
direction typed (narrative texts, manual indicators). `sections(donnees)` turns that dict
into the outline of the seed report: numbered sections holding paragraphs, key figures,
charts and tables. The HTML page, the PDF and a published (frozen) edition all go through
`sections`, from live data or from the data stored when the year was published, so they
cannot disagree.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Q

from rapports import charts
from rapports.charts import Graphique, Serie

NR = "NR"
NON_RENSEIGNE = "non renseigné"
# The first year a report can cover: the association was founded in 2000.
PREMIERE_ANNEE = 2000
MOIS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)

# Figures no model holds, typed by the direction for each year (section, key, label).
INDICATEURS_MANUELS: tuple[tuple[str, str, str], ...] = (
    ("2.1", "actualites_publiees", "Actualités publiées sur le site"),
    ("2.1", "numeros_fil_actualites", "Numéros du fil d'actualités envoyés"),
    ("2.1", "destinataires_fil_actualites", "Destinataires du fil d'actualités"),
    ("2.1", "lettres_infos", "Numéros de la lettre d'informations"),
    ("2.1", "visiteurs_uniques_mensuels", "Visiteurs uniques par mois sur le site (moyenne)"),
    ("2.3", "reservations_salle", "Réservations de la salle de réunion par les adhérents"),
    ("2.3", "impressions", "Impressions faites par les adhérents"),
)


# --- Blocks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraphe:
    texte: str
    redige: bool = False  # typed by the direction (shown with its edit link)

    @property
    def genre(self) -> str:
        return "paragraphe"


@dataclass(frozen=True)
class Chiffres:
    """Key figures: (label, value, definition)."""

    lignes: tuple[tuple[str, str, str], ...]

    @property
    def genre(self) -> str:
        return "chiffres"


@dataclass(frozen=True)
class Figure:
    graphique: Graphique
    n: int | None = None
    nr: int | None = None

    @property
    def tableau(self) -> charts.TableauDonnees:
        return charts.tableau_donnees(self.graphique)

    @property
    def legende_n(self) -> str:
        if self.n is None:
            return ""
        texte = f"n = {charts.format_nombre(self.n)}"
        if self.nr:
            texte += f", dont {charts.format_nombre(self.nr)} non renseigné"
            texte += "s" if self.nr > 1 else ""
        return texte

    @property
    def genre(self) -> str:
        return "figure"


@dataclass(frozen=True)
class Tableau:
    legende: str
    entetes: tuple[str, ...]
    lignes: tuple[tuple[str, ...], ...]
    note: str = ""
    definition: str = ""

    @property
    def donnees(self) -> charts.TableauDonnees:
        return charts.TableauDonnees(
            legende=self.legende, entetes=self.entetes, lignes=self.lignes, total=None
        )

    @property
    def genre(self) -> str:
        return "tableau"


Bloc = Paragraphe | Chiffres | Figure | Tableau


@dataclass(frozen=True)
class SectionRapport:
    numero: str
    titre: str
    ancre: str
    niveau: int
    blocs: tuple[Bloc, ...] = field(default_factory=tuple)
    # The narrative text the direction may write for this section.
    texte: str = ""

    @property
    def titre_complet(self) -> str:
        return f"{self.numero} {self.titre}".strip()


# --- Gathering the data --------------------------------------------------------------------


def donnees_rapport(annee: int) -> dict:
    """Everything the report of `annee` shows, as JSON-able data. A constant number of
    queries: rapport_annuel's plus one per list."""
    from formations.models import Convention, Evenement
    from formations.stats import programme_convention
    from rapports.models import IndicateurManuel, TexteSection
    from rapports.stats import bornes_annee, rapport_annuel
    from territoires.models import PointAccueil, ReferentTerritoire

    debut, fin = bornes_annee(annee)
    donnees = rapport_annuel(annee)
    donnees["points_accueil"] = [
        {
            "nom": p.nom,
            "commune": p.commune.nom,
            "adresse": p.adresse,
            "nature": p.get_nature_display(),
            "territoire": p.territoire_plde.nom if p.territoire_plde else "",
            "structure": str(p.structure) if p.structure else "",
        }
        for p in PointAccueil.objects.filter(
            Q(actif_depuis__isnull=True) | Q(actif_depuis__lte=fin),
            Q(actif_jusqu_au__isnull=True) | Q(actif_jusqu_au__gte=debut),
        )
        .select_related("commune", "territoire_plde", "structure")
        .order_by("territoire_plde__nom", "commune__nom", "nom")
    ]
    donnees["referents"] = [
        {
            "territoire": r.territoire.nom,
            "salarie": str(r.salarie),
            "debut": r.debut.isoformat(),
            "fin": r.fin.isoformat() if r.fin else None,
        }
        for r in ReferentTerritoire.objects.filter(debut__lte=fin)
        .filter(Q(fin__isnull=True) | Q(fin__gte=debut))
        .select_related("territoire", "salarie")
        .order_by("territoire__nom", "debut")
    ]
    donnees["evenements"] = [
        {
            "type": e.type,
            "type_libelle": e.get_type_display(),
            "date": e.date.isoformat(),
            "date_fin": e.date_fin.isoformat() if e.date_fin else None,
            "titre": e.titre,
            "lieu": e.lieu,
            "intervenants": e.intervenants,
            "participants": e.participants,
            "resume": e.resume,
        }
        for e in Evenement.objects.de_l_annee(annee).order_by("date", "pk")
    ]
    conventions = Convention.objects.filter(date_debut__lte=fin, date_fin__gte=debut).order_by(
        "date_debut"
    )
    donnees["programmes"] = []
    for convention in conventions:
        programme = programme_convention(convention, au=fin)
        donnees["programmes"].append(
            {
                "convention": programme.convention,
                "prevues": programme.prevues,
                "realisees": programme.realisees,
                "lignes": [
                    {
                        "module": ligne.module,
                        "prevues": ligne.prevues,
                        "realisees": ligne.realisees,
                        "sessions": [
                            {
                                "debut": s.date_debut.isoformat(),
                                "fin": s.date_fin.isoformat(),
                                "lieu": s.lieu,
                                "jours": float(s.nombre_jours),
                                "effectif": s.effectif,
                                "realisee": s.realisee,
                            }
                            for s in ligne.sessions
                        ],
                    }
                    for ligne in programme.lignes
                ],
            }
        )
    donnees["textes"] = dict(
        TexteSection.objects.filter(annee=annee).values_list("section", "texte")
    )
    donnees["indicateurs"] = dict(
        IndicateurManuel.objects.filter(annee=annee).values_list("cle", "valeur")
    )
    # Through JSON and back: live renderings read exactly what a published edition stores.
    return json.loads(json.dumps(donnees, default=str))


# --- Helpers turning data into blocks -----------------------------------------------------


def _nombre(valeur) -> str:
    return "—" if valeur is None else charts.format_nombre(valeur)


def _date(iso: str | None) -> str:
    if not iso:
        return ""
    return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y")


def _libelle(libelles: Mapping[str, str], code: str) -> str:
    if code == NR:
        return NON_RENSEIGNE
    return libelles.get(code, code)


def _definition(d: dict, cle: str) -> str:
    return d["definitions"].get(cle, "")


def repartition(
    d: dict,
    identifiant: str,
    titre: str,
    effectifs: Mapping[str, int],
    *,
    libelles_cle: str,
    definition_cle: str,
    nature: str = "barres_horizontales",
    masquer_zeros: bool = False,
) -> Figure:
    """A breakdown {code: count} as a chart, NR last and always shown."""
    libelles = d["libelles"].get(libelles_cle, {})
    codes = [c for c in effectifs if c != NR and not (masquer_zeros and effectifs[c] == 0)]
    codes.append(NR)
    n = sum(effectifs.values())
    return Figure(
        Graphique(
            identifiant=identifiant,
            titre=titre,
            nature=nature,
            etiquettes=tuple(_libelle(libelles, c) for c in codes),
            series=(Serie("", tuple(effectifs.get(c, 0) for c in codes)),),
            definition=_definition(d, definition_cle),
        ),
        n=n,
        nr=effectifs.get(NR, 0),
    )


def evolution(
    d: dict,
    identifiant: str,
    titre: str,
    par_annee: Mapping[str, Mapping[str, int]],
    *,
    libelles_cle: str,
    definition_cle: str,
    masquer_zeros: bool = True,
) -> Figure:
    """The same breakdown over several years: grouped bars, one series per year."""
    libelles = d["libelles"].get(libelles_cle, {})
    annees = sorted(par_annee)
    codes: list[str] = []
    for a in annees:
        codes += [c for c in par_annee[a] if c not in codes and c != NR]
    if masquer_zeros:
        codes = [c for c in codes if any(par_annee[a].get(c, 0) for a in annees)]
    codes.append(NR)
    return Figure(
        Graphique(
            identifiant=identifiant,
            titre=titre,
            nature="barres_groupees",
            etiquettes=tuple(_libelle(libelles, c) for c in codes),
            series=tuple(
                Serie(str(a), tuple(par_annee[a].get(c, 0) for c in codes)) for a in annees
            ),
            definition=_definition(d, definition_cle),
        ),
        n=sum(par_annee[annees[-1]].values()) if annees else None,
        nr=par_annee[annees[-1]].get(NR, 0) if annees else None,
    )


def croise(
    d: dict,
    legende: str,
    cellules: Mapping[str, Mapping[str, int]],
    *,
    lignes_cle: str,
    colonnes: Mapping[str, str],
    definition_cle: str,
) -> Tableau:
    """A cross table rows × columns with totals; NR row and column shown."""
    libelles = d["libelles"].get(lignes_cle, {})
    codes_colonnes = [c for c in colonnes if c != NR] + [NR]
    lignes = []
    for code, valeurs in cellules.items():
        total = sum(valeurs.values())
        lignes.append(
            (
                _libelle(libelles, code),
                *(_nombre(valeurs.get(c, 0)) for c in codes_colonnes),
                _nombre(total),
            )
        )
    totaux = [sum(v.get(c, 0) for v in cellules.values()) for c in codes_colonnes]
    lignes.append(("Total", *(_nombre(t) for t in totaux), _nombre(sum(totaux))))
    repondus = [
        t - cellules.get(NR, {}).get(c, 0) for t, c in zip(totaux, codes_colonnes, strict=True)
    ]
    note = "Réponses connues : " + ", ".join(
        f"{colonnes.get(c, NON_RENSEIGNE)} {r}"
        for c, r in zip(codes_colonnes, repondus, strict=True)
        if c != NR
    )
    return Tableau(
        legende=legende,
        entetes=("", *(colonnes.get(c, NON_RENSEIGNE) for c in codes_colonnes), "Total"),
        lignes=tuple(lignes),
        note=note,
        definition=_definition(d, definition_cle),
    )


def _texte(d: dict, ancre: str) -> tuple[Paragraphe, ...]:
    texte = d.get("textes", {}).get(ancre, "").strip()
    return (Paragraphe(texte, redige=True),) if texte else ()


def _section(d, numero, titre, ancre, niveau, *blocs) -> SectionRapport:
    return SectionRapport(
        numero=numero,
        titre=titre,
        ancre=ancre,
        niveau=niveau,
        blocs=(*_texte(d, ancre), *[b for b in blocs if b is not None]),
        texte=d.get("textes", {}).get(ancre, ""),
    )


# --- The outline --------------------------------------------------------------------------


GENRES = {"F": "femmes", "H": "hommes"}


def sections(d: dict) -> list[SectionRapport]:
    """The report's outline (the seed's), filled from `d` (see donnees_rapport)."""
    annee = d["annee"]
    escale = d["dispositifs"]["escale"]
    citeslab = d["dispositifs"]["citeslab"]
    return [
        *_introduction(d, annee),
        *_escale(d, annee, escale, citeslab),
        *_episs(d),
        *_fibre(d, annee),
        _section(
            d,
            "4",
            "Autres participations",
            "autres-participations",
            1,
            _liste_evenements(
                d, ("autre_reunion", "reunion_territoriale"), "Autres temps de travail"
            ),
        ),
        _section(d, "5", "Annexe : définitions des indicateurs", "definitions", 1, _definitions(d)),
    ]


def _introduction(d: dict, annee: int) -> list[SectionRapport]:
    vie = d["vie_associative"]
    depuis = d["depuis_la_creation"]
    conseil = Tableau(
        legende=f"Conseil d'administration élu le {_date(vie['assemblee_generale'])}"
        if vie["assemblee_generale"]
        else "Conseil d'administration",
        entetes=("Membre", "Fonction", "Association représentée"),
        lignes=tuple(
            (m["nom"], m["fonction"] or "", m["association_representee"] or "personne physique")
            for m in vie["conseil"]
        ),
    )
    equipe = Tableau(
        legende=f"Équipe salariée en {annee}",
        entetes=("Salarié(e)", "Fonction", "ETP"),
        lignes=tuple(
            (
                s["nom"],
                s["fonction"],
                str(s["etp"]).replace(".", ",") if s["etp"] is not None else "—",
            )
            for s in vie["salaries"]
        ),
        note=f"Total : {str(vie['etp']).replace('.', ',')} ETP.",
    )
    return [
        _section(d, "0", "Introduction", "introduction", 1),
        _section(d, "0.1", "Le projet associatif", "projet-associatif", 2),
        _section(d, "0.2", "Territoire d'intervention", "territoire-intervention", 2),
        _section(
            d,
            "0.3",
            "Les forces vives du projet",
            "forces-vives",
            2,
            Chiffres(
                (
                    (
                        f"Adhérents en {annee}",
                        _nombre(vie["adherents"]),
                        _definition(d, "vie_associative.adherents"),
                    ),
                    (
                        "Réunions du conseil d'administration",
                        _nombre(vie["reunions_conseil"]),
                        _definition(d, "vie_associative.reunions_conseil"),
                    ),
                )
            ),
            conseil if vie["conseil"] else None,
            equipe if vie["salaries"] else None,
        ),
        _section(d, "0.4", "Adhésions aux réseaux", "adhesions-reseaux", 2),
        _section(
            d,
            "0.5",
            "Quelques chiffres depuis la création",
            "quelques-chiffres",
            2,
            Chiffres(
                tuple(
                    (libelle, _nombre(depuis.get(cle)), _definition(d, f"depuis_la_creation.{cle}"))
                    for cle, libelle in (
                        ("accueils", "Porteurs de projet accueillis et orientés"),
                        ("accueils_qpv", "dont issus des quartiers prioritaires"),
                        ("accompagnes", "Porteurs entrés dans le dispositif d'accompagnement"),
                        (
                            "accompagnes_economiques",
                            "Porteurs accompagnés pour une activité économique",
                        ),
                        ("emplois_crees", "Emplois créés"),
                        (
                            "projets_professionnels",
                            "Personnes accompagnées vers un projet professionnel",
                        ),
                    )
                )
            ),
        ),
    ]


def _funnel(d: dict, dispositif: dict, identifiant: str) -> tuple[Figure, Tableau]:
    entonnoir = dispositif["entonnoir"]
    phases = [
        ("accueil", "Accueil"),
        ("maturation", "Maturation"),
        ("creation", "Création"),
        ("post_creation", "Suivi post-création"),
    ]
    figure = Figure(
        Graphique(
            identifiant=identifiant,
            titre="Projets actifs dans l'année, par phase",
            nature="entonnoir",
            etiquettes=tuple(libelle for _, libelle in phases),
            series=(Serie("", tuple(entonnoir[p]["actifs"] for p, _ in phases)),),
            unite="projets",
            definition=_definition(d, "entonnoir.actifs"),
        )
    )
    tableau = Tableau(
        legende="Le parcours d'accompagnement de l'année",
        entetes=(
            "Phase",
            "Début d'année",
            "Entrées",
            "Actifs",
            "Vers la phase suivante",
            "Sorties valorisables",
            "Sorties non valorisables",
            "Fin d'année",
        ),
        lignes=tuple(
            (
                libelle,
                _nombre(entonnoir[p]["report"]),
                _nombre(entonnoir[p]["entrees"]),
                _nombre(entonnoir[p]["actifs"]),
                _nombre(entonnoir[p]["sorties_detail"]["phase_suivante"]),
                _nombre(entonnoir[p]["sorties_detail"]["valorisable"]),
                _nombre(entonnoir[p]["sorties_detail"]["non_valorisable"]),
                _nombre(entonnoir[p]["fin"]),
            )
            for p, libelle in phases
        ),
        note="Actifs = début d'année + entrées ; fin d'année = actifs − sorties.",
        definition=_definition(d, "entonnoir.actifs"),
    )
    return figure, tableau


def _escale(d: dict, annee: int, escale: dict, citeslab: dict) -> list[SectionRapport]:
    a = escale["accueils"]
    ac = citeslab["accueils"]
    referents = Tableau(
        legende=f"Salariés référents des territoires en {annee}",
        entetes=("Territoire", "Référent(e)", "Depuis", "Jusqu'au"),
        lignes=tuple(
            (r["territoire"], r["salarie"], _date(r["debut"]), _date(r["fin"]) or "—")
            for r in d["referents"]
        ),
    )
    points = Tableau(
        legende="Réseau des points d'accueil de proximité",
        entetes=("Territoire", "Commune", "Structure", "Adresse"),
        lignes=tuple(
            (p["territoire"] or "—", p["commune"], p["nom"], p["adresse"])
            for p in d["points_accueil"]
        ),
        note=f"{len(d['points_accueil'])} points d'accueil ouverts pendant l'année.",
    )
    rdv_citeslab = citeslab["rendez_vous"]
    funnel_escale = _funnel(d, escale, "entonnoir-escale")
    acc = escale["accompagnements"]
    genre_table = Tableau(
        legende="Répartition femmes / hommes des accueils depuis 2007",
        entetes=("Année", "Femmes", "Hommes", "Source"),
        lignes=tuple(
            (
                str(g["annee"]),
                charts.format_pourcentage(g["part_F"]) if g["part_F"] is not None else "—",
                charts.format_pourcentage(g["part_H"]) if g["part_H"] is not None else "—",
                "rapport publié" if g["origine"] == "historique" else "calculé",
            )
            for g in d["genre_depuis_2007"]
        ),
        note="Les années antérieures à l'application reprennent les chiffres publiés, tels quels.",
        definition=_definition(d, "genre_depuis_2007"),
    )
    return [
        _section(d, "1", "E.S.C.A.L.E (Émergence et Accompagnement)", "escale", 1),
        _section(
            d, "1.1", "Inscription de l'activité dans les territoires", "territoires", 2, referents
        ),
        _section(d, "1.2", "Points d'accueil de proximité", "points-accueil", 2, points),
        _section(
            d,
            "1.3",
            "Réseau de prescripteurs",
            "prescripteurs",
            2,
            repartition(
                d,
                "prescripteurs-escale",
                "Comment les porteurs accueillis ont connu Maillage (ESCALE)",
                a["par_prescripteur"],
                libelles_cle="par_prescripteur",
                definition_cle="accueils.par_prescripteur",
                masquer_zeros=True,
            ),
        ),
        _section(
            d,
            "1.4",
            "Amorçage CitésLab",
            "citeslab",
            2,
            Chiffres(
                (
                    (
                        f"Porteurs de projet accueillis en {annee}",
                        _nombre(ac["total"]),
                        _definition(d, "accueils.total"),
                    ),
                )
            ),
            repartition(
                d,
                "citeslab-quartier",
                "Répartition par quartier",
                ac["par_quartier"],
                libelles_cle="par_quartier",
                definition_cle="accueils.par_quartier",
                masquer_zeros=True,
            ),
            repartition(
                d,
                "citeslab-age",
                "Répartition par tranche d'âge",
                ac["par_tranche_age"],
                libelles_cle="par_tranche_age",
                definition_cle="accueils.par_tranche_age",
                nature="barres",
            ),
            repartition(
                d,
                "citeslab-qualification",
                "Répartition par niveau de qualification",
                ac["par_qualification"],
                libelles_cle="par_qualification",
                definition_cle="accueils.par_qualification",
            ),
            repartition(
                d,
                "citeslab-genre",
                "Répartition par genre",
                ac["par_genre"],
                libelles_cle="par_genre",
                definition_cle="accueils.par_genre",
                nature="camembert",
            ),
            repartition(
                d,
                "citeslab-revenu",
                "Répartition par revenu",
                ac["par_revenu"],
                libelles_cle="par_revenu",
                definition_cle="accueils.par_revenu",
            ),
            repartition(
                d,
                "citeslab-situation",
                "Répartition par situation professionnelle",
                ac["par_situation"],
                libelles_cle="par_situation",
                definition_cle="accueils.par_situation",
            ),
            repartition(
                d,
                "citeslab-objet",
                "Objet d'intervention des rendez-vous",
                rdv_citeslab["par_objet"],
                libelles_cle="par_objet",
                definition_cle="rendez_vous.par_objet",
            ),
            repartition(
                d,
                "citeslab-nombre-rdv",
                "Nombre de rendez-vous par porteur",
                ac["par_nombre_rendez_vous"],
                libelles_cle="par_nombre_rendez_vous",
                definition_cle="accueils.par_nombre_rendez_vous",
                nature="barres",
            ),
            repartition(
                d,
                "citeslab-stade",
                "Stade du projet au premier accueil",
                ac["par_stade"],
                libelles_cle="par_stade",
                definition_cle="accueils.par_stade",
            ),
            repartition(
                d,
                "citeslab-collectif",
                "Projets individuels et collectifs",
                ac["par_projet_collectif"],
                libelles_cle="par_projet_collectif",
                definition_cle="accueils.par_projet_collectif",
                nature="camembert",
            ),
            repartition(
                d,
                "citeslab-secteur",
                "Répartition par secteur d'activité",
                ac["par_secteur"],
                libelles_cle="par_secteur",
                definition_cle="accueils.par_secteur",
            ),
            repartition(
                d,
                "citeslab-prescripteur",
                "Comment la personne a connu CitésLab",
                ac["par_prescripteur"],
                libelles_cle="par_prescripteur",
                definition_cle="accueils.par_prescripteur",
                masquer_zeros=True,
            ),
            repartition(
                d,
                "citeslab-orientation",
                "Orientation vers la création",
                ac["par_orientation"],
                libelles_cle="par_orientation",
                definition_cle="accueils.par_orientation",
                masquer_zeros=True,
            ),
            repartition(
                d,
                "citeslab-suivi",
                "Suite donnée aux projets",
                ac["par_suivi"],
                libelles_cle="par_suivi",
                definition_cle="accueils.par_suivi",
            ),
        ),
        _section(d, "1.5", "Accompagnement des porteurs de projets", "accompagnement", 2),
        _section(
            d,
            "1.5.1",
            f"Données {annee}",
            "donnees-annee",
            3,
            Chiffres(
                (
                    ("Projets accueillis", _nombre(a["total"]), _definition(d, "accueils.total")),
                    (
                        "dont passés en maturation dans l'année",
                        _nombre(escale["accueillis_passes_en_maturation"]),
                        _definition(d, "accueillis_passes_en_maturation"),
                    ),
                    (
                        "dont passés en création dans l'année",
                        _nombre(escale["accueillis_passes_en_creation"]),
                        _definition(d, "accueillis_passes_en_creation"),
                    ),
                    (
                        "Projets en création ou suivi post-création",
                        _nombre(
                            escale["entonnoir"]["creation"]["actifs"]
                            + escale["entonnoir"]["post_creation"]["actifs"]
                        ),
                        _definition(d, "entonnoir.actifs"),
                    ),
                )
            ),
            *funnel_escale,
        ),
        _section(
            d,
            "1.5.2",
            "Accueil orientation",
            "accueil-orientation",
            3,
            repartition(
                d,
                "escale-genre",
                f"Projets accueillis en {annee} par genre",
                a["par_genre"],
                libelles_cle="par_genre",
                definition_cle="accueils.par_genre",
                nature="camembert",
            ),
            genre_table,
            repartition(
                d,
                "escale-age",
                "Répartition par tranche d'âge",
                a["par_tranche_age"],
                libelles_cle="par_tranche_age",
                definition_cle="accueils.par_tranche_age",
                nature="barres",
            ),
            repartition(
                d,
                "escale-mois",
                "Accueils par mois",
                a["par_mois"],
                libelles_cle="par_mois",
                definition_cle="accueils.par_mois",
                nature="barres",
            ),
            croise(
                d,
                "Situation professionnelle des femmes et des hommes accueillis",
                a["par_situation_genre"],
                lignes_cle="par_situation",
                colonnes=GENRES,
                definition_cle="accueils.par_situation_genre",
            ),
        ),
        _section(
            d,
            "1.5.3",
            "Répartition territoriale des accueils",
            "repartition-territoriale",
            3,
            repartition(
                d,
                "escale-departement",
                "Accueils par département",
                a["par_departement"],
                libelles_cle="par_departement",
                definition_cle="accueils.par_departement",
                masquer_zeros=True,
            ),
            repartition(
                d,
                "escale-epci",
                "Accueils par EPCI",
                a["par_epci"],
                libelles_cle="par_epci",
                definition_cle="accueils.par_epci",
                masquer_zeros=True,
            ),
            evolution(
                d,
                "escale-territoires-lmcu",
                "Accueils sur les territoires de Lille Métropole",
                a["par_territoire_lmcu"],
                libelles_cle="par_territoire_lmcu",
                definition_cle="accueils.par_territoire_lmcu",
            ),
            repartition(
                d,
                "escale-lille-qpv",
                "Accueils lillois en quartier prioritaire",
                a["lille_qpv"],
                libelles_cle="lille_qpv",
                definition_cle="accueils.lille_qpv",
                nature="camembert",
            ),
            croise(
                d,
                "Accueils lillois par quartier et situation professionnelle",
                a["lille_quartier_situation"],
                lignes_cle="par_quartier",
                colonnes=d["libelles"].get("par_situation", {}),
                definition_cle="accueils.lille_quartier_situation",
            ),
            repartition(
                d,
                "escale-lieu",
                "Lieu du rendez-vous d'accueil",
                a["par_lieu"],
                libelles_cle="par_lieu",
                definition_cle="accueils.par_lieu",
            ),
            repartition(
                d,
                "escale-charge",
                "Rendez-vous d'accueil par salarié(e)",
                a["par_charge"],
                libelles_cle="par_charge",
                definition_cle="accueils.par_charge",
            ),
        ),
        _section(
            d,
            "1.5.4",
            "Maturation du projet",
            "maturation",
            3,
            Chiffres(
                (
                    (
                        "Projets en maturation dans l'année",
                        _nombre(escale["entonnoir"]["maturation"]["actifs"]),
                        _definition(d, "entonnoir.actifs"),
                    ),
                    (
                        "dont accueillis l'année précédente",
                        _nombre(escale["entonnoir"]["maturation"]["report"]),
                        _definition(d, "entonnoir.actifs"),
                    ),
                    (
                        "Restant en maturation en fin d'année",
                        _nombre(escale["entonnoir"]["maturation"]["fin"]),
                        _definition(d, "entonnoir.actifs"),
                    ),
                    (
                        "Entrés en création après la maturation",
                        _nombre(escale["entonnoir"]["creation"]["entrees"]),
                        _definition(d, "entonnoir.actifs"),
                    ),
                )
            ),
        ),
        _section(
            d,
            "1.5.5",
            "Accompagnement à la création et suivi post-création",
            "creation",
            3,
            Chiffres(
                (
                    (
                        "Projets en création dans l'année",
                        _nombre(escale["entonnoir"]["creation"]["actifs"]),
                        _definition(d, "entonnoir.actifs"),
                    ),
                    (
                        "Restant en création en fin d'année",
                        _nombre(escale["entonnoir"]["creation"]["fin"]),
                        _definition(d, "entonnoir.actifs"),
                    ),
                    (
                        "Sorties valorisables de la création",
                        _nombre(escale["entonnoir"]["creation"]["sorties_detail"]["valorisable"]),
                        _definition(d, "sorties.par_type"),
                    ),
                    (
                        "Sorties non valorisables de la création",
                        _nombre(
                            escale["entonnoir"]["creation"]["sorties_detail"]["non_valorisable"]
                        ),
                        _definition(d, "sorties.par_type"),
                    ),
                    (
                        "Projets en suivi post-création",
                        _nombre(escale["entonnoir"]["post_creation"]["actifs"]),
                        _definition(d, "entonnoir.actifs"),
                    ),
                )
            ),
            evolution(
                d,
                "accompagnements-epci",
                "Projets accompagnés par EPCI",
                acc["par_epci"],
                libelles_cle="par_epci",
                definition_cle="accompagnements.total",
            ),
            evolution(
                d,
                "accompagnements-lmcu",
                "Projets accompagnés sur les territoires de Lille Métropole",
                acc["par_territoire_lmcu"],
                libelles_cle="par_territoire_lmcu",
                definition_cle="accompagnements.total",
            ),
            evolution(
                d,
                "accompagnements-lille",
                "Projets accompagnés lillois par quartier",
                acc["par_quartier_lille"],
                libelles_cle="par_quartier",
                definition_cle="accompagnements.total",
            ),
        ),
    ]


def _indicateurs(d: dict, section: str) -> Chiffres | None:
    valeurs = d.get("indicateurs", {})
    lignes = tuple(
        (
            libelle,
            _nombre(valeurs.get(cle)),
            "Saisi par la direction (aucune donnée de l'application ne le contient).",
        )
        for s, cle, libelle in INDICATEURS_MANUELS
        if s == section
    )
    return Chiffres(lignes) if lignes else None


def _liste_evenements(d: dict, types: Iterable[str], legende: str) -> Tableau | None:
    evenements = [e for e in d["evenements"] if e["type"] in types]
    if not evenements:
        return None
    return Tableau(
        legende=legende,
        entetes=("Date", "Titre", "Lieu", "Intervenants", "Présents"),
        lignes=tuple(
            (
                _date(e["date"]) + (f" au {_date(e['date_fin'])}" if e["date_fin"] else ""),
                e["titre"],
                e["lieu"],
                e["intervenants"],
                _nombre(e["participants"]),
            )
            for e in evenements
        ),
        note=f"{len(evenements)} événement{'s' if len(evenements) > 1 else ''}.",
    )


def _episs(d: dict) -> list[SectionRapport]:
    return [
        _section(d, "2", "E.P.I.S.S. (Lieu ressources)", "episs", 1),
        _section(d, "2.1", "Communication", "communication", 2, _indicateurs(d, "2.1")),
        _section(d, "2.2", "Production et édition de ressources", "ressources", 2),
        _section(
            d,
            "2.3",
            "Locaux et services aux adhérents",
            "services-adherents",
            2,
            _indicateurs(d, "2.3"),
        ),
        _section(d, "2.4", "Salons", "salons", 2, _liste_evenements(d, ("salon",), "Salons")),
        _section(
            d,
            "2.5",
            "Forums emploi",
            "forums",
            2,
            _liste_evenements(d, ("forum_emploi",), "Forums emploi"),
        ),
    ]


def _fibre(d: dict, annee: int) -> list[SectionRapport]:
    f = d["formations"]
    programmes = []
    for p in d["programmes"]:
        programmes.append(
            Tableau(
                legende=f"Programme ADVA {p['convention']} : sessions prévues et réalisées",
                entetes=("Module", "Prévues", "Réalisées", "Sessions (dates, lieu, effectif)"),
                lignes=tuple(
                    (
                        ligne["module"],
                        _nombre(ligne["prevues"]),
                        _nombre(ligne["realisees"]),
                        " ; ".join(
                            f"{_date(s['debut'])}–{_date(s['fin'])}, {s['lieu']}, {s['effectif']}"
                            + ("" if s["realisee"] else " (à venir)")
                            for s in ligne["sessions"]
                        )
                        or "—",
                    )
                    for ligne in p["lignes"]
                ),
                note=(
                    f"{p['realisees']} sessions réalisées sur {p['prevues']} prévues "
                    f"au 31/12/{annee}."
                ),
            )
        )
    profil = f["profil"]
    libelles_profil = {
        "genre": {"F": "femmes", "H": "hommes"},
        "tranche_age": {
            "moins_26": "moins de 26 ans",
            "26_60": "26 à 60 ans",
            "plus_60": "plus de 60 ans",
        },
        "sphere_dirigeante": {"oui": "sphère dirigeante", "non": "hors sphère dirigeante"},
        "emploi": {
            "salarie": "salarié(e)",
            "sans_emploi": "sans emploi",
            "etudiant": "étudiant(e)",
            "retraite": "retraité(e)",
        },
    }
    figures_profil = []
    for cle, titre in (
        ("genre", "Genre"),
        ("tranche_age", "Âge"),
        ("sphere_dirigeante", "Rôle dans l'association"),
        ("emploi", "Situation d'emploi"),
    ):
        valeurs = profil[cle]
        codes = [c for c in valeurs if c != NR] + [NR]
        figures_profil.append(
            Figure(
                Graphique(
                    identifiant=f"stagiaires-{cle.replace('_', '-')}",
                    titre=f"Stagiaires : {titre.lower()}",
                    nature="barres_horizontales",
                    etiquettes=tuple(_libelle(libelles_profil[cle], c) for c in codes),
                    series=(Serie("", tuple(valeurs.get(c, 0) for c in codes)),),
                    unite="inscriptions",
                    definition=_definition(d, "formations.profil"),
                ),
                n=sum(valeurs.values()),
                nr=valeurs.get(NR, 0),
            )
        )
    return [
        _section(d, "3", "F.I.B.R.E. (Information / Formation)", "fibre", 1),
        _section(
            d,
            "3.1",
            "Réunions thématiques et sensibilisation collective",
            "reunions-thematiques",
            2,
            _liste_evenements(
                d,
                ("reunion_thematique", "sensibilisation"),
                "Réunions thématiques et de sensibilisation",
            ),
        ),
        _section(
            d,
            "3.2",
            "Formation programme ADVA",
            "adva",
            2,
            *programmes,
            Chiffres(
                (
                    (
                        "Sessions de formation",
                        _nombre(f["sessions"]),
                        _definition(d, "formations.sessions"),
                    ),
                    ("Jours de formation", _nombre(f["jours"]), _definition(d, "formations.jours")),
                    (
                        "Stagiaires (inscriptions)",
                        _nombre(f["stagiaires"]),
                        _definition(d, "formations.stagiaires"),
                    ),
                    (
                        "Personnes distinctes",
                        _nombre(f["personnes"]),
                        _definition(d, "formations.personnes"),
                    ),
                    (
                        "Associations ayant inscrit des stagiaires",
                        _nombre(f["associations"]),
                        _definition(d, "formations.associations"),
                    ),
                    (
                        "dont accueillies ou en maturation",
                        _nombre(f["associations_accueillies"] + f["associations_en_maturation"]),
                        _definition(d, "formations.associations"),
                    ),
                    (
                        "dont accompagnées par Maillage",
                        _nombre(f["associations_accompagnees"]),
                        _definition(d, "formations.associations"),
                    ),
                    (
                        "Fiches de renseignement remplies",
                        f"{_nombre(f['fiches_renseignees'])} sur {_nombre(f['stagiaires'])}",
                        _definition(d, "formations.profil"),
                    ),
                )
            ),
            *figures_profil,
        ),
    ]


def _definitions(d: dict) -> Tableau:
    return Tableau(
        legende="Ce que compte chaque indicateur",
        entetes=("Indicateur", "Définition"),
        lignes=tuple((cle, texte) for cle, texte in sorted(d["definitions"].items())),
    )


def graphiques(liste: Iterable[SectionRapport]) -> list[Figure]:
    return [b for s in liste for b in s.blocs if isinstance(b, Figure)]
