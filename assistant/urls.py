from django.urls import path

from . import views

app_name = "assistant"
urlpatterns = [
    path("", views.ask, name="ask"),
    path("rate/<str:token>/", views.rate, name="rate"),
    path("questions/", views.question_log, name="question_log"),
]
