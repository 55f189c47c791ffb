"""Admin of the training programme and of the collective events (at /gestion/), so that a
year's programme can be entered before the screens exist.

An enrolment's status (inscrit, liste d'attente, annulé) is read-only here: enrolments are
added, cancelled and reopened through formations.services (the add form and the actions
below call it), which holds the session's capacity under a row lock.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from formations.models import (
    AssociationInscrivante,
    Convention,
    Evenement,
    Inscription,
    JourSession,
    Module,
    ModulePrevu,
    Presence,
    Session,
    Stagiaire,
)
from formations.services import (
    Fiche,
    annuler_inscription,
    completer_depuis_liste_attente,
    inscrire,
    position_attente,
)

FORMATEURS_MAX = 2


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["ordre", "nom", "code"]
    list_display_links = ["nom"]
    search_fields = ["nom"]


class ModulePrevuInline(admin.TabularInline):
    model = ModulePrevu
    extra = 0
    min_num = 0


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    list_display = ["libelle", "date_debut", "date_fin", "financeur"]
    list_select_related = ["financeur"]
    search_fields = ["libelle"]
    autocomplete_fields = ["financeur"]
    inlines = [ModulePrevuInline]


class JourSessionInline(admin.TabularInline):
    model = JourSession
    extra = 0


class InscriptionLectureInline(admin.TabularInline):
    """The session's enrolments, for reading; they are written from the enrolment screen."""

    model = Inscription
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["stagiaire", "association", "statut", "rang_attente", "fiche_renseignee"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Inscription]:
        return super().get_queryset(request).select_related("stagiaire", "association")


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = [
            "convention",
            "module",
            "date_debut",
            "date_fin",
            "nombre_jours",
            "lieu",
            "commune",
            "formateurs",
            "capacite",
        ]

    def clean_formateurs(self):
        formateurs = self.cleaned_data["formateurs"]
        if len(formateurs) > FORMATEURS_MAX:
            raise forms.ValidationError("Une session est animée par deux formateurs au plus.")
        return formateurs


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    form = SessionForm
    list_display = [
        "module",
        "convention",
        "date_debut",
        "date_fin",
        "lieu",
        "nombre_jours",
        "effectif",
        "attente",
    ]
    list_filter = ["convention", "module", "lieu"]
    date_hierarchy = "date_fin"
    list_select_related = ["module", "convention"]
    search_fields = ["module__nom", "lieu", "convention__libelle"]
    autocomplete_fields = ["commune", "formateurs"]
    inlines = [JourSessionInline, InscriptionLectureInline]
    actions = ["donner_places_liberees"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Session]:
        return super().get_queryset(request).avec_effectifs()

    @admin.display(description="inscrits / places", ordering="inscrits")
    def effectif(self, obj: Session) -> str:
        return f"{obj.inscrits} / {obj.capacite}"

    @admin.display(description="en attente", ordering="en_attente")
    def attente(self, obj: Session) -> int:
        return obj.en_attente

    @admin.action(description="Donner les places libres à la liste d'attente")
    def donner_places_liberees(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        promues = sum(len(completer_depuis_liste_attente(s)) for s in queryset)
        self.message_user(request, f"{promues} inscription(s) confirmée(s) depuis l'attente.")


class PresenceInline(admin.TabularInline):
    model = Presence
    extra = 0

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "jour":
            # Only the days of this enrolment's session.
            inscription_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = JourSession.objects.filter(
                session__inscriptions__pk=inscription_id
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Inscription)
class InscriptionAdmin(admin.ModelAdmin):
    list_display = [
        "stagiaire",
        "session",
        "association",
        "statut",
        "rang_attente",
        "fiche_renseignee",
    ]
    list_filter = ["statut", "fiche_renseignee", "session__convention", "session__module"]
    list_select_related = ["stagiaire", "session__module", "association"]
    search_fields = ["stagiaire__nom", "stagiaire__prenom", "association__nom"]
    autocomplete_fields = ["session", "stagiaire", "association"]
    readonly_fields = ["statut", "rang_attente", "inscrit_le", "annule_le"]
    # A trainee already enrolled in the session (even cancelled) is refused by the add form
    # (unique constraint); a cancelled enrolment is reopened with the "réinscrire" action.
    actions = ["annuler", "reinscrire"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return self.readonly_fields
        # Moving an enrolment to another session would bypass that session's capacity.
        return [*self.readonly_fields, "session", "stagiaire"]

    def get_inlines(self, request: HttpRequest, obj=None):
        return [PresenceInline] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Inscription, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        fiche = (
            Fiche(
                genre=obj.fiche_genre,
                tranche_age=obj.fiche_tranche_age,
                sphere_dirigeante=obj.fiche_sphere_dirigeante,
                emploi=obj.fiche_emploi,
            )
            if obj.fiche_renseignee
            else None
        )
        inscription = inscrire(obj.session, obj.stagiaire, obj.association, fiche=fiche)
        # The admin goes on with `obj` (history entry, message, redirect): make it the row
        # that `inscrire` wrote.
        obj.pk = inscription.pk
        obj._state.adding = False
        obj.refresh_from_db()
        if obj.statut == Inscription.Statut.LISTE_ATTENTE:
            messages.warning(
                request,
                f"Session complète : inscription sur liste d'attente "
                f"(position {position_attente(obj)}).",
            )

    @admin.action(description="Annuler les inscriptions (la liste d'attente avance)")
    def annuler(self, request: HttpRequest, queryset: QuerySet[Inscription]) -> None:
        promues = []
        for inscription in queryset:
            promues += annuler_inscription(inscription)
        self.message_user(
            request, f"Inscriptions annulées ; {len(promues)} confirmée(s) depuis l'attente."
        )

    @admin.action(description="Réinscrire (place libre ou liste d'attente)")
    def reinscrire(self, request: HttpRequest, queryset: QuerySet[Inscription]) -> None:
        for inscription in queryset.filter(statut=Inscription.Statut.ANNULE):
            inscrire(inscription.session, inscription.stagiaire, inscription.association)
        self.message_user(request, "Inscriptions annulées rouvertes.")


class InscriptionDuStagiaireInline(InscriptionLectureInline):
    fields = ["session", "association", "statut", "fiche_renseignee"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Inscription]:
        return super().get_queryset(request).select_related("session__module")


@admin.register(Stagiaire)
class StagiaireAdmin(admin.ModelAdmin):
    list_display = ["nom", "prenom", "genre", "date_naissance", "email"]
    list_filter = ["genre"]
    search_fields = ["nom", "prenom", "email"]
    inlines = [InscriptionDuStagiaireInline]


@admin.register(AssociationInscrivante)
class AssociationInscrivanteAdmin(admin.ModelAdmin):
    list_display = ["nom", "rna", "siret", "commune", "dossier"]
    list_select_related = ["commune", "dossier"]
    search_fields = ["nom", "rna", "siret"]
    autocomplete_fields = ["commune", "dossier"]


@admin.register(Evenement)
class EvenementAdmin(admin.ModelAdmin):
    list_display = ["date", "type", "titre", "lieu", "participants"]
    list_filter = ["type"]
    date_hierarchy = "date"
    search_fields = ["titre", "lieu", "intervenants", "resume"]
    autocomplete_fields = ["commune", "salaries"]
