from django.urls import path, re_path

from releases import views

urlpatterns = [
    path("", views.releases_page, name="releases"),
    path("feed.atom", views.ReleasesFeed(), name="releases-feed"),
    path("retry/<int:pk>/", views.release_retry, name="release-retry"),
    re_path(
        r"^(?P<period>[0-9]{4}(?:-H[12])?)/(?P<version>[0-9]+\.[0-9]+)/$",
        views.release_page,
        name="release",
    ),
    re_path(
        r"^(?P<period>[0-9]{4}(?:-H[12])?)/(?P<version>[0-9]+\.[0-9]+)/files/"
        r"(?P<name>[A-Za-z0-9_./-]+)$",
        views.release_file,
        name="release-file",
    ),
]
