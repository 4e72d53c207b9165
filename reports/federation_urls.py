from django.urls import path

from .views import federation

app_name = "federation_figures"
urlpatterns = [
    path("", federation.federation_figures, name="figures"),
]
