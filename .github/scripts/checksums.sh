#!/usr/bin/env bash
# Writes SHA256SUMS.txt in the given folder: one `<sha256>  <file name>` line per file in it, in
# the format `sha256sum -c SHA256SUMS.txt` checks (and `shasum -a 256 -c` on macOS).
# Usage: checksums.sh <folder>
set -euo pipefail

cd "${1:?usage: checksums.sh <folder>}"
rm -f SHA256SUMS.txt
mapfile -t files < <(find . -maxdepth 1 -type f ! -name SHA256SUMS.txt -printf '%f\n' | LC_ALL=C sort)
if [ "${#files[@]}" -eq 0 ]; then
  echo "::error::no files to checksum"
  exit 1
fi
sha256sum -- "${files[@]}" >SHA256SUMS.txt
cat SHA256SUMS.txt
