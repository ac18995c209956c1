#!/usr/bin/env bash
# The Debian/Ubuntu packages the Linux test jobs need beyond the runner image, as .ci/run installs
# them on the project's own CI: avahi and the system D-Bus (test/support/avahi.ts uses avahi as a
# foreign mDNS peer), Xvfb (Electron needs a display) and fonts for the Thai and emoji text the
# screenshots and UI tests show.
set -euo pipefail

if [ "$(id -u)" -eq 0 ]; then as_root=(); else as_root=(sudo); fi
"${as_root[@]}" apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
  dbus avahi-daemon avahi-utils xvfb fonts-noto-color-emoji fonts-thai-tlwg

# Ubuntu 24.04 forbids unprivileged user namespaces to programs without an AppArmor profile, and
# Electron's sandbox needs one: the deb's profile covers the installed app, not node_modules'
# Electron or an unpacked build, so allow them on this throwaway runner.
if [ -e /proc/sys/kernel/apparmor_restrict_unprivileged_userns ]; then
  "${as_root[@]}" sysctl -w kernel.apparmor_restrict_unprivileged_userns=0
fi
