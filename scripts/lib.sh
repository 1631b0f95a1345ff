# Shared by the ensure-*.sh scripts: where a server should answer, and waiting for it.
# endpoint URL DEFAULT_PORT — sets $host and $port from a URL such as amqp://u:p@host:port/vhost
endpoint() {
  local hostport="${1#*@}"; hostport="${hostport#*://}"; hostport="${hostport%%/*}"
  host="${hostport%%:*}"; port="${hostport##*:}"; [ "$port" = "$host" ] && port="$2"
  return 0
}
answers() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }
wait_up() { for _ in $(seq 1 60); do answers && return 0; sleep 1; done; return 1; }
is_local() { [ "$host" = "127.0.0.1" ] || [ "$host" = "localhost" ]; }
# A Docker engine answers within 10 s. With no URL given, the tests then run their servers in
# containers (testcontainers, devtools/infra.py asks the engine the same way) and need no local ones.
docker_engine_answers() { command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; }
