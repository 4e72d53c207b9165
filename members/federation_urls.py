from django.urls import path

from . import views

app_name = "federation"
urlpatterns = [
    path("", views.federation_shelters, name="shelters"),
]
