from django.urls import path

from . import token_views

urlpatterns = [
    path("api-keys/", token_views.tokens, name="api_tokens"),
    path("api-keys/<str:token_id>/revoke/", token_views.token_revoke, name="api_token_revoke"),
]
