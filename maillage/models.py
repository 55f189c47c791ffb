"""Accounts. Staff and board members are users; their role is a group (see roles.py)."""

from django.contrib.auth.models import AbstractUser


class Utilisateur(AbstractUser):
    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name", "username"]
        # Permissions that belong to no single model: they gate whole areas of the app.
        permissions = [
            ("acceder_suivi", "Accéder au suivi des porteurs (données des personnes)"),
            ("voir_tableaux_de_bord", "Voir les tableaux de bord (chiffres agrégés)"),
            ("voir_tableaux_de_bord_direction", "Voir les tableaux de bord de la direction"),
            ("publier_rapport", "Publier le rapport d'activité"),
            ("importer_donnees", "Importer des fichiers de données"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role(self) -> str | None:
        """The user's role label (first matching group), for display only; access checks use
        permissions."""
        from maillage.roles import ROLES

        noms = {g.name for g in self.groups.all()}
        return next((r for r in ROLES if r in noms), None)
