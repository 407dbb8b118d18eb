#!/bin/sh
# zhengai-entrypoint (docker/entrypoint.sh): the entrypoint of the zhengai image (Dockerfile).
#
# For `zhengai serve …` with NEO4J_URI set, it first waits for Neo4j (at most ZHENGAI_NEO4J_WAIT seconds,
# default 120) and, if the database holds no 诊改 graph yet, loads the bundled demo dataset into it with
# `zhengai load` — that is, once, on the first start with a fresh volume, and never over data loaded by
# hand. ZHENGAI_LOAD_DEMO=0 skips it. Then it execs the command. Any other command (`zhengai load …`,
# `zhengai validate …`, `sh`) is exec'd as it is.
set -eu

if [ "${1:-}" = zhengai ] && [ "${2:-}" = serve ] && [ -n "${NEO4J_URI:-}" ] \
        && [ "${ZHENGAI_LOAD_DEMO:-1}" != 0 ]; then
    python - <<'PY'
import os
import sys
import time

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

from zhengai.cli import main
from zhengai.graph_loader import demo_path
from zhengai.stores.neo4j_store import Neo4jSettings, Neo4jStore

me = "zhengai-entrypoint"
settings = Neo4jSettings.from_env()
auth = (settings.user, settings.password or "") if settings.user else None
wait = float(os.environ.get("ZHENGAI_NEO4J_WAIT", "120"))
deadline = time.monotonic() + wait
while True:  # until Bolt answers and accepts the credentials
    try:
        with GraphDatabase.driver(settings.uri, auth=auth, connection_timeout=5) as driver:
            driver.verify_connectivity()
        break
    except AuthError as exc:
        sys.exit(f"{me}: Neo4j at {settings.uri} refused user {settings.user!r}: {exc.message}. "
                 "NEO4J_PASSWORD must be the password the Neo4j data volume was created with.")
    except (ServiceUnavailable, OSError) as exc:
        if time.monotonic() >= deadline:
            sys.exit(f"{me}: no Neo4j at {settings.uri} after {wait:g} s: {exc}")
        time.sleep(2)

store = Neo4jStore(settings)
nodes, _ = store.counts()
store.close()
if nodes:
    print(f"{me}: {settings.uri} already holds a 诊改 graph ({nodes} nodes): the demo is not loaded",
          flush=True)
    sys.exit(0)
print(f"{me}: {settings.uri} holds no 诊改 graph: loading the bundled demo", flush=True)
sys.exit(main(["load", str(demo_path())]))
PY
fi

exec "$@"
