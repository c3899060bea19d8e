from django.urls import path

from . import deadline_views, views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path(
        "notifications/<int:notification_id>/open/",
        views.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/<int:notification_id>/read/",
        views.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/calendar/new-address/",
        views.calendar_regenerate,
        name="calendar_regenerate",
    ),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path(
        "notifications/preferences/",
        views.notification_preferences,
        name="notification_preferences",
    ),
]

urlpatterns += [
    path(
        "projects/<int:project_id>/deadlines/",
        deadline_views.deadlines_page,
        name="project_deadlines",
    ),
    path(
        "projects/<int:project_id>/deadlines/stages/<int:stage_id>/",
        deadline_views.stage_target_save,
        name="stage_target_save",
    ),
    path(
        "projects/<int:project_id>/deadlines/items/<int:item_id>/",
        deadline_views.assignment_save,
        name="assignment_save",
    ),
]
