from django.db import migrations

# The five modules of the ADVA programme (report section 3.2), in their order.
MODULES = [
    ("s_associer", "S'associer", 1),
    ("projeter", "Projeter", 2),
    ("employer", "Employer", 3),
    ("gerer", "Gérer", 4),
    ("evaluer", "Évaluer", 5),
]


def creer_modules(apps, schema_editor):
    Module = apps.get_model("formations", "Module")
    for code, nom, ordre in MODULES:
        Module.objects.update_or_create(code=code, defaults={"nom": nom, "ordre": ordre})


def supprimer_modules(apps, schema_editor):
    Module = apps.get_model("formations", "Module")
    Module.objects.filter(code__in=[code for code, _, _ in MODULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("formations", "0001_initial")]

    operations = [migrations.RunPython(creer_modules, supprimer_modules)]
