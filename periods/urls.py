"""The periods page (under /workspace/): open a period, set its deadlines, lock or unlock it."""

from django.urls import path

from periods import views

urlpatterns = [
    path("periods/", views.periods_page, name="periods"),
    path("periods/<str:code>/lock/", views.period_lock, name="period-lock"),
    path("periods/<str:code>/deadlines/", views.period_deadlines, name="period-deadlines"),
]
