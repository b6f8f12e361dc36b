from django.urls import path

from notifications import views

urlpatterns = [
    path("", views.inbox, name="notifications"),
    path("<int:pk>/open/", views.open_notification, name="notification-open"),
    path("read/", views.mark_read, name="notifications-read"),
    path("settings/", views.preferences, name="notifications-settings"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="notifications-unsubscribe"),
]
