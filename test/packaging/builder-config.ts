/**
 * Reads electron-builder.yml for the packaging tests, with the few shapes they look into typed.
 * Only what the tests assert is typed; the schema test checks the whole file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const ROOT = join(import.meta.dirname, '../..');

export type TargetEntry = { target: string; arch?: string[] };

export type BuilderConfig = {
  appId: string;
  productName: string;
  artifactName: string;
  directories: { output: string; buildResources: string };
  files: string[];
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  publish: { provider: string; owner?: string; repo?: string };
  win: { icon: string; target: TargetEntry[] };
  nsis: Record<string, unknown> & { include: string };
  mac: {
    icon: string;
    target: TargetEntry[];
    hardenedRuntime: boolean;
    entitlements: string;
    entitlementsInherit: string;
    extendInfo: Record<string, unknown>;
  };
  linux: {
    executableName: string;
    icon: string;
    target: TargetEntry[];
    desktop: { entry: Record<string, string> };
  };
  deb: Record<string, unknown> & { appArmorProfile: string };
  toolsets: { appimage: string };
  [key: string]: unknown;
};

export function readBuilderConfig(): BuilderConfig {
  return parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

/** app-builder-lib's directory: its scheme.json and templates belong to the installed version. */
export const APP_BUILDER_LIB = join(ROOT, 'node_modules/app-builder-lib');
