# SPDX-License-Identifier: Apache-2.0
# Helpers for the OTA network tests: a throw-away CA, server certificates and
# nginx instances on free high ports of 127.0.0.1, stopped by PID at exit.
# Source after lib.sh:  . "$(dirname "$0")/_nginx_lib.sh"
#
#   ng_ca DIR                       -> DIR/ca.crt, DIR/ca.key (EC P-256)
#   ng_cert DIR NAME CN SAN         -> DIR/NAME.crt, DIR/NAME.key signed by DIR/ca
#                                      (SAN "" = no subjectAltName extension)
#   ng_cert_dated DIR NAME CN SAN START END
#                                   -> same, valid from START to END (YYYYMMDDHHMMSSZ,
#                                      past or future), via `openssl ca`
#   NG_V6=1 ng_start ...            -> nginx also listens on [::1]:NG_PORT
#   ng_have_v6                      -> 0 if this machine can bind ::1
#   ng_start NAME DOCROOT CRT KEY [EXTRA_LOCATIONS]
#                                   -> sets NG_PORT; nginx serving DOCROOT over TLS
#   ng_tool NAME                    -> path of build/tools/NAME
#   ng_wait_portfile FILE           -> waits for a tool's port file, echoes the port
NG_PIDS=()

ng_tool() { echo "$FWSEAL_BUILD/tools/$1"; }

ng_ca() {
  local d=$1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=fwseal test CA $$" -keyout "$d/ca.key" -out "$d/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

ng_cert() {
  local d=$1 name=$2 cn=$3 san=$4
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$cn" \
    -keyout "$d/$name.key" -out "$d/$name.csr" 2>/dev/null || return 1
  _ng_ext "$san" >"$d/$name.ext"
  openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
    -extfile "$d/$name.ext" -out "$d/$name.crt" 2>/dev/null
}

_ng_ext() {
  [ -n "$1" ] && printf 'subjectAltName=%s\n' "$1"
  printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n'
}

ng_cert_dated() {
  local d=$1 name=$2 cn=$3 san=$4 start=$5 end=$6
  local db="$d/cadb"
  mkdir -p "$db/new" && touch "$db/index.txt" && { [ -s "$db/serial" ] || echo 1000 >"$db/serial"; }
  printf '%s\n' "[ ca ]" "default_ca = dated" "[ dated ]" "database = $db/index.txt" \
    "new_certs_dir = $db/new" "serial = $db/serial" "default_md = sha256" "policy = anything" \
    "unique_subject = no" "[ anything ]" "commonName = supplied" >"$db/ca.cnf"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$cn" \
    -keyout "$d/$name.key" -out "$d/$name.csr" 2>/dev/null || return 1
  _ng_ext "$san" >"$d/$name.ext"
  openssl ca -batch -notext -config "$db/ca.cnf" -cert "$d/ca.crt" -keyfile "$d/ca.key" -in "$d/$name.csr" \
    -startdate "$start" -enddate "$end" -extfile "$d/$name.ext" -out "$d/$name.crt" 2>/dev/null
}

ng_have_v6() {
  python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null
}

_ng_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

ng_stop_all() {
  local p
  for p in "${NG_PIDS[@]+"${NG_PIDS[@]}"}"; do
    kill "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  NG_PIDS=()
}
at_exit ng_stop_all

# Background helper process (a tool); its PID is stopped at exit.
ng_bg() {
  "$@" &
  NG_PIDS+=($!)
}

ng_wait_portfile() {
  local f=$1 i
  for i in $(seq 1 100); do
    [ -s "$f" ] && { cat "$f"; return 0; }
    sleep 0.05
  done
  return 1
}

ng_start() {
  local name=$1 root=$2 crt=$3 key=$4 extra=${5:-} pfx="$T/nginx-$1" try port
  mkdir -p "$pfx/tmp" "$pfx/logs"
  local user=""
  [ "$(id -u)" -eq 0 ] && user="user root root;"
  for try in 1 2 3 4 5; do
    port=$(_ng_free_port)
    cat >"$pfx/nginx.conf" <<EOF
$user
daemon off;
worker_processes 1;
pid $pfx/nginx.pid;
error_log stderr warn;
events { worker_connections 64; }
http {
  access_log $pfx/logs/access.log;
  client_body_temp_path $pfx/tmp/body;
  proxy_temp_path $pfx/tmp/proxy;
  fastcgi_temp_path $pfx/tmp/fastcgi;
  uwsgi_temp_path $pfx/tmp/uwsgi;
  scgi_temp_path $pfx/tmp/scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$port ssl;
    ${NG_V6:+listen [::1]:$port ssl;}
    server_name localhost;
    ssl_certificate $crt;
    ssl_certificate_key $key;
    ssl_protocols TLSv1.2 TLSv1.3;
    root $root;
    $extra
  }
}
EOF
    nginx -p "$pfx" -c "$pfx/nginx.conf" -e stderr 2>"$pfx/logs/stderr" &
    local pid=$!
    local i
    for i in $(seq 1 60); do
      if ! kill -0 "$pid" 2>/dev/null; then break; fi
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        NG_PIDS+=("$pid")
        NG_PORT=$port
        return 0
      fi
      sleep 0.05
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  echo "nginx failed to start: $(cat "$pfx/logs/stderr")" >&2
  return 1
}
