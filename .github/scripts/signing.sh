#!/usr/bin/env bash
# Decides whether this release job signs (and, on macOS, notarizes), from which secrets the
# workflow passed in as environment variables — never from `secrets.*` in an `if:`, and never
# printing a secret. Usage: signing.sh win|mac|linux
#
# Writes to $GITHUB_OUTPUT:
#   signing=yes|no       whether the installers will be signed
#   notarize=yes|no      macOS only: whether notarization credentials are present
#   builder_args=...     extra electron-builder arguments (Azure Trusted Signing settings)
# and a warning to $GITHUB_STEP_SUMMARY for everything it skips. On macOS without a certificate
# it sets CSC_IDENTITY_AUTO_DISCOVERY=false (in $GITHUB_ENV), or electron-builder would sign with
# whatever identity the runner's keychain happens to hold.
set -euo pipefail

platform="${1:?usage: signing.sh win|mac|linux}"
summary="${GITHUB_STEP_SUMMARY:-/dev/stdout}"
output="${GITHUB_OUTPUT:-/dev/stdout}"
env_file="${GITHUB_ENV:-/dev/null}"

has() { [ -n "${!1:-}" ]; }

warn() {
  echo "::warning title=Unsigned build::$1"
  printf -- '- ⚠️ %s\n' "$1" >>"$summary"
}

signing=no
notarize=no
builder_args=""

case "$platform" in
  win)
    if has WIN_CSC_LINK; then
      signing=yes
      echo "Windows: signing with the certificate in WIN_CSC_LINK." >>"$summary"
    elif has AZURE_TENANT_ID && has AZURE_CLIENT_ID && has AZURE_CLIENT_SECRET \
      && has AZURE_SIGNING_ENDPOINT && has AZURE_SIGNING_ACCOUNT && has AZURE_SIGNING_PROFILE \
      && has AZURE_SIGNING_PUBLISHER; then
      signing=yes
      # Not secrets (they name the account, not unlock it), so they may appear in the log.
      builder_args="-c.win.azureSignOptions.endpoint=$AZURE_SIGNING_ENDPOINT"
      builder_args+=" -c.win.azureSignOptions.codeSigningAccountName=$AZURE_SIGNING_ACCOUNT"
      builder_args+=" -c.win.azureSignOptions.certificateProfileName=$AZURE_SIGNING_PROFILE"
      builder_args+=" -c.win.azureSignOptions.publisherName=$AZURE_SIGNING_PUBLISHER"
      echo "Windows: signing with Azure Trusted Signing." >>"$summary"
    else
      warn "Windows installers are NOT signed (no WIN_CSC_LINK, no complete Azure Trusted Signing settings): SmartScreen will warn users (docs/RELEASING.md)."
    fi
    ;;
  mac)
    if has MAC_CSC_LINK; then
      signing=yes
      echo "macOS: signing with the Developer ID certificate in MAC_CSC_LINK." >>"$summary"
      if has APPLE_API_KEY_P8 && has APPLE_API_KEY_ID && has APPLE_API_ISSUER; then
        notarize=yes
        # notarytool wants the key as a file; it lives in the job's temp folder, deleted with the runner.
        key_file="${RUNNER_TEMP:-/tmp}/AuthKey_${APPLE_API_KEY_ID}.p8"
        printf '%s\n' "$APPLE_API_KEY_P8" >"$key_file"
        chmod 600 "$key_file"
        echo "APPLE_API_KEY=$key_file" >>"$env_file"
        echo "macOS: notarizing with an App Store Connect API key." >>"$summary"
      elif has APPLE_ID && has APPLE_APP_SPECIFIC_PASSWORD && has APPLE_TEAM_ID; then
        notarize=yes
        echo "macOS: notarizing with an Apple ID." >>"$summary"
      else
        warn "macOS app is signed but NOT notarized (no APPLE_API_KEY_P8/APPLE_API_KEY_ID/APPLE_API_ISSUER, no APPLE_ID/APPLE_APP_SPECIFIC_PASSWORD/APPLE_TEAM_ID): Gatekeeper will block it."
      fi
    else
      echo "CSC_IDENTITY_AUTO_DISCOVERY=false" >>"$env_file"
      warn "macOS app is NOT signed or notarized (no MAC_CSC_LINK): Gatekeeper will refuse to open it until users allow it (docs/RELEASING.md)."
    fi
    ;;
  linux)
    echo "Linux: AppImage and deb are not signed (nor are most on Linux); users check SHA256SUMS.txt." >>"$summary"
    ;;
  *)
    echo "unknown platform: $platform" >&2
    exit 2
    ;;
esac

{
  echo "signing=$signing"
  echo "notarize=$notarize"
  echo "builder_args=$builder_args"
} >>"$output"
echo "signing: $signing, notarize: $notarize"
