#!/usr/bin/env bash
# Makes sure the real services the tests use are installed: as root it installs what is
# missing from Debian's packages; otherwise it names what is missing and fails.
set -euo pipefail

declare -A PACKAGE_FOR=(
  [dbus-daemon]=dbus
  [dbus-send]=dbus
  [gnome-keyring-daemon]=gnome-keyring
  [secret-tool]=libsecret-tools
  [chromium]=chromium
  [/usr/sbin/dovecot]=dovecot-imapd
  [/usr/lib/dovecot/imap]=dovecot-imapd
  [mbsync]=isync
  [openssl]=openssl
)
missing_packages=()
for tool in "${!PACKAGE_FOR[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing_packages+=("${PACKAGE_FOR[$tool]}")
done
# Fonts so that screenshots show text.
[ -d /usr/share/fonts/truetype/dejavu ] || missing_packages+=(fonts-dejavu-core)
# The team server suite runs on a private PostgreSQL cluster (test/harness/postgres.ts).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing_packages+=(postgresql)

if [ ${#missing_packages[@]} -eq 0 ]; then
  exit 0
fi
mapfile -t missing_packages < <(printf '%s\n' "${missing_packages[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need these Debian packages: ${missing_packages[*]}" >&2
  echo "Install them (sudo apt-get install -y ${missing_packages[*]}) or run npm test as root." >&2
  exit 1
fi
echo "Installing test services: ${missing_packages[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >/dev/null
