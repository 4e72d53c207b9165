from django.urls import path

from .views import board, steps

app_name = "memberpath"
urlpatterns = [
    # The board (coordinators and admins).
    path("members/path/", board.board, name="board"),
    path("members/path/<int:pk>/on/", board.move_on, name="move_on"),
    path("members/path/<int:pk>/back/", board.move_back, name="move_back"),
    # Its steps (admins).
    path("members/path/steps/", steps.steps, name="steps"),
    path("members/path/steps/standard/", steps.standard, name="standard"),
    path("members/path/steps/<int:pk>/", steps.step_change, name="step_change"),
]
