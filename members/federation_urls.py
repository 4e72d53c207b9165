from django.urls import path

from .views import accounts

app_name = "federation"
urlpatterns = [
    path("", accounts.federation_shelters, name="shelters"),
]
