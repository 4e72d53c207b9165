from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.portal, name="portal"),
    path("invite/", views.invite, name="invite"),
]
