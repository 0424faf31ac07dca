#!/usr/bin/env bash
# Load test of `detente serve` on loopback, one command:
#   scripts/load-test.sh            # prints the figures docs/performance.md records
# 1. a cached analysis GET under wrk (Debian's `wrk`; installed if missing):
#    requests/s and latency percentiles;
# 2. 100 concurrent writers creating scenarios, then a count of what the server
#    holds against every write that was acknowledged with a 2xx.
# Uses a fresh SQLite database in a temporary folder; the release binary is built first.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18181}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet -p detente-cli
BIN=target/release/detente
DB=$(mktemp -d /tmp/detente-load.XXXXXX)
TOKEN=$("$BIN" token create --database-url "sqlite://$DB/detente.db")
"$BIN" serve --database-url "sqlite://$DB/detente.db" --bind "127.0.0.1:$PORT" > "$DB/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$DB"' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1 && break; sleep 0.1; done

SEED=$(curl -fsS "http://127.0.0.1:$PORT/api/scenarios" | python3 -c 'import json,sys; print(next(s["id"] for s in json.load(sys.stdin) if s["name"].startswith("Riyadh")))')
curl -fsS -X POST -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{}' \
    "http://127.0.0.1:$PORT/api/scenarios/$SEED/analysis" >/dev/null
URL="http://127.0.0.1:$PORT/api/scenarios/$SEED/analysis"
echo "== cached analysis GET ($URL), wrk -t2 -c$CONNECTIONS -d$DURATION"
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$URL"

echo "== 100 concurrent writers"
python3 - "$PORT" "$TOKEN" <<'PY'
import json, sys, threading, urllib.request
port, token = sys.argv[1], sys.argv[2]
base = f"http://127.0.0.1:{port}/api/scenarios"
text = open("scenarios/laptop.toml").read()
acked, failed, lock = [], [], threading.Lock()
def writer(w):
    for k in range(10):
        body = json.dumps({"format": "toml", "text": text.replace('name = "', f'name = "w{w}-{k} ', 1)}).encode()
        req = urllib.request.Request(base, data=body, method="POST",
                                     headers={"content-type": "application/json", "authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                ident = json.load(r)["id"]
                with lock: acked.append(ident)
        except Exception as e:
            with lock: failed.append(repr(e))
threads = [threading.Thread(target=writer, args=(w,)) for w in range(100)]
for t in threads: t.start()
for t in threads: t.join()
held = {s["id"] for s in json.load(urllib.request.urlopen(base))}
missing = [i for i in acked if i not in held]
print(f"writes acknowledged: {len(acked)}, refused or failed: {len(failed)}, acknowledged but missing: {len(missing)}")
if failed: print("first failure:", failed[0])
sys.exit(1 if missing else 0)
PY
