#!/usr/bin/env bash
# The API against its own schema (schemathesis), on a fresh SQLite database with the demo data:
# no 5xx, every status, content type and body as documented. Used by .ci/run (step g); run it
# from the repository root. SCHEMATHESIS_MAX_EXAMPLES (default 25) and SCHEMATHESIS_PHASES
# (default examples,coverage,fuzzing) bound the run's length.
set -euo pipefail

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
PY=.venv/bin/python
work=$(mktemp -d)
server_pid=
stop_server() {
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap stop_server EXIT

export DJANGO_DEBUG=1
export DATABASE_URL="sqlite:///${work}/api.sqlite3"
export EVIDENCE_ROOT="${work}/evidence" DOSSIER_ROOT="${work}/dossiers"
export FILE_UPLOAD_TEMP_DIR="${work}/uploads"
# The run sends hundreds of requests a minute with one token: no rate limit here (the limit
# itself is tested in tests/api/).
export API_REQUESTS_PER_MINUTE=0 ASSISTANT_QUESTIONS_PER_MINUTE=0

echo "-- migrating a fresh SQLite database and seeding the demo"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py load_pathways >/dev/null
"$PY" manage.py seed_demo >/dev/null
token=$("$PY" manage.py create_api_token kliniker --scope read --scope write \
    --scope monitoring:push --days 1 --name schemathesis 2>/dev/null)

port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$PY" manage.py runserver "127.0.0.1:${port}" --noreload --nothreading >"${work}/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
    if curl -fsS -o /dev/null "http://127.0.0.1:${port}/healthz" 2>/dev/null; then
        break
    fi
    sleep 0.5
done

echo "-- schemathesis against http://127.0.0.1:${port}/api/v1/schema/"
status=0
.venv/bin/schemathesis run "http://127.0.0.1:${port}/api/v1/schema/" \
    -H "Authorization: Token ${token}" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases "${SCHEMATHESIS_PHASES:-examples,coverage,fuzzing}" \
    --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-25}" \
    --seed 1 \
    --request-timeout 60 || status=$?
if [[ $status -ne 0 ]]; then
    echo "-- the server's log:" >&2
    tail -n 50 "${work}/server.log" >&2
fi
exit "$status"
