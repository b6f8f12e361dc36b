from django.urls import path

from indicators import views

urlpatterns = [
    path("", views.values_page, name="indicator-values"),
    path("review/", views.review_page, name="indicator-review"),
]
