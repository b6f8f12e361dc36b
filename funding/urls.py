from django.urls import path

from . import views

urlpatterns = [path("", views.regional, name="funding")]
