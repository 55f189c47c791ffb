"""Domain functions about porteurs: duplicate detection before a reception."""

import datetime
import difflib
import re
import unicodedata

from porteurs.models import Porteur

# Two normalised "nom prénom" this similar (difflib ratio) in the same commune are reported
# as a possible duplicate: catches a typo or a missing letter ("Dupont Aïcha" / "Dupond
# Aicha"), not two different people of the same family ("Dupont Marie" / "Dupont Mario" is
# 0.92, so it is reported too: a warning, never a block).
SEUIL_NOM_PROCHE = 0.85


def normaliser(texte: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces, single spaces."""
    sans_accents = "".join(
        c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c)
    )
    return " ".join(re.split(r"[^a-z0-9]+", sans_accents.casefold())).strip()


def _nom_complet(nom: str, prenom: str) -> str:
    return normaliser(f"{nom} {prenom}")


def detecter_doublons(
    nom: str,
    prenom: str,
    date_naissance: datetime.date | None,
    commune,
    *,
    exclure: int | None = None,
) -> tuple[list[Porteur], list[Porteur]]:
    """Existing porteurs that look like the one about to be created: (bloquants, proches).

    - bloquants: same name and first name (ignoring case and accents) and same birth date;
      the reception must use the existing porteur instead.
    - proches: a close name (ratio >= SEUIL_NOM_PROCHE on the normalised "nom prénom") in
      the same commune, not already blocking; a warning to show before creating.
    Queries stay bounded: candidates are first filtered in the database by birth date
    (indexed) and by commune; the name comparison runs on those only. At most two queries;
    none for a criterion that is not given. `exclure` leaves out the porteur being edited.
    """
    cible = _nom_complet(nom, prenom)
    if not cible:
        return [], []
    autres = Porteur.objects.select_related("commune")
    if exclure is not None:
        autres = autres.exclude(pk=exclure)

    bloquants = []
    if date_naissance is not None:
        bloquants = [
            p
            for p in autres.filter(date_naissance=date_naissance)
            if _nom_complet(p.nom, p.prenom) == cible
        ]
    proches = []
    if commune is not None:
        deja = {p.pk for p in bloquants}
        for candidat in autres.filter(commune=commune).only(
            "pk", "nom", "prenom", "date_naissance", "commune"
        ):
            if candidat.pk in deja:
                continue
            ratio = difflib.SequenceMatcher(
                None, cible, _nom_complet(candidat.nom, candidat.prenom)
            ).ratio()
            if ratio >= SEUIL_NOM_PROCHE:
                proches.append(candidat)
    return bloquants, proches
