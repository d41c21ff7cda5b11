#!/bin/sh
# scripts/proxy-test.sh: the web UI behind nginx, for real.  Starts two
# `boshi serve --behind-proxy` processes on one store and Debian's nginx in
# front of them with doc/nginx-boshi.conf (its ports, certificate and log
# paths replaced; a certificate made here with openssl for boshi.test), then
# speaks HTTPS to nginx with curl, checking the certificate:
#   - plain HTTP is sent to HTTPS;
#   - a nurse logs in once and every request is answered, by both processes;
#   - the session cookie is Secure and HttpOnly;
#   - a form sent through either process is accepted (its token is in the store);
#   - logging out ends the session on both;
#   - with one process killed, the other answers the same nurse.
# BOSHI_BIN names the boshi binary (default ./boshi).  Run by make check
# (scripts/run-tests.sh).
set -eu
BOSHI=$(cd "$(dirname "${BOSHI_BIN:-./boshi}")" && pwd)/$(basename "${BOSHI_BIN:-./boshi}")
SRC=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/boshi-proxy-XXXXXX")
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$W"
}
trap cleanup EXIT INT TERM
fail() { echo "proxy-test: FAIL: $*" >&2; [ -f "$W/error.log" ] && tail -5 "$W/error.log" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || fail "nginx がありません (scripts/deps.sh --tests)"

db="$W/s.db"
"$BOSHI" --db "$db" init >/dev/null
"$BOSHI" --db "$db" users add --name "試験 保健師" --role 保健師 nurse1 >/dev/null
printf 'correct-horse-1\n' | "$BOSHI" --db "$db" users passwd nurse1 >/dev/null

# two serve processes on free ports (port 0: they print theirs)
start_serve() {
    "$BOSHI" --db "$db" serve --behind-proxy --listen 127.0.0.1:0 >"$W/serve$1.out" 2>&1 &
    PIDS="$PIDS $!"
    eval "SPID$1=$!"
    i=0
    while ! grep -q "listening on port" "$W/serve$1.out" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 100 ] || fail "serve $1 did not start: $(cat "$W/serve$1.out")"
        sleep 0.1
    done
    eval "PORT$1=$(sed -n 's/^listening on port //p' "$W/serve$1.out")"
}
start_serve 1
start_serve 2

# a certificate for boshi.test, and nginx on two free ports
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=boshi.test" \
    -addext "subjectAltName=DNS:boshi.test" -keyout "$W/boshi.key" -out "$W/boshi.crt" 2>/dev/null
base=$((20000 + $$ % 20000))
HTTPS=$base
HTTP=$((base + 1))
mkdir "$W/tmp"
sed -e "s|127.0.0.1:8081|127.0.0.1:$PORT1|; s|127.0.0.1:8082|127.0.0.1:$PORT2|" \
    -e "s|listen 443 ssl;|listen 127.0.0.1:$HTTPS ssl;|; s|listen 80;|listen 127.0.0.1:$HTTP;|" \
    -e "s|return 301 https://\$host\$request_uri;|return 301 https://\$host:$HTTPS\$request_uri;|" \
    -e "s|server_name boshi.example.lg.jp;|server_name boshi.test;|" \
    -e "s|/etc/boshi/tls/|$W/|" -e "s|/var/log/nginx/boshi-access.log|$W/access.log|" \
    "$SRC/doc/nginx-boshi.conf" >"$W/boshi.conf"
cat >"$W/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $W/nginx.pid;
error_log $W/error.log warn;
events { worker_connections 256; }
http {
    client_body_temp_path $W/tmp/body;
    proxy_temp_path $W/tmp/proxy;
    fastcgi_temp_path $W/tmp/fastcgi;
    uwsgi_temp_path $W/tmp/uwsgi;
    scgi_temp_path $W/tmp/scgi;
    include $W/boshi.conf;
}
CONF
"$NGINX" -t -q -p "$W" -c "$W/nginx.conf" 2>"$W/nginx-t.log" || fail "nginx -t: $(cat "$W/nginx-t.log")"
"$NGINX" -p "$W" -c "$W/nginx.conf" 2>>"$W/error.log" &
PIDS="$PIDS $!"
i=0
until curl -s -o /dev/null --resolve "boshi.test:$HTTPS:127.0.0.1" --cacert "$W/boshi.crt" \
      "https://boshi.test:$HTTPS/login"; do
    i=$((i + 1)); [ $i -lt 100 ] || fail "nginx did not start"
    sleep 0.1
done

U="https://boshi.test:$HTTPS"
C="curl -s --resolve boshi.test:$HTTPS:127.0.0.1 --resolve boshi.test:$HTTP:127.0.0.1 --cacert $W/boshi.crt -b $W/jar -c $W/jar"
code() { $C -o "$W/body" -D "$W/head" -w '%{http_code}' "$@"; }
csrf() { sed -n 's/.*name="csrf" value="\([0-9a-f]\{64\}\)".*/\1/p' "$W/body" | head -1; }

# plain HTTP goes to HTTPS
r=$($C -o /dev/null -w '%{http_code} %{redirect_url}' "http://boshi.test:$HTTP/queue")
[ "$r" = "301 $U/queue" ] || fail "HTTP は HTTPS へ転送されるはず: $r"

login() {
    [ "$(code "$U/login")" = 200 ] || fail "GET /login"
    t=$(csrf)
    [ -n "$t" ] || fail "ログイン画面にフォームの印がありません"
    r=$(code -H "Origin: $U" --data "csrf=$t&login=nurse1&password=correct-horse-1" "$U/login")
    [ "$r" = 303 ] || fail "ログインできません ($r)"
}
login
grep -i '^set-cookie: boshi_sid=' "$W/head" | grep -qi 'secure' || fail "Cookie に Secure がありません"
grep -i '^set-cookie: boshi_sid=' "$W/head" | grep -qi 'httponly' || fail "Cookie に HttpOnly がありません"

# every request answered, by both processes
n=0
while [ $n -lt 12 ]; do
    [ "$(code "$U/queue")" = 200 ] || fail "GET /queue ($n) はログイン済みで 200 のはず"
    n=$((n + 1))
done
grep -q "GET /queue\" 200 upstream=127.0.0.1:$PORT1" "$W/access.log" || fail "serve 1 が答えていません"
grep -q "GET /queue\" 200 upstream=127.0.0.1:$PORT2" "$W/access.log" || fail "serve 2 が答えていません"
grep -q '?' "$W/access.log" && fail "nginx のログに問い合わせ文字列があります"

# forms through either process: the session's token is in the store; logout ends it on both
t=$(csrf)
r=$(code -H "Origin: $U" --data "csrf=$t" "$U/logout")
[ "$r" = 303 ] || fail "ログアウト ($r)"
n=0
while [ $n -lt 4 ]; do
    [ "$(code "$U/queue")" = 303 ] || fail "ログアウト後も画面が開きます ($n)"
    n=$((n + 1))
done

# one process down: the other answers the same nurse
login
kill "$SPID1"
wait "$SPID1" 2>/dev/null || true
n=0
while [ $n -lt 4 ]; do
    [ "$(code "$U/queue")" = 200 ] || fail "serve 1 停止後に serve 2 が答えません ($n)"
    n=$((n + 1))
done
echo "proxy-test: ok (nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), two serve processes, ports $PORT1 $PORT2)"
