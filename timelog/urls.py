from django.urls import path

from .views import coordinator, portal

app_name = "timelog"
urlpatterns: list = [
    # Hers (views/portal.py): "My time".
    path("time/", portal.mine, name="mine"),
    path("time/<int:pk>/change/", portal.change, name="change"),
    path("time/<int:pk>/withdraw/", portal.withdraw, name="withdraw"),
    # The coordinators' (views/coordinator.py): the approval queue and the shelter's kinds of time.
    path("time/approval/", coordinator.queue, name="queue"),
    path("time/approval/approve/", coordinator.approve, name="approve"),
    path("time/<int:pk>/return/", coordinator.return_entry, name="return"),
    path("time/kinds/", coordinator.kinds, name="kinds"),
    path("time/kinds/<int:pk>/rename/", coordinator.kind_rename, name="kind_rename"),
    path("time/kinds/<int:pk>/active/", coordinator.kind_active, name="kind_active"),
    path("time/kinds/<int:pk>/delete/", coordinator.kind_delete, name="kind_delete"),
]
