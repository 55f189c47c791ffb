from rapports import urls_tableaux

app_name = "rapports"

urlpatterns = [*urls_tableaux.urlpatterns]
