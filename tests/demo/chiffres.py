"""The 2013 figures the demo must give, computed here by small queries on the phase history
(ChangementPhase), independently of rapports.stats: a dossier belongs to a phase from the
date it entered it until the date of its next change."""

import datetime
from collections import Counter, defaultdict

from accompagnement.models import ChangementPhase
from porteurs.models import Dossier, Phase

PHASES = ("accueil", "maturation", "creation", "post_creation")
RANG = {p: i for i, p in enumerate(Phase.values)}


def historiques(dispositif: str) -> dict[int, list[tuple[str, datetime.date]]]:
    h = defaultdict(list)
    for dossier_id, phase, jour in ChangementPhase.objects.filter(
        dossier__dispositif=dispositif
    ).values_list("dossier_id", "phase", "date"):
        h[dossier_id].append((phase, jour))
    for liste in h.values():
        liste.sort(key=lambda c: RANG[c[0]])
    return h


def entonnoir(dispositif: str, annee: int) -> dict[str, dict[str, int]]:
    debut, fin = datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)
    resultat = {p: Counter() for p in PHASES}
    for h in historiques(dispositif).values():
        for i, (phase, jour) in enumerate(h):
            if phase not in PHASES:
                continue
            sortie = h[i + 1][1] if i + 1 < len(h) else None
            if jour > fin or (sortie is not None and sortie < debut):
                continue
            e = resultat[phase]
            if jour < debut:
                e["report"] += 1
            else:
                e["entrees"] += 1
            e["actifs"] += 1
            if sortie is not None and sortie <= fin:
                e["sorties"] += 1
            else:
                e["fin"] += 1
    return {p: dict(c) for p, c in resultat.items()}


def accueils(dispositif: str, annee: int):
    return Dossier.objects.filter(dispositif=dispositif, date_accueil__year=annee)


def passes(dispositif: str, annee: int, phase: str) -> int:
    """Received in `annee` and entered `phase` within the same year."""
    return ChangementPhase.objects.filter(
        dossier__dispositif=dispositif,
        dossier__date_accueil__year=annee,
        phase=phase,
        date__year=annee,
    ).count()
