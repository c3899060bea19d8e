from django.contrib import admin

from .models import Delivery, Digest, Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "project", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__username", "event_key"]
    raw_id_fields = ["recipient", "project"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["notification", "channel", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status"]
    raw_id_fields = ["notification", "digest"]


admin.site.register(Digest)
admin.site.register(Preference)
