#!/usr/bin/env bash
# What the Kerberos tests (tests/integration/test_kerberos.py) and the sandbox's Kerberos mode
# need from the system, installed from Debian's packages when this runs as root on a machine with
# apt-get (CI); otherwise it says what to install and fails. Nothing happens when all is there.
#   krb5-kdc, krb5-admin-server  the MIT KDC the sandbox starts on loopback (krb5kdc, kdb5_util,
#                                kadmin.local)
#   krb5-user                    kinit, klist, kdestroy for the ticket cache tests
#   libkrb5-dev                  headers the Python gssapi and krb5 bindings build against (pip
#                                has no Linux wheels of them)
#   libnss-myhostname            resolves *.localhost names to loopback, so that the endpoint has
#                                an FQDN, as Kerberos needs (Debian adds it to /etc/nsswitch.conf)
set -euo pipefail

KERBEROS_HOST=${KERBEROS_HOST:-exchange01.contoso.localhost}

missing=()
for program in krb5kdc kdb5_util; do
  command -v "$program" >/dev/null 2>&1 || [ -x "/usr/sbin/$program" ] || { missing+=(krb5-kdc); break; }
done
command -v kadmin.local >/dev/null 2>&1 || [ -x /usr/sbin/kadmin.local ] || missing+=(krb5-admin-server)
command -v kinit >/dev/null 2>&1 || missing+=(krb5-user)
command -v krb5-config >/dev/null 2>&1 || missing+=(libkrb5-dev)
getent hosts "$KERBEROS_HOST" >/dev/null 2>&1 || missing+=(libnss-myhostname)

if [ "${#missing[@]}" = 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if ! getent hosts "$KERBEROS_HOST" >/dev/null 2>&1; then
    echo "install_krb5.sh: $KERBEROS_HOST does not resolve; add myhostname to the hosts line of" \
      "/etc/nsswitch.conf" >&2
    exit 1
  fi
  exit 0
fi
echo "install_krb5.sh: missing ${missing[*]}; the Kerberos tests need them:" \
  "sudo apt-get install ${missing[*]}" >&2
exit 1
