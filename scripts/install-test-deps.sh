#!/usr/bin/env bash
# Installs the Debian packages the test suites start private instances of (PostgreSQL, Knot,
# Unbound, coturn, Kamailio, sipp, rtpengine, baresip) and the browser the dashboard test drives (Chromium). Idempotent: a package already
# present is not fetched again, so `npm test` can call it every time.
#   --if-possible  do nothing (but say so) when not root, instead of failing
set -euo pipefail

need=()
have_pg() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
have_pg || need+=(postgresql)
# the DNSSEC directory bed: Knot (signing authoritative), Unbound (validating), ldns (offline signing), kdig
# coturn: the TURN server that checks the TURN REST credentials accounts are given
for pair in knotd:knot kdig:knot-dnsutils unbound:unbound ldns-signzone:ldnsutils turnserver:coturn; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${pair%%:*}" ] || need+=("${pair##*:}")
done
# the SIP bed: Kamailio (registrar, proxy, http_client, dialog, websocket) and sipp as the carrier
command -v kamailio >/dev/null 2>&1 || [ -x /usr/sbin/kamailio ] || need+=(kamailio kamailio-websocket-modules kamailio-autheph-modules kamailio-utils-modules kamailio-extra-modules kamailio-json-modules)
# SIP over TLS and WSS for clients and peers
[ -e /usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so ] || need+=(kamailio-tls-modules)
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
# the media bed: rtpengine (userspace only, no kernel module) and baresip as an SRTP client
[ -x /usr/bin/rtpengine ] || need+=(rtpengine-daemon)
[ -x /usr/bin/baresip ] || need+=(baresip-core)
# npm run bench:sip: sipp's TCP into the proxy's TLS listener (Debian's sipp is built without TLS)
[ -x /usr/bin/stunnel ] || need+=(stunnel4)
# the federation bed: Kamailio in a mount namespace of its own with a private resolv.conf
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
command -v mount >/dev/null 2>&1 || need+=(mount)
# the finance dashboard's browser test: Debian's Chromium, driven by playwright-core
[ -x /usr/bin/chromium ] || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if [ "${1:-}" = "--if-possible" ] && [ "${CI:-}" != "true" ]; then
    echo "install-test-deps: missing ${need[*]}; not root, so not installing (their suites will skip loudly)" >&2
    exit 0
  fi
  echo "install-test-deps: missing ${need[*]}; run as root: sudo bash scripts/install-test-deps.sh" >&2
  exit 1
fi

echo "install-test-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts a default cluster where systemd runs; the suites never use it (they start their own).
echo "install-test-deps: done" >&2
