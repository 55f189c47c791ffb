"""The demo association: the Maillage of the 2013 activity report (shared/seed), generated.

`donnees_2013` holds the figures (the seed's, and the demo's choices where the seed gives a
chart without numbers); `generateur` turns them into records through the domain functions
(or, at large scale, through the same rules with bulk inserts). `manage.py charger_demo`
runs it. docs/demo-2013.md compares the figures the app computes with the seed's.
"""
