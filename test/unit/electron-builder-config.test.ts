import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// The packaging settings that carry security or release weight, read from electron-builder.yml
// itself and validated against electron-builder's own schema (no Electron download needed).

// js-yaml and app-builder-lib come with electron-builder (devDependency) and ship no ESM types.
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(): void }): Promise<void>;
};

type Config = {
  appId: string;
  productName: string;
  electronVersion: string;
  asar: boolean;
  asarUnpack: string[];
  files: string[];
  extraMetadata: { main: string };
  directories: { output: string; buildResources: string };
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; category: string; icon: string };
  win: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
  publish: { provider: string; url: string }[];
};

const root = new URL('../../', import.meta.url);
const config = yaml.load(readFileSync(new URL('electron-builder.yml', root), 'utf8')) as Config;
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  main: string;
  optionalDependencies?: Record<string, string>;
};

describe('electron-builder.yml', () => {
  it("matches electron-builder's schema", async () => {
    await expect(validateConfiguration(config, { isEnabled: false, add() {} })).resolves.toBeUndefined();
  }, 30_000); // compiling the schema takes a few seconds

  it('names the app', () => {
    expect(config.appId).toBe('com.clientele.desktop');
    expect(config.productName).toBe('Clientele');
    expect(config.directories).toEqual({ output: 'dist', buildResources: 'assets' });
  });

  it('pins the same Electron as package.json (electron is an optionalDependency)', () => {
    expect(pkg.optionalDependencies?.electron).toMatch(/^\d+\.\d+\.\d+$/);
    expect(String(config.electronVersion)).toBe(pkg.optionalDependencies?.electron);
  });

  it('packs the app into an asar, native addons unpacked', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
  });

  it('starts from the compiled Electron entry', () => {
    expect(config.extraMetadata.main).toBe('out/main/electron/main.js');
    expect(pkg.main).toBe(config.extraMetadata.main);
  });

  it('ships built output only, never sources, maps or Electron itself', () => {
    expect(config.files).toEqual(expect.arrayContaining(['package.json', 'out/**', 'assets/icon.png']));
    expect(config.files).toEqual(
      expect.arrayContaining(['!**/*.map', '!**/*.d.ts', '!**/node_modules/electron{,/**}']),
    );
    expect(config.files.some((pattern) => /^(common|main|renderer|preload|test)\//.test(pattern))).toBe(false);
  });

  it('sets the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('builds AppImage + deb, NSIS and DMG with the app icon', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('Office');
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    for (const platform of [config.linux, config.win, config.mac]) expect(platform.icon).toBe('assets/icon.png');
  });

  it('publishes to a generic HTTPS feed', () => {
    expect(config.publish).toHaveLength(1);
    expect(config.publish[0]?.provider).toBe('generic');
    expect(config.publish[0]?.url).toMatch(/^https:\/\//);
  });
});

describe('assets/icon.png', () => {
  it('is a 512x512 PNG', () => {
    const png = readFileSync(new URL('assets/icon.png', root));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(512);
    expect(png.readUInt32BE(20)).toBe(512);
  });
});
