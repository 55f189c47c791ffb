"""The table of docs/demo-2013.md: each figure of the seed report, the app's figure computed
by rapports.stats from the demo, and why they differ where they do.

`tableau(rapport)` builds the Markdown table from `rapports.stats.rapport_annuel(2013)`;
tests/demo checks that the doc holds exactly that table. To rewrite it after a change:
`.venv/bin/python manage.py shell -c "from maillage.demo.tableau import ecrire_doc; ecrire_doc()"`
on a database where `charger_demo` ran.
"""

from pathlib import Path

from django.conf import settings

DEBUT, FIN = "<!-- tableau:debut -->", "<!-- tableau:fin -->"
DOC = Path(settings.BASE_DIR) / "docs" / "demo-2013.md"


def _get(r: dict, chemin: str):
    cur = r
    for k in chemin.split("."):
        cur = cur.get(k) if isinstance(cur, dict) else None
    return cur


def _part(n, total) -> str:
    return f"{round(100 * n / total)} % ({n}/{total})" if total else "—"


E, C = "dispositifs.escale", "dispositifs.citeslab"


def _lignes(r: dict) -> list[tuple[str, str, str, str, str]]:
    """(section, figure, seed, app, why they differ)."""
    ea = _get(r, f"{E}.accueils")
    ca = _get(r, f"{C}.accueils")
    ent = _get(r, f"{E}.entonnoir")
    f = r["formations"]
    prof = f["profil"]

    def sans_nr(rep: dict) -> int:
        return sum(v for k, v in rep.items() if k != "NR")

    sit_c = ca["par_situation"]
    rev_c = ca["par_revenu"]
    qual_c = ca["par_qualification"]
    presc_c = ca["par_prescripteur"]
    hotes = sum(
        presc_c.get(k, 0)
        for k in (
            "Centre Social Boilly",
            "Objectif Emploi",
            "Maison des services du Pont Rompu",
            "Ville de Wattrelos",
        )
    )
    objets = _get(r, f"{C}.rendez_vous.par_objet")
    n_rdv = sum(objets.values())
    genre_f = prof["genre"]
    acc = _get(r, f"{E}.accompagnements")
    lmcu = "200093201"
    dep = r["depuis_la_creation"]
    age_c = ca["par_tranche_age"]
    plus_grand_c = max((k for k in age_c if k != "NR"), key=age_c.get)
    age_e = ea["par_tranche_age"]
    plus_grand_e = max((k for k in age_e if k != "NR"), key=age_e.get)
    sg = ea["par_situation_genre"]
    repondu_h = sum(v["H"] for k, v in sg.items() if k != "NR")
    repondu_f = sum(v["F"] for k, v in sg.items() if k != "NR")
    hors = sum(v for k, v in ea["par_lieu"].items() if k not in ("locaux", "NR"))
    plde = ea["hors_locaux_par_territoire_plde"]
    va = r["vie_associative"]
    hab = _get(r, "dispositifs.habitants.accueils")
    hab_sg = hab["par_situation_genre"]
    pv = _get(r, "dispositifs.projet_vie.accueils")
    return [
        ("0.3.1", "adhérents 2013", "24", str(va["adherents"]), ""),
        ("0.3.1", "réunions du CA en 2013", "8", str(va["reunions_conseil"]), ""),
        ("0.3.1", "CA élu le 13/04/2013", "5 membres", f"{len(va['conseil'])} membres", ""),
        (
            "0.3.2",
            "équipe salariée en 2013",
            "6 postes, 8 personnes",
            f"{len(va['salaries'])} personnes, {va['etp']} ETP",
            "",
        ),
        (
            "0.5",
            "accueillis depuis 2000",
            "883",
            str(dep["accueils"]),
            "2000-2010 stockés (AgregatHistorique, 2010) + 2011-2013 calculés",
        ),
        (
            "0.5",
            "dont issus d'un QPV",
            "149",
            str(dep["accueils_qpv"]),
            "le rapport dit « de Lille » ; l'app compte tous les QPV",
        ),
        ("0.5", "entrés en accompagnement", "167", str(dep["accompagnes"]), ""),
        (
            "0.5",
            "accompagnés (activité économique)",
            "130",
            str(dep["accompagnes_economiques"]),
            "",
        ),
        ("0.5", "emplois créés", "438", str(dep["emplois_crees"]), ""),
        (
            "0.5",
            "personnes vers un projet professionnel",
            "18",
            str(dep["projets_professionnels"]),
            "",
        ),
        ("1.4.1", "CitésLab : porteurs accueillis", "53", str(ca["total"]), ""),
        ("1.4.1", "CitésLab : femmes", "38 %", _part(ca["par_genre"]["F"], ca["total"]), ""),
        ("1.4.1", "CitésLab : tranche d'âge dominante", "26-35", plus_grand_c, ""),
        (
            "1.4.1",
            "CitésLab : sous le baccalauréat",
            "plus de 2/3",
            _part(qual_c["sans_diplome"] + qual_c["cap_bep"], sans_nr(qual_c)),
            "part des réponses (NR à part)",
        ),
        (
            "1.4.1",
            "CitésLab : demandeurs d'emploi",
            "69 %",
            _part(sit_c["demandeur_emploi"], sans_nr(sit_c)),
            "69 % de 53 n'est pas un entier : part des réponses (2 NR)",
        ),
        (
            "1.4.1",
            "CitésLab : salariés",
            "14 %",
            _part(sit_c["salarie"], sans_nr(sit_c)),
            "part des réponses",
        ),
        (
            "1.4.1",
            "CitésLab : bénéficiaires de l'ARE",
            "1/4",
            _part(rev_c["are"], sans_nr(rev_c)),
            "",
        ),
        (
            "1.4.1",
            "CitésLab : bénéficiaires du RSA",
            "« une partie importante »",
            _part(rev_c["rsa"], sans_nr(rev_c)),
            "",
        ),
        (
            "1.4.1",
            "CitésLab : RDV d'aide à la formulation",
            "51 %",
            _part(objets["aide_formulation"], n_rdv),
            "",
        ),
        (
            "1.4.1",
            "CitésLab : RDV d'accueil-orientation",
            "1/3",
            _part(objets["accueil_orientation"], n_rdv),
            "",
        ),
        (
            "1.4.2",
            "CitésLab : prescrits par les structures d'accueil",
            "63 %",
            _part(hotes, sans_nr(presc_c)),
            "63 % de 53 n'est pas un entier : part des réponses",
        ),
        ("1.5.1", "ESCALE : projets accueillis", "82", str(ea["total"]), ""),
        (
            "1.5.1",
            "accueillis passés en maturation",
            "33",
            str(_get(r, f"{E}.accueillis_passes_en_maturation")),
            "",
        ),
        (
            "1.5.1",
            "accueillis passés en création",
            "5",
            str(_get(r, f"{E}.accueillis_passes_en_creation")),
            "",
        ),
        (
            "1.5.1",
            "maturation : actifs (report + entrées)",
            "42 (9 + 33)",
            f"{ent['maturation']['actifs']} ({ent['maturation']['report']} + "
            f"{ent['maturation']['entrees']})",
            "",
        ),
        ("1.5.1", "maturation : restant fin d'année", "22", str(ent["maturation"]["fin"]), ""),
        ("1.5.1", "création : actifs", "22", str(ent["creation"]["actifs"]), ""),
        (
            "1.5.1",
            "création : entrées de l'année",
            "« 6 issus de la maturation »",
            str(ent["creation"]["entrees"]),
            "le rapport dit 6 en 1.5.1 et 5 en 1.5.4 ; 22 = 17 + 5 : l'app retient 5",
        ),
        ("1.5.1", "création : report de 2012", "17", str(ent["creation"]["report"]), ""),
        ("1.5.1", "création : restant fin d'année", "19", str(ent["creation"]["fin"]), ""),
        (
            "1.5.1",
            "création : sorties",
            "4 valorisables + 4 non valorisables",
            f"{ent['creation']['sorties']} ("
            f"{ent['creation']['sorties_detail']['valorisable']} valorisables + "
            f"{ent['creation']['sorties_detail']['non_valorisable']} non valorisable)",
            "22 − 19 = 3 sorties : 8 est impossible avec 22 actifs et 19 restants",
        ),
        (
            "1.5.1",
            "post-création : actifs / entrées / sorties",
            "2 / 0 / 1",
            f"{ent['post_creation']['actifs']} / {ent['post_creation']['entrees']} / "
            f"{ent['post_creation']['sorties']}",
            "",
        ),
        ("1.5.1", "création + post-création", "24", str(acc["total"]), ""),
        (
            "1.5.2",
            "accueils 2012",
            "68",
            str(
                next(
                    g["F"] + g["H"] + g["NR"] for g in r["genre_depuis_2007"] if g["annee"] == 2012
                )
            ),
            "",
        ),
        (
            "1.5.2",
            "femmes / hommes",
            "47 / 35",
            f"{ea['par_genre']['F']} / {ea['par_genre']['H']}",
            "",
        ),
        (
            "1.5.2",
            "tableau 2009 (femmes / hommes)",
            "56 % / 46 %",
            "{part_F} % / {part_H} %".format(
                **next(g for g in r["genre_depuis_2007"] if g["annee"] == 2009)
            ),
            "publié tel quel (102 %) : chiffre historique stocké, non recalculé",
        ),
        ("1.5.2", "tranche d'âge majoritaire", "26-35", plus_grand_e, ""),
        (
            "1.5.2",
            "situation connue (hommes / femmes)",
            "33 / 44",
            f"{repondu_h} / {repondu_f}",
            "",
        ),
        (
            "1.5.2",
            "accueils en août",
            "faible (fermeture partielle)",
            str(ea["par_mois"]["08"]),
            "",
        ),
        (
            "1.5.3",
            "Nord / Pas-de-Calais",
            "81 / 1",
            f"{ea['par_departement']['59']} / {ea['par_departement']['62']}",
            "",
        ),
        (
            "1.5.3",
            "accueils hors des locaux",
            "15 (9 + 4 + 1)",
            f"{hors} ({plde.get('Valenciennois', 0)} + {plde.get('Métropole lilloise', 0)} + "
            f"{plde.get('NR', 0)} sans territoire PLDE)",
            "9 + 4 + 1 = 14 : le 15e est un accueil par téléphone ; l'Audomarois (autre lieu, "
            "Saint-Omer) n'a pas de point d'accueil",
        ),
        ("1.5.3", "accueils de LMCU", "65", str(ea["par_epci"].get(lmcu, 0)), ""),
        (
            "1.5.3",
            "Lille / dont QPV / quartier inconnu",
            "31 / 18 / 7",
            f"{ea['par_commune'].get('59350', 0)} / {ea['lille_qpv']['oui']} / "
            f"{ea['lille_qpv']['NR']}",
            "",
        ),
        (
            "1.5.3",
            "RDV d'accueil par salarié",
            "82 (graphique)",
            f"{sum(ea['par_charge'].values())} : "
            + ", ".join(f"{k} {v}" for k, v in ea["par_charge"].items() if v),
            "répartition choisie",
        ),
        _hasard("1.5.5", "accompagnements issus de LMCU", 15, acc["par_epci"]["2013"].get(lmcu, 0)),
        _hasard(
            "1.5.5", "accompagnements lillois", 11, sum(acc["par_quartier_lille"]["2013"].values())
        ),
        (
            "1.5.6",
            "habitants du secteur Charles Six mobilisés",
            "2 (un retraité, une salariée)",
            f"{hab['total']} ({_n(hab_sg, 'retraite', 'H')} retraité, "
            f"{_n(hab_sg, 'salarie', 'F')} salariée)",
            "",
        ),
        (
            "0.1",
            "projet de vie / projet professionnel : accueils 2013",
            "non chiffré (18 depuis 2006, § 0.5)",
            str(pv["total"]),
            "choix de la démo : 2 par an, sortis vers un emploi ou une formation",
        ),
        (
            "3.2",
            "sessions / jours / stagiaires",
            "9 / 31 / 76",
            f"{f['sessions']} / {f['jours']} / {f['stagiaires']}",
            "",
        ),
        ("3.2", "associations inscrivantes", "52", str(f["associations"]), ""),
        (
            "3.2",
            "dont accueillies ou en maturation / accompagnées",
            "13 / 16",
            f"{f['associations_accueillies'] + f['associations_en_maturation']} / "
            f"{f['associations_accompagnees']}",
            "",
        ),
        ("3.2", "fiches renseignées", "57", str(f["fiches_renseignees"]), ""),
        (
            "3.2",
            "hommes / femmes",
            "35 % / 65 %",
            f"{_part(genre_f['H'], sans_nr(genre_f))} / {_part(genre_f['F'], sans_nr(genre_f))}",
            "",
        ),
        (
            "3.2",
            "sphère dirigeante",
            "40 %",
            _part(prof["sphere_dirigeante"]["oui"], sans_nr(prof["sphere_dirigeante"])),
            "",
        ),
        (
            "3.2",
            "moins de 26 / plus de 60 ans",
            "7 % / 3 %",
            f"{_part(prof['tranche_age']['moins_26'], sans_nr(prof['tranche_age']))} / "
            f"{_part(prof['tranche_age']['plus_60'], sans_nr(prof['tranche_age']))}",
            "aucun entier sur 57 ne donne 3 % arrondi : 2/57 = 3,5 %",
        ),
        (
            "3.2",
            "salariés / sans emploi",
            "51 % / 42 %",
            f"{_part(prof['emploi']['salarie'], sans_nr(prof['emploi']))} / "
            f"{_part(prof['emploi']['sans_emploi'], sans_nr(prof['emploi']))}",
            "",
        ),
    ]


def _n(par_situation_genre: dict, situation: str, genre: str) -> int:
    return par_situation_genre.get(situation, {}).get(genre, 0)


def _hasard(section: str, libelle: str, seed: int, app: int) -> tuple:
    pourquoi = (
        ""
        if app == seed
        else ("non reproduit : le territoire des 19 dossiers reçus avant 2013 est tiré au hasard")
    )
    return (section, libelle, str(seed), str(app), pourquoi)


def tableau(rapport: dict) -> str:
    lignes = [
        "| § | chiffre | rapport 2013 | application | écart et raison |",
        "| --- | --- | --- | --- | --- |",
    ]
    for section, libelle, seed, app, pourquoi in _lignes(rapport):
        lignes.append(f"| {section} | {libelle} | {seed} | {app} | {pourquoi} |")
    return "\n".join(lignes) + "\n"


def ecrire_doc() -> None:
    from rapports.stats import rapport_annuel

    texte = DOC.read_text(encoding="utf-8")
    avant, reste = texte.split(DEBUT, 1)
    _, apres = reste.split(FIN, 1)
    DOC.write_text(f"{avant}{DEBUT}\n{tableau(rapport_annuel(2013))}{FIN}{apres}", encoding="utf-8")
