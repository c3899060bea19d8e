"""Django's `flush`, with the journal's append-only trigger lifted for the time of the flush.

Emptying the whole database (the tests between transactional test cases, an operator resetting a
demo) is not editing the journal; without this SQLite's trigger would refuse the DELETE that
`flush` runs. The trigger is back in place before the command returns, also when it fails."""

from django.core.management.commands import flush
from django.db import connections

from procurement import append_only


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        append_only.drop(connection)
        try:
            return super().handle(**options)
        finally:
            append_only.install(connection)
