#!/usr/bin/env bash
# The production setup on one machine, for the tests and for a try: PostgreSQL, two dashboard servers, nginx.
#
#   deploy/local.sh start    starts them, returns when nginx answers; the public URL is the last line printed
#   deploy/local.sh stop     stops what start started
#   deploy/local.sh render   prints the nginx site (deploy/nginx/gen-dash.conf.in) with this script's values
#   deploy/local.sh serve P  starts the server on port P again (after a crash), returns once its port answers
#
# Settings (environment): GEN_DASH_DEPLOY_DIR (default var/deploy), GEN_DASH_DEPLOY_PORT (nginx, 8080),
# GEN_DASH_DEPLOY_SERVERS (the servers' ports, "8601 8602"; for render, address:port too: "10.0.0.5:8601"),
# GEN_DASH_DATABASE_URL (default: Debian's PostgreSQL, started and given a database gen_deploy, as root),
# GEN_DASH_FRAME_ANCESTORS (who may embed, default 'self'), GEN_DASH_DEPLOY_SCRIPT (another Streamlit script
# served the same way instead of the dashboard: the benchmark's empty page, to compare like with like).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${GEN_DASH_DEPLOY_DIR:-$ROOT/var/deploy}
LISTEN=${GEN_DASH_DEPLOY_PORT:-8080}
PORTS=${GEN_DASH_DEPLOY_SERVERS:-"8601 8602"}
BASE=/gen-dash
PY=${PYTHON:-$ROOT/.venv/bin/python}
UPLOAD_MB=$(( 2 * ${GEN_DASH_MAX_MB:-50} ))

render() {
  # The servers' blocks are written here, one per server: a server's number is its place in GEN_DASH_DEPLOY_SERVERS,
  # where each is a local port or, for servers on other machines, address:port.
  local server addr other n=0 servers="" groups="" routes="" answered=""
  for server in $PORTS; do
    n=$((n + 1))
    addr=$(address "$server")
    servers+="${servers:+$'\n'}    server ${addr} max_fails=1 fail_timeout=10s;"
    groups+="upstream gen_dash_server_${n} {"$'\n'"    zone gen_dash_server_${n} 64k;"$'\n'
    groups+="    server ${addr} max_fails=1 fail_timeout=10s;"$'\n'
    for other in $PORTS; do
      [ "$other" = "$server" ] \
        || groups+="    server $(address "$other") max_fails=1 fail_timeout=10s backup;"$'\n'
    done
    groups+="    keepalive 16;"$'\n'"}"$'\n'
    routes+="${routes:+$'\n'}    ${n} gen_dash_server_${n};"
    answered+="${answered:+$'\n'}    \"~(^| )${addr//./\\.}\$\" ${n};"
  done
  sed -e "s|@LISTEN@|127.0.0.1:${LISTEN}|" -e "s|@SERVER_NAME@|localhost|" \
      -e "s|@BASE@|${BASE}|g" -e "s|@UPLOAD_MB@|${UPLOAD_MB}|" -e "s|@STATIC_DIR@|${DIR}/app/streamlit-static|" \
      -e "s|@ROOT@|${ROOT}|g" -e "s|@FRAME_ANCESTORS@|${GEN_DASH_FRAME_ANCESTORS:-'self'}|" \
      "$ROOT/deploy/nginx/gen-dash.conf.in" \
    | UPSTREAMS=$servers SERVER_GROUPS=${groups%$'\n'} ROUTES=$routes ANSWERED=$answered \
      awk '/^@[A-Z_]+@$/ { print ENVIRON[substr($0, 2, length($0) - 2)]; next } { print }'
}

address() {  # a server of GEN_DASH_DEPLOY_SERVERS: a port on this machine, or an IPv4 address and port
  case "$1" in
    *.*.*.*:*) echo "$1" ;;
    *:*) # nginx names the server that answered by its address ($upstream_addr): a host name would never match
      echo "Serveur « $1 » : donnez son adresse IPv4 et son port (10.0.0.5:8601), pas un nom." >&2
      return 64 ;;
    *) echo "127.0.0.1:$1" ;;
  esac
}

wait_for() {  # URL, seconds
  local _
  # Every 0.2 s: a whole second between two tries made each of the three waits of a start lose half a second.
  for _ in $(seq 1 $(($2 * 5))); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "Pas de réponse de $1 après $2 s (journaux dans $DIR)." >&2
  return 1
}

start() {
  mkdir -p "$DIR/tmp" "$DIR/app"
  database
  local port ready=sante
  for port in $PORTS; do  # one after the other: the first lays out the French shell's folder both use
    if [ -n "${GEN_DASH_DEPLOY_SCRIPT:-}" ]; then  # the launcher alone (it keeps its pid), no warm-up, no /sante
      GEN_DASH_VAR_DIR="$DIR/app" nohup "$PY" "$ROOT/scripts/streamlit_fr.py" run "$GEN_DASH_DEPLOY_SCRIPT" \
        --server.port "$port" --server.address 127.0.0.1 --server.headless true \
        --server.baseUrlPath "${BASE#/}" > "$DIR/server-$port.log" 2>&1 &
      echo $! | tee "$DIR/server-$port.pid" > "$DIR/streamlit-$port.pid"
      wait_for "http://127.0.0.1:$port$BASE/_stcore/health" 180 >&2
      ready=_stcore/health
      continue
    fi
    serve "$port"
    wait_for "http://127.0.0.1:$port$BASE/_stcore/script-health-check" 180 >&2
  done
  render > "$DIR/gen-dash.conf"
  cp /etc/nginx/mime.types /etc/nginx/proxy_params "$DIR/"
  local user=""
  [ "$(id -u)" = 0 ] && user="user root;"
  sed -e "s|@VAR@|$DIR|g" -e "s|@USER@|$user|" "$ROOT/deploy/nginx/local-main.conf.in" > "$DIR/nginx.conf"
  nginx -t -q -p "$DIR" -c "$DIR/nginx.conf" -g "daemon on;" >&2
  nginx -p "$DIR" -c "$DIR/nginx.conf" >&2
  wait_for "http://127.0.0.1:$LISTEN$BASE/$ready" 30 >&2
  echo "http://127.0.0.1:$LISTEN$BASE/"
}

database() {  # GEN_DASH_DATABASE_URL, or Debian's PostgreSQL started and given a database gen_deploy (as root)
  [ -n "${GEN_DASH_DATABASE_URL:-}" ] && return 0
  eval "$(bash "$ROOT/scripts/start_postgres.sh")" >&2
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='gen_deploy'\"" | grep -q 1 \
    || su postgres -c "createdb -O gen gen_deploy" >&2
  export GEN_DASH_DATABASE_URL=postgresql+psycopg://gen:gen@127.0.0.1:5432/gen_deploy
}

# One dashboard server on the port $1, as start starts each (and systemd again after a crash): back once its port
# answers, before the app's first run. Its log goes on in server-PORT.log; its pid files are for stop.
serve() {
  local port=$1
  [ -n "$port" ] || { echo "Usage : deploy/local.sh serve PORT" >&2; exit 64; }
  mkdir -p "$DIR/app"
  database
  GEN_DASH_VAR_DIR="$DIR/app" nohup "$PY" "$ROOT/scripts/serve.py" --port "$port" --server.address 127.0.0.1 \
    --server.baseUrlPath "${BASE#/}" >> "$DIR/server-$port.log" 2>&1 &
  echo $! > "$DIR/server-$port.pid"
  wait_for "http://127.0.0.1:$port$BASE/_stcore/health" 180 >&2
  pgrep -P "$(cat "$DIR/server-$port.pid")" -f streamlit_fr > "$DIR/streamlit-$port.pid"  # the server itself
}

stop() {
  [ -f "$DIR/nginx.pid" ] && nginx -s stop -p "$DIR" -c "$DIR/nginx.conf" 2>/dev/null || true
  local pidfile
  for pidfile in "$DIR"/server-*.pid "$DIR"/streamlit-*.pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  render) render ;;
  serve) serve "${2:-}" ;;
  *) echo "Usage : deploy/local.sh start|stop|render|serve PORT" >&2; exit 64 ;;
esac
