#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing, so that
# `npm test` does all the set-up on a fresh Debian machine. Packages:
#   docker-registry  CNCF distribution, the real registry the tests talk to
#   apache2-utils    htpasswd, for the registry's Basic-auth mode (bcrypt file)
#   openssl          certificates for the token service and TLS
#   chromium         headless browser that drives the real VS Code (code-server)
#   libkrb5-dev      headers code-server's native modules build against
#   skopeo           a peer in the benchmark
#   time             /usr/bin/time, the benchmark's peak-RSS meter
set -euo pipefail
need=()
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -f /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)
command -v skopeo >/dev/null 2>&1 || need+=(skopeo)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "Installing Debian packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${need[@]}" python3 make g++
