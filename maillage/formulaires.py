"""Form helpers shared by the apps: Bootstrap classes on widgets, and a text field with a
suggestion list (HTML datalist) that resolves what was typed to a record.

Why a datalist rather than a <select>: a dossier or a commune is picked among thousands;
typing a few letters of a name or a code is what staff do, it works with the keyboard
alone and needs no script.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django import forms


def classes_bootstrap(champs) -> None:
    """Give each field's widget the Bootstrap class it needs (kept when one is set)."""
    for champ in champs:
        widget = champ.widget
        if isinstance(widget, forms.RadioSelect):
            # Django's own radio markup (a label around each input) reads well as it is;
            # Bootstrap's check class would float the inputs over the text.
            continue
        if isinstance(widget, forms.CheckboxInput):
            classe = "form-check-input"
        elif isinstance(widget, forms.Select):
            classe = "form-select"
        else:
            classe = "form-control"
        widget.attrs.setdefault("class", classe)


class FormulaireBootstrap:
    """Mixin: give each widget the Bootstrap class it needs, once, at construction."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        classes_bootstrap(self.fields.values())


class ChampSuggestions(forms.CharField):
    """A text input with a datalist; `resoudre(texte)` returns the record or None.

    The datalist options are computed lazily by `suggestions()` (label strings), so that a
    form built for a POST does not query them.
    """

    def __init__(
        self,
        *,
        resoudre: Callable[[str], Any],
        charger: Callable[[int], Any] | None = None,
        suggestions: Callable[[], Iterable[str]],
        liste_id: str,
        message_inconnu: str,
        **kwargs,
    ):
        self.resoudre = resoudre
        # From a primary key (a ModelForm's initial value of a foreign key) to the record.
        self.charger = charger
        self.suggestions = suggestions
        self.liste_id = liste_id
        self.message_inconnu = message_inconnu
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"list": liste_id, "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        texte = super().clean(value)
        if not texte:
            return None
        objet = self.resoudre(texte.strip())
        if objet is None:
            raise forms.ValidationError(self.message_inconnu, code="inconnu")
        return objet

    def prepare_value(self, value):
        # A record shown back in the form (initial value or after an error elsewhere).
        if isinstance(value, int) and self.charger is not None:
            value = self.charger(value)
        if value is not None and not isinstance(value, str):
            return self.libelle(value)
        return value

    @staticmethod
    def libelle(objet) -> str:
        return str(objet)
