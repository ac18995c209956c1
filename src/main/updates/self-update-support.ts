/**
 * Which installs may update themselves. The Windows installer, the macOS app and the AppImage
 * replace themselves in place; a .deb or .rpm belongs to the system's package manager, and
 * electron-updater would install the new package through sudo/pkexec when the app quits — a root
 * password prompt nobody asked for (or a silent failure without a terminal). Those installs are
 * updated by installing the newer package (README, docs/RELEASING.md), so the app does not check.
 */
export function canSelfUpdate(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): boolean {
  if (platform === 'win32' || platform === 'darwin') return true;
  // The AppImage runtime sets APPIMAGE to the image's path; a deb or rpm install has none.
  return platform === 'linux' && typeof env['APPIMAGE'] === 'string' && env['APPIMAGE'] !== '';
}
