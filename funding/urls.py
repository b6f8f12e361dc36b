from django.urls import path

from funding import views

urlpatterns = [path("", views.regional, name="funding")]
