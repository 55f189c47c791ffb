"""Finding a commune from what staff type in a form: "Lille (59350)", "59350" or "Lille"."""

import re

from territoires.models import Commune

CODE_ENTRE_PARENTHESES = re.compile(r"\((\d[\dAB]\d{3})\)\s*$")
CODE_SEUL = re.compile(r"^\d[\dAB]\d{3}$")


def libelle_commune(commune: Commune) -> str:
    return f"{commune.nom} ({commune.code_insee})"


def trouver_commune(texte: str) -> Commune | None:
    """The commune meant by `texte`, or None when none or several match. One query."""
    texte = texte.strip()
    if m := CODE_ENTRE_PARENTHESES.search(texte):
        return Commune.objects.filter(code_insee=m.group(1)).first()
    if CODE_SEUL.match(texte):
        return Commune.objects.filter(code_insee=texte).first()
    candidates = list(Commune.objects.filter(nom__iexact=texte)[:2])
    return candidates[0] if len(candidates) == 1 else None


def suggestions_communes() -> list[str]:
    return [
        f"{nom} ({code})"
        for nom, code in Commune.objects.order_by("nom").values_list("nom", "code_insee")
    ]
