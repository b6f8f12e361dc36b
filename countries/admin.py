from django.contrib import admin

from .models import Country, Membership


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["iso3", "name_en", "name_es"]
    search_fields = ["iso3", "name_en", "name_es"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "country"]
    list_filter = ["country"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]
