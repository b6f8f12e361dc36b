from django.contrib import admin

from .models import Country


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["iso3", "name_en", "name_es"]
    search_fields = ["iso3", "name_en", "name_es"]
