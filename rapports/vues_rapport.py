"""The annual report in the browser: read it, write its texts, publish it, download it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapports import charts, contenu, publication, rendu
from rapports.models import EditionRapport, IndicateurManuel, TexteSection
from rapports.publication import publier

SUIVI = "maillage.acceder_suivi"


def _annee_valide(annee: int) -> int:
    if not contenu.PREMIERE_ANNEE <= annee <= timezone.localdate().year:
        raise Http404(f"Pas de rapport pour l'année {annee}.")
    return annee


def _telechargement(nom: str, type_mime: str, contenu_octets: bytes) -> HttpResponse:
    reponse = HttpResponse(contenu_octets, content_type=type_mime)
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse


@require_GET
@permission_required(SUIVI, raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    annee = timezone.localdate().year
    editions = EditionRapport.objects.defer("donnees", "pdf").select_related("publiee_par")
    return render(
        request,
        "rapports/index.html",
        {"annees": range(annee, contenu.PREMIERE_ANNEE - 1, -1), "editions": editions},
    )


def _page(request, donnees: dict, *, edition=None) -> HttpResponse:
    sections = contenu.sections(donnees)
    figures = [
        {"id": f.graphique.identifiant, "figure": charts.figure_plotly(f.graphique)}
        for f in contenu.graphiques(sections)
    ]
    annee = donnees["annee"]
    return render(
        request,
        "rapports/rapport.html",
        {
            "annee": annee,
            "sections": sections,
            "figures": figures,
            "edition": edition,
            "editions": EditionRapport.objects.filter(annee=annee).defer("donnees", "pdf"),
            "peut_rediger": request.user.has_perm("rapports.change_textesection")
            and edition is None,
            "peut_publier": request.user.has_perm("maillage.publier_rapport"),
            "indicateurs": contenu.INDICATEURS_MANUELS,
        },
    )


@require_GET
@permission_required(SUIVI, raise_exception=True)
def rapport(request: HttpRequest, annee: int) -> HttpResponse:
    return _page(request, contenu.donnees_rapport(_annee_valide(annee)))


@require_GET
@permission_required(SUIVI, raise_exception=True)
def rapport_pdf(request: HttpRequest, annee: int) -> HttpResponse:
    """The live PDF: served at once when the data have not changed since it was made;
    otherwise made in the background while a page shows where it stands and reloads."""
    from rapports.models import GenerationPDF

    generation, a_lancer = rendu.generation_pour(
        _annee_valide(annee), relancer="relancer" in request.GET
    )
    if generation.etat == GenerationPDF.Etat.TERMINEE:
        return _telechargement(
            f"rapport-activite-{annee}.pdf", "application/pdf", bytes(generation.pdf)
        )
    if a_lancer:
        # After the commit, so that the background thread sees the generation's row.
        transaction.on_commit(lambda: rendu.lancer_en_arriere_plan(generation.pk))
    return render(
        request, "rapports/generation.html", {"annee": annee, "generation": generation}, status=202
    )


@require_GET
@permission_required(SUIVI, raise_exception=True)
def rapport_json(request: HttpRequest, annee: int) -> HttpResponse:
    donnees = contenu.donnees_rapport(_annee_valide(annee))
    return _telechargement(
        f"rapport-activite-{annee}.json", "application/json", rendu.json_de_donnees(donnees)
    )


def _edition(annee: int, version: int) -> EditionRapport:
    return get_object_or_404(EditionRapport, annee=annee, version=version)


@require_GET
@permission_required(SUIVI, raise_exception=True)
def edition(request: HttpRequest, annee: int, version: int) -> HttpResponse:
    e = _edition(annee, version)
    return _page(request, e.donnees, edition=e)


@require_GET
@permission_required(SUIVI, raise_exception=True)
def edition_pdf(request: HttpRequest, annee: int, version: int) -> HttpResponse:
    e = _edition(annee, version)
    if not e.pdf:
        if "relancer" in request.GET:
            transaction.on_commit(lambda: publication.lancer_pdf_edition(e.pk))
        return render(request, "rapports/generation_edition.html", {"edition": e}, status=202)
    return _telechargement(
        f"rapport-activite-{annee}-v{version}.pdf", "application/pdf", bytes(e.pdf)
    )


@require_GET
@permission_required(SUIVI, raise_exception=True)
def edition_json(request: HttpRequest, annee: int, version: int) -> HttpResponse:
    e = _edition(annee, version)
    return _telechargement(
        f"rapport-activite-{annee}-v{version}.json",
        "application/json",
        rendu.json_de_donnees(e.donnees),
    )


@require_POST
@permission_required([SUIVI, "maillage.publier_rapport"], raise_exception=True)
def publier_annee(request: HttpRequest, annee: int) -> HttpResponse:
    try:
        e = publier(_annee_valide(annee), auteur=request.user)
    except IntegrityError:
        messages.error(
            request, "Une autre publication de cette année vient d'avoir lieu : réessayez."
        )
        return redirect("rapports:rapport", annee=annee)
    messages.success(
        request,
        f"Rapport {annee} publié (version {e.version}) : ses chiffres et son PDF ne changeront "
        "plus.",
    )
    return redirect("rapports:edition", annee=annee, version=e.version)


class TexteForm(forms.Form):
    texte = forms.CharField(
        label="Texte de la section",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "class": "form-control"}),
        help_text="Texte simple ; laissez une ligne vide entre deux paragraphes.",
        max_length=20_000,
    )


@require_http_methods(["GET", "POST"])
@permission_required([SUIVI, "rapports.change_textesection"], raise_exception=True)
def rediger(request: HttpRequest, annee: int, section: str) -> HttpResponse:
    _annee_valide(annee)
    titres = {s.ancre: s.titre_complet for s in contenu.sections(contenu.donnees_rapport(annee))}
    if section not in titres:
        raise Http404("Section inconnue.")
    existant = TexteSection.objects.filter(annee=annee, section=section).first()
    form = TexteForm(
        request.POST if request.method == "POST" else None,
        initial={"texte": existant.texte if existant else ""},
    )
    if request.method == "POST" and form.is_valid():
        TexteSection.objects.update_or_create(
            annee=annee,
            section=section,
            defaults={"texte": form.cleaned_data["texte"], "modifie_par": request.user},
        )
        messages.success(request, f"Texte de la section « {titres[section]} » enregistré.")
        return redirect(f"{reverse('rapports:rapport', args=[annee])}#{section}")
    return render(
        request,
        "rapports/rediger.html",
        {"form": form, "annee": annee, "titre_section": titres[section]},
        status=400 if request.method == "POST" else 200,
    )


class IndicateursForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for section, cle, libelle in contenu.INDICATEURS_MANUELS:
            self.fields[cle] = forms.IntegerField(
                label=f"{libelle} (§ {section})",
                required=False,
                min_value=0,
                widget=forms.NumberInput(attrs={"class": "form-control"}),
            )


@require_http_methods(["GET", "POST"])
@permission_required([SUIVI, "rapports.change_indicateurmanuel"], raise_exception=True)
def indicateurs(request: HttpRequest, annee: int) -> HttpResponse:
    _annee_valide(annee)
    existants = dict(IndicateurManuel.objects.filter(annee=annee).values_list("cle", "valeur"))
    form = IndicateursForm(request.POST if request.method == "POST" else None, initial=existants)
    if request.method == "POST" and form.is_valid():
        for cle, valeur in form.cleaned_data.items():
            if valeur is None:
                IndicateurManuel.objects.filter(annee=annee, cle=cle).delete()
            else:
                IndicateurManuel.objects.update_or_create(
                    annee=annee, cle=cle, defaults={"valeur": valeur, "modifie_par": request.user}
                )
        messages.success(request, f"Indicateurs {annee} enregistrés.")
        return redirect("rapports:rapport", annee=annee)
    return render(
        request,
        "rapports/indicateurs.html",
        {"form": form, "annee": annee},
        status=400 if request.method == "POST" else 200,
    )
