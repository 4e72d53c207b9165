from django.urls import path

from .views import coordinator, portal

app_name = "announcements"
urlpatterns: list = [
    # Hers (views/portal.py); her link from a notice is in config/urls.py, outside any shelter's address.
    path("announcements/", portal.mine, name="mine"),
    path("announcements/unread/", portal.unread, name="unread"),
    path("announcements/<int:pk>/", portal.read, name="read"),
    path("announcements/<int:pk>/read/", portal.mark_read, name="mark_read"),
    # The coordinators' (views/coordinator.py).
    path("announcements/sent/", coordinator.sent_list, name="sent"),
    path("announcements/new/", coordinator.write, name="write"),
]
