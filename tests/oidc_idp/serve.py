"""Start the test identity provider: `python -m tests.oidc_idp.serve DATA_DIR`.

Makes an RS256 key, migrates its own SQLite database, creates the people and client
applications the tests use, binds 127.0.0.1 on a free port and prints `READY <port>`."""

import os
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

# People at the identity provider (username, e-mail, groups) and client applications
# (client id, secret, redirect URIs) the tests use. The password of everyone is PASSWORD.
PASSWORD = "idp-password"  # noqa: S105
PEOPLE = [
    ("anna", "anna@region.example", ["region-syd"]),
    ("bo", "bo@region.example", ["region-nord"]),
    ("carl", "carl@region.example", []),
]
CLIENTS = [
    ("guide", "guide-secret", "http://testserver/accounts/oidc/{provider}/login/callback/"),
    ("other-client", "other-secret", "http://127.0.0.1/callback/"),
]
PROVIDER_IDS = ["region", "disabled", "unmapped"]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def populate() -> None:
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application

    for username, email, groups in PEOPLE:
        user = User.objects.create_user(username, email, PASSWORD, first_name=username.title())
        for name in groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
    for client_id, secret, redirect in CLIENTS:
        Application.objects.create(
            name=client_id,
            client_id=client_id,
            client_secret=secret,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(redirect.format(provider=p) for p in PROVIDER_IDS),
            algorithm=Application.RS256_ALGORITHM,
        )


def main() -> None:
    data_dir = Path(sys.argv[1])
    os.environ["IDP_DATA_DIR"] = str(data_dir)
    os.environ["IDP_RSA_PRIVATE_KEY"] = private_key_pem()
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_idp.settings"
    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    populate()
    server = make_server(
        "127.0.0.1",
        0,
        get_wsgi_application(),
        server_class=ThreadingWSGIServer,
        handler_class=QuietHandler,
    )
    print(f"READY {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
