#!/usr/bin/env bash
# Makes sure a Redis answers for Parley's tests and demo: when none answers at REDIS_URL it starts
# a throwaway one (no persistence, a temp folder, a free port) that runs until you stop it.
# Prints the REDIS_URL to use on stdout (and, when it started a server, the pid file that stops
# it as PARLEY_STARTED_REDIS_PIDFILE); explanations go to stderr.
#   eval "$(scripts/ensure-redis.sh)"    # exports REDIS_URL
# `npm start` does not use this: it runs a redis-server of its own, with its data in .cache/redis,
# and stops it when it stops (scripts/local-redis.ts).
set -euo pipefail

url="${REDIS_URL:-redis://127.0.0.1:6379}"

ping() { # host port -> 0 if a Redis answers PONG
  { exec 3<>"/dev/tcp/$1/$2"; } 2>/dev/null || return 1
  printf 'PING\r\n' >&3
  local reply=''
  read -r -t 2 reply <&3 || true
  exec 3>&-
  [[ "$reply" == +PONG* || "$reply" == -NOAUTH* ]]
}

hostport="${url#redis://}"; hostport="${hostport##*@}"; hostport="${hostport%%/*}"
host="${hostport%%:*}"; port="${hostport##*:}"; [[ "$port" == "$host" ]] && port=6379
if ping "$host" "$port"; then
  # The Redis a running `npm start` keeps for the playground: usable (tests use their own key
  # prefixes), but it goes away when that npm start stops.
  own="$(dirname "$0")/../.cache/redis"
  if [[ -f "$own/redis.pid" && -f "$own/npm-start.json" && "$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$own/npm-start.json")" == "$port" ]]; then
    echo "Using the Redis npm start runs for the playground at $url (data in .cache/redis); it stops when npm start stops." >&2
  fi
  echo "export REDIS_URL=$url"
  exit 0
fi

if ! command -v redis-server >/dev/null 2>&1; then
  echo "No Redis answers at $url, and redis-server is not installed." >&2
  echo "Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)," >&2
  echo "or point REDIS_URL at a running Redis 6.2 or newer." >&2
  exit 1
fi

free_port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
dir=$(mktemp -d "${TMPDIR:-/tmp}/parley-redis-XXXXXX")
redis-server --port "$free_port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
  --dir "$dir" --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" >&2
for _ in $(seq 1 50); do
  if ping 127.0.0.1 "$free_port"; then
    echo "Started redis-server on 127.0.0.1:$free_port; stop it with: kill \$(cat $dir/redis.pid)" >&2
    echo "export REDIS_URL=redis://127.0.0.1:$free_port"
    echo "export PARLEY_STARTED_REDIS_PIDFILE=$dir/redis.pid"
    exit 0
  fi
  sleep 0.1
done
echo "redis-server did not start; see $dir/redis.log" >&2
exit 1
