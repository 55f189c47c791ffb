"""The ICS (RFC 5545) rendering of a staff member's appointments.

Written by hand: a VEVENT per appointment is a few lines, and no library is needed for it.
Only what a calendar needs: time, duration, place, dossier reference and purpose; never the
person's name or the notes (the feed leaves the association's systems).
"""

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from accompagnement.models import RendezVous

PARIS = ZoneInfo("Europe/Paris")


def _echapper(texte: str) -> str:
    return texte.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _plier(ligne: str) -> str:
    """Lines of at most 75 octets, continued with a leading space (RFC 5545, 3.1)."""
    octets = ligne.encode("utf-8")
    if len(octets) <= 75:
        return ligne
    morceaux, courant = [], b""
    for caractere in ligne:
        c = caractere.encode("utf-8")
        if len(courant) + len(c) > (75 if not morceaux else 74):
            morceaux.append(courant.decode("utf-8"))
            courant = b""
        courant += c
    morceaux.append(courant.decode("utf-8"))
    return "\r\n ".join(morceaux)


def _utc(jour: datetime.date, heure: datetime.time) -> str:
    moment = datetime.datetime.combine(jour, heure, tzinfo=PARIS).astimezone(datetime.UTC)
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _lieu(rdv: RendezVous) -> str:
    if rdv.point_accueil_id:
        return f"{rdv.point_accueil.nom}, {rdv.point_accueil.adresse or rdv.point_accueil.commune}"
    return rdv.get_lieu_display()


def calendrier_ics(rendez_vous: Iterable[RendezVous], *, hote: str) -> str:
    maintenant = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lignes = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Maillage//Rendez-vous//FR",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Maillage — mes rendez-vous",
    ]
    for rdv in rendez_vous:
        lignes += ["BEGIN:VEVENT", f"UID:rdv-{rdv.pk}@{hote}", f"DTSTAMP:{maintenant}"]
        if rdv.heure is None:
            lignes.append(f"DTSTART;VALUE=DATE:{rdv.date:%Y%m%d}")
        else:
            debut = datetime.datetime.combine(rdv.date, rdv.heure)
            fin = debut + datetime.timedelta(minutes=rdv.duree_minutes)
            lignes += [
                f"DTSTART:{_utc(rdv.date, rdv.heure)}",
                f"DTEND:{_utc(fin.date(), fin.time())}",
            ]
        resume = f"{rdv.get_objet_display().capitalize()} — dossier {rdv.dossier.reference}"
        lignes += [
            f"SUMMARY:{_echapper(resume)}",
            f"LOCATION:{_echapper(_lieu(rdv))}",
            f"STATUS:{'TENTATIVE' if rdv.statut == RendezVous.Statut.PREVU else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lignes.append("END:VCALENDAR")
    return "\r\n".join(_plier(ligne) for ligne in lignes) + "\r\n"
