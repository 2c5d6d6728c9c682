#!/usr/bin/env bash
# Entry point behind the README's two commands (`npm start`, `npm test`).
# It installs what a fresh Debian machine with Node 20 lacks -- pnpm, the system
# Chromium and Mesa's EGL/GLES (for WebGPU via Dawn and the browser tests) -- then
# installs the workspace and runs the requested root script with pnpm.
#
#   bash tools/run.sh <root-script> [args...]     e.g. `bash tools/run.sh check`
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
APT_PACKAGES=(chromium libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri)
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 CI="${CI:-}"

log() { printf '\033[1m[strata]\033[0m %s\n' "$*" >&2; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  log "Node 20 or newer is required (found: $(node --version 2>/dev/null || echo none))."
  exit 1
fi

# --- system packages (Debian/Ubuntu only; elsewhere the README lists them) ---
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo_cmd=(sudo -n)
  if [ "$(id -u)" -eq 0 ] || [ "${#sudo_cmd[@]}" -gt 0 ]; then
    log "installing system packages: ${missing[*]}"
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "missing system packages (${missing[*]}); install them with: sudo apt-get install ${missing[*]}"
  fi
fi

# --- pnpm ---
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  log "installing pnpm@$PNPM_VERSION"
  if ! npm install -g --silent "pnpm@$PNPM_VERSION" >/dev/null 2>&1; then
    # No write access to the global prefix: install into the user's home instead.
    npm install --silent --prefix "$HOME/.strata-tools" "pnpm@$PNPM_VERSION" >/dev/null
    export PATH="$HOME/.strata-tools/node_modules/.bin:$PATH"
  fi
fi

# --- workspace dependencies ---
if [ -n "$CI" ]; then
  pnpm install --frozen-lockfile --reporter=append-only
else
  pnpm install --reporter=silent
fi

exec pnpm run "$@"
