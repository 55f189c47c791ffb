"""Running an import the way the browser does (dry run or not) and reading its outcome."""

from porteurs.resources import ImportRefuse, lire_fichier


def importer(resource_class, contenu: bytes, nom: str, *, auteur=None, essai=False):
    """Import the file; return the resource (its `lignes`, `totaux()` and `erreurs`)."""
    resource = resource_class(auteur=auteur)
    resultat = resource.import_data(lire_fichier(contenu, nom), dry_run=essai)
    refus = [e.error for e in resultat.base_errors if not isinstance(e.error, ImportRefuse)]
    assert not refus, refus
    return resource


def lignes_en_erreur(resource) -> list[int | None]:
    return sorted({ligne for ligne, _message in resource.erreurs}, key=lambda n: n or 0)
