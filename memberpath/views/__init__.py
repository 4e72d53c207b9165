"""The path's pages: the board (coordinators and admins, views/board.py) and its steps (admins, views/steps.py)."""
