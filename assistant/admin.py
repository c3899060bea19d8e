from django.contrib import admin

from .models import QuestionLog


@admin.register(QuestionLog)
class QuestionLogAdmin(admin.ModelAdmin):
    list_display = ("asked_at", "question", "language", "declined", "rating", "stage_key")
    list_filter = ("declined", "rating", "language")
    search_fields = ("question",)
    readonly_fields = [f.name for f in QuestionLog._meta.fields]

    def has_add_permission(self, request):
        return False
