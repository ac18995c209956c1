/**
 * What electron-builder.yml must say, read back and asserted one promise at a time: artifact
 * names, the fuses, macOS's local-network keys and entitlements, the Linux desktop entry and
 * AppArmor profile, and the Windows installer's per-user mode and uninstall question.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_BUILDER_LIB, ROOT, readBuilderConfig, type TargetEntry } from './builder-config.ts';

const config = readBuilderConfig();
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');
const targetNames = (targets: TargetEntry[]): string[] => targets.map((t) => t.target);
const archesOf = (targets: TargetEntry[]): string[][] => targets.map((t) => [...(t.arch ?? [])].sort());

describe('identity and artifact names', () => {
  it('uses the shared appId and product name', () => {
    expect(config.appId).toBe('chat.parley.app');
    expect(config.productName).toBe('Parley');
    expect(config.linux.executableName).toBe('parley');
  });

  it('names artifacts without spaces, with version, os and arch', () => {
    expect(config.artifactName).toBe('Parley-${version}-${os}-${arch}.${ext}');
    expect(config.artifactName).not.toMatch(/\s/);
    // No per-target override may bring spaces (or a different scheme) back.
    for (const [key, value] of Object.entries(config)) {
      const override = (value as { artifactName?: unknown } | null)?.artifactName;
      if (override !== undefined) expect.fail(`${key}.artifactName overrides the shared scheme`);
    }
  });

  it('packages only the build output, package.json and the icon (no sources, tests or docs)', () => {
    expect(config.files).toEqual(['out/**', 'package.json', 'resources/icon.png']);
    expect(config.directories).toEqual({ output: 'dist', buildResources: 'build' });
  });

  it('publishes to GitHub without a hard-coded owner', () => {
    expect(config.publish.provider).toBe('github');
    expect(config.publish.owner).toBeUndefined();
    expect(config.publish.repo).toBeUndefined();
  });
});

describe('Electron fuses', () => {
  it('are all written out with the intended values', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      // The renderer is loaded from file:// (window.ts loadFile): its module script needs it.
      grantFileProtocolExtraPrivileges: true,
    });
  });

  it('keeps file:// privileges only while the window still loads the renderer from a file', () => {
    // When the app moves to a custom protocol, this fails as a reminder to turn the fuse off.
    expect(read('src/main/window.ts')).toMatch(/win\.loadFile\(/);
  });

  it('packs the app into an asar (OnlyLoadAppFromAsar needs one)', () => {
    expect(config['asar']).not.toBe(false);
  });
});

describe('Windows', () => {
  it('builds an NSIS installer and a zip for x64 and arm64', () => {
    expect(targetNames(config.win.target)).toEqual(['nsis', 'zip']);
    for (const arches of archesOf(config.win.target)) expect(arches).toEqual(['arm64', 'x64']);
    // One installer for both (Parley-<version>-win.exe): the release and the updater rely on it.
    expect(config.nsis['buildUniversalInstaller']).toBe(true);
  });

  it('installs per user (no admin rights) with desktop and Start-menu shortcuts', () => {
    expect(config.nsis['perMachine']).toBe(false);
    expect(config.nsis['createDesktopShortcut']).toBe(true);
    expect(config.nsis['createStartMenuShortcut']).toBe(true);
    // One-click per-user never shows the "all users" choice that would need elevation.
    expect(config.nsis['oneClick']).toBe(true);
  });

  it('asks on uninstall whether to delete the data folder, never on an update or /S', () => {
    // Left to build/installer.nsh: deleteAppDataOnUninstall would decide for the user.
    expect(config.nsis['deleteAppDataOnUninstall']).toBe(false);
    expect(config.nsis.include).toBe('build/installer.nsh');
    const nsh = read(config.nsis.include);
    expect(nsh).toMatch(/!macro customUnInstall\b/);
    expect(nsh).toMatch(/\$\{ifNot\} \$\{isUpdated\}/);
    expect(nsh).toMatch(/\$\{GetOptions\} \$R0 "\/S"/);
    // The question defaults to No (keep) and is answered No in a silent run.
    expect(nsh).toMatch(/MessageBox MB_YESNO\|MB_ICONQUESTION\|MB_DEFBUTTON2[\s\S]*\/SD IDNO/);
    expect(nsh).toMatch(/RMDir \/r "\$APPDATA\\\$\{APP_PRODUCT_FILENAME\}"/);
  });
});

describe('macOS', () => {
  it('builds a dmg and a zip (the updater needs the zip) for x64 and arm64', () => {
    expect(targetNames(config.mac.target)).toEqual(['dmg', 'zip']);
    for (const arches of archesOf(config.mac.target)) expect(arches).toEqual(['arm64', 'x64']);
  });

  it('asks for local-network access in Info.plist', () => {
    const description = config.mac.extendInfo['NSLocalNetworkUsageDescription'];
    expect(typeof description).toBe('string');
    expect((description as string).trim().length).toBeGreaterThan(20);
    expect(config.mac.extendInfo['NSBonjourServices']).toContain('_parley._tcp');
  });

  it('uses the hardened runtime with entitlements that are a valid plist granting JIT only', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.entitlementsInherit).toBe(config.mac.entitlements);
    const file = join(ROOT, config.mac.entitlements);
    expect(existsSync(file)).toBe(true);
    const plist = readFileSync(file, 'utf8');
    expect(plist).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>/);
    expect(plist).toContain('<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN"');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>\s*<(true|false)\/>/g)].map((m) => [m[1], m[2]]);
    expect(keys).toEqual([['com.apple.security.cs.allow-jit', 'true']]);
    // Well-formed: one <plist> with one <dict>, every <key> followed by a value.
    expect(plist.match(/<plist version="1\.0">\s*<dict>[\s\S]*<\/dict>\s*<\/plist>\s*$/)).not.toBeNull();
    expect(plist.match(/<key>/g)?.length).toBe(keys.length);
  });

  it('notarizes through electron-builder (which skips it when no APPLE_* credentials are set)', () => {
    expect(config.mac['notarize' as keyof typeof config.mac]).toBe(true);
  });
});

describe('Linux', () => {
  it('builds AppImage, deb and rpm for x64 and arm64', () => {
    expect(targetNames(config.linux.target)).toEqual(['AppImage', 'deb', 'rpm']);
    for (const arches of archesOf(config.linux.target)) expect(arches).toEqual(['arm64', 'x64']);
  });

  it('uses the static AppImage runtime, which does not need libfuse2', () => {
    // "0.0.0" (the default) is the legacy FUSE 2 runtime.
    expect(config.toolsets.appimage).not.toBe('0.0.0');
    const toolset = read('node_modules/app-builder-lib/out/toolsets/linux.js');
    expect(toolset).toContain(`"${config.toolsets.appimage}"`);
  });

  it('writes a desktop entry that groups the window (StartupWMClass) under Network/Chat', () => {
    const entry = config.linux.desktop.entry;
    expect(entry['StartupWMClass']).toBe('Parley');
    expect(entry['Categories']?.split(';')).toEqual(expect.arrayContaining(['Network', 'Chat']));
  });

  it("ships an AppArmor profile granting user namespaces to the deb's /opt/Parley/parley", () => {
    const profile = read(config.deb.appArmorProfile);
    expect(profile).toMatch(/^abi <abi\/4\.0>,$/m);
    expect(profile).toMatch(/^include <tunables\/global>$/m);
    expect(profile).toMatch(/^profile parley \/opt\/Parley\/parley flags=\(unconfined\) \{$/m);
    expect(profile).toMatch(/^\s+userns,$/m);
    expect(profile).toMatch(/^\s+include if exists <local\/parley>$/m);
  });

  it("relies on electron-builder's deb scripts, which install and remove that profile", () => {
    // A custom afterInstall would replace electron-builder's script, and with it the /usr/bin
    // link and the chrome-sandbox permissions it sets: so none is configured, and this checks
    // that the installed version's scripts still do the AppArmor part at the path we target.
    expect(config.deb['afterInstall']).toBeUndefined();
    expect(config.deb['afterRemove']).toBeUndefined();
    const templates = join(APP_BUILDER_LIB, 'templates/linux');
    const afterInstall = readFileSync(join(templates, 'after-install.tpl'), 'utf8');
    const afterRemove = readFileSync(join(templates, 'after-remove.tpl'), 'utf8');
    expect(afterInstall).toContain("APPARMOR_PROFILE_SOURCE='/opt/${sanitizedProductName}/resources/apparmor-profile'");
    expect(afterInstall).toContain("APPARMOR_PROFILE_TARGET='/etc/apparmor.d/${executable}'");
    expect(afterInstall).toContain('apparmor_parser --replace');
    expect(afterRemove).toContain("APPARMOR_PROFILE_DEST='/etc/apparmor.d/${executable}'");
    expect(afterRemove).toMatch(/rm -f "\$APPARMOR_PROFILE_DEST"/);
    // electron-builder installs the deb under /opt/<sanitized productName>/.
    expect(read('node_modules/app-builder-lib/out/targets/LinuxTargetHelper.js')).toContain(
      'exports.installPrefix = "/opt"',
    );
    // The scripts are valid shell once their placeholders are filled in.
    for (const script of [afterInstall, afterRemove]) {
      const filled = script.replaceAll('${executable}', 'parley').replaceAll('${sanitizedProductName}', 'Parley');
      expect(() => execFileSync('bash', ['-n'], { input: filled })).not.toThrow();
    }
  });
});
