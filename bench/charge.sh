#!/usr/bin/env bash
# Load test (issue 9): gunicorn on loopback against the PostgreSQL database DATABASE_URL,
# locust headless with 20 users for 60 s, then p50/p95/p99 per page and the error count.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_charge bench/charge.sh
#
# The database must hold the demo (manage.py migrate && manage.py charger_demo: it also
# creates the demo accounts the users log in with); `make charge` does both first. The
# quick appointment form is posted (appointments are added to the database) unless
# CHARGE_LECTURE_SEULE=1. Options (environment): UTILISATEURS (20), DUREE (60s),
# WORKERS (gunicorn processes, 3), THREADS (gunicorn threads per process, 1), PORT (8001),
# RESULTATS (folder of locust's CSV files), TAUX (users started per second, 5),
# CHARGE_SANS_TABLEAUX=1 (the casework pages alone: no dashboards, no board members),
# REGIME_ETABLI=1 (statistics reset 15 s after every user has started: the steady state,
# without the logins' start-up, whose password hashing costs 0.6 s of CPU each, 20 of them
# in the first seconds; DUREE is then counted from the reset).
set -euo pipefail

RACINE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$RACINE"
: "${DATABASE_URL:?DATABASE_URL doit nommer une base PostgreSQL (postgres://...)}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "Le test de charge se fait sur PostgreSQL (DATABASE_URL=postgres://...)." >&2; exit 2 ;;
esac
UTILISATEURS="${UTILISATEURS:-20}"
DUREE="${DUREE:-60s}"
TAUX="${TAUX:-5}"
WORKERS="${WORKERS:-3}"
THREADS="${THREADS:-1}"
PORT="${PORT:-8001}"
RESULTATS="${RESULTATS:-$(mktemp -d /tmp/maillage-charge.XXXXXX)}"
mkdir -p "$RESULTATS"
VENV="$RACINE/.venv/bin"

# DEBUG off as in production (no query log, no debug pages), on plain HTTP (loopback).
export DATABASE_URL DEBUG=0 MAILLAGE_ENV=development CHARGE_LECTURE_SEULE="${CHARGE_LECTURE_SEULE:-0}"
export CHARGE_SANS_TABLEAUX="${CHARGE_SANS_TABLEAUX:-0}"
OPTIONS_LOCUST=()
if [ "$CHARGE_SANS_TABLEAUX" != 0 ]; then OPTIONS_LOCUST+=(--exclude-tags tableaux); fi
if [ "${REGIME_ETABLI:-0}" != 0 ]; then
  # The statistics restart 15 s after the last user has started (bench/locustfile.py);
  # locust's run time counts from the start: DUREE of steady state is measured.
  export CHARGE_REMISE_A_ZERO=15
  DUREE="$(( ${DUREE%s} + (UTILISATEURS + TAUX - 1) / TAUX + CHARGE_REMISE_A_ZERO ))s"
fi

"$VENV/gunicorn" maillage.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" --threads "$THREADS" \
  --preload --timeout 60 --log-level warning >"$RESULTATS/gunicorn.log" 2>&1 &
GUNICORN=$!
arreter() { kill "$GUNICORN" 2>/dev/null && wait "$GUNICORN" 2>/dev/null || true; }
trap arreter EXIT

for _ in $(seq 50); do
  if curl -fs -o /dev/null "http://127.0.0.1:$PORT/connexion/"; then break; fi
  if ! kill -0 "$GUNICORN" 2>/dev/null; then
    echo "gunicorn ne démarre pas :" >&2; cat "$RESULTATS/gunicorn.log" >&2; exit 1
  fi
  sleep 0.2
done
# Each worker imports the views on its first request: warm them all before measuring.
CHAUFFE=()
for _ in $(seq $((WORKERS * 4))); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/connexion/" &
  CHAUFFE+=($!)
done
wait "${CHAUFFE[@]}" || true

"$VENV/locust" -f bench/locustfile.py --headless -u "$UTILISATEURS" -r "$TAUX" -t "$DUREE" \
  --host "http://127.0.0.1:$PORT" --csv "$RESULTATS/charge" --only-summary \
  "${OPTIONS_LOCUST[@]}" >"$RESULTATS/locust.log" 2>&1 || true

"$VENV/python" - "$RESULTATS/charge_stats.csv" "$RESULTATS/charge_failures.csv" <<'PY'
import csv
import sys

stats, echecs = sys.argv[1], sys.argv[2]
print(f"{'page':<36} {'requêtes':>8} {'erreurs':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
with open(stats, newline="") as f:
    for ligne in csv.DictReader(f):
        nom = ligne["Name"] if ligne["Name"] != "Aggregated" else "TOTAL"
        print(
            f"{nom:<36} {ligne['Request Count']:>8} {ligne['Failure Count']:>7} "
            f"{ligne['50%']:>7} {ligne['95%']:>7} {ligne['99%']:>7}"
        )
with open(echecs, newline="") as f:
    for ligne in csv.DictReader(f):
        print(f"erreur : {ligne['Method']} {ligne['Name']} × {ligne['Occurrences']} : {ligne['Error']}")
PY
echo "Fichiers de locust et journal de gunicorn : $RESULTATS"
