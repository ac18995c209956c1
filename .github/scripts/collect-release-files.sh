#!/usr/bin/env bash
# Copies what a release publishes from dist/ into the given folder: the installers and archives,
# their .blockmap files (electron-updater's differential downloads) and the latest*.yml updater
# metadata. Leaves out electron-builder's debug and effective-config files and the unpacked apps.
# Fails when nothing matched, so a renamed artifact cannot produce an empty release.
# Usage: collect-release-files.sh <destination folder>
set -euo pipefail
shopt -s nullglob

dest="${1:?usage: collect-release-files.sh <destination folder>}"
mkdir -p "$dest"
files=(dist/*.exe dist/*.zip dist/*.dmg dist/*.AppImage dist/*.deb dist/*.rpm dist/*.blockmap dist/latest*.yml)
if [ "${#files[@]}" -eq 0 ]; then
  echo "::error::no installers in dist/"
  ls dist || true
  exit 1
fi
for file in "${files[@]}"; do
  # Artifact names must not contain spaces (they break the updater metadata and asset URLs).
  case "$file" in
    *" "*)
      echo "::error::artifact name with a space: $file"
      exit 1
      ;;
  esac
  cp "$file" "$dest/"
  echo "collected $file"
done
