#!/usr/bin/env node
// Electron's TypeScript typings without Electron's binary.
//
// Electron is an optionalDependency: on machines that cannot download its binary npm drops the
// whole package, typings included, and main/electron + preload would no longer type-check.
// Electron's npm tarball itself holds no binary, so we fetch the tarball of the exact same version
// with `npm pack` and keep only package/electron.d.ts in node_modules/.clientele/electron-types/
// (the tsconfigs of main/electron and preload include that folder).
//
// Runs as postinstall: it must never fail `npm install`, so every failure is one line and exit 0.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'node_modules', '.clientele', 'electron-types');
const outFile = join(outDir, 'electron.d.ts');
const versionFile = join(outDir, 'VERSION');
const WANTED = 'package/electron.d.ts';

function main() {
  // The real package brings its own typings (resolved through its package.json "types"); a second
  // copy would declare module 'electron' twice.
  if (existsSync(join(root, 'node_modules', 'electron', 'electron.d.ts'))) {
    rmSync(outDir, { recursive: true, force: true });
    return;
  }

  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const version = pkg.optionalDependencies?.electron ?? pkg.devDependencies?.electron ?? pkg.dependencies?.electron;
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) {
    fail(`package.json must pin electron to an exact version (found ${JSON.stringify(version)})`);
    return;
  }

  // Already extracted for this version: nothing to fetch (keeps repeated installs offline).
  if (existsSync(outFile) && existsSync(versionFile) && readFileSync(versionFile, 'utf8').trim() === version) return;

  const work = mkdtempSync(join(tmpdir(), 'clientele-electron-types-'));
  try {
    const tarball = npmPack(`electron@${version}`, work);
    const typings = extractFromTarGz(readFileSync(tarball), WANTED);
    if (typings === null) throw new Error(`${WANTED} is not in the electron@${version} tarball`);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(outFile, typings);
    writeFileSync(versionFile, `${version}\n`);
    console.log(`electron-types: Electron ${version} typings written to node_modules/.clientele/electron-types/`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `npm pack <spec>` into dir; returns the tarball path. Uses the npm that runs us when there is one. */
function npmPack(spec, dir) {
  const args = ['pack', spec, '--pack-destination', dir, '--loglevel=error'];
  const npmCli = process.env.npm_execpath;
  const result =
    npmCli && npmCli.endsWith('.js')
      ? spawnSync(process.execPath, [npmCli, ...args], { encoding: 'utf8' })
      : spawnSync('npm', args, { encoding: 'utf8', shell: process.platform === 'win32' });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    // npm's own explanation, without its code/syscall/errno and "complete log" lines.
    const reason = (result.stderr || '')
      .split('\n')
      .map((line) => line.replace(/^npm (error|ERR!)\s*/, '').trim())
      .find((line) => line !== '' && !/^(code|syscall|errno)\b|complete log/i.test(line));
    throw new Error(`npm pack ${spec} failed${reason ? `: ${reason}` : ''}`);
  }
  const tgz = readdirSync(dir).find((name) => name.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack ${spec} produced no tarball`);
  return join(dir, tgz);
}

/** A tiny ustar reader: enough for npm tarballs (ustar prefix and pax 'path' records). */
export function extractFromTarGz(gz, wanted) {
  const tar = gunzipSync(gz);
  let offset = 0;
  let paxPath = null;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break; // end-of-archive marker
    const size = parseInt(field(header, 124, 12) || '0', 8);
    const type = String.fromCharCode(header[156] || 0x30);
    const prefix = field(header, 345, 155);
    const name = paxPath ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    const dataStart = offset + 512;
    const data = tar.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / 512) * 512;

    if (type === 'x') {
      // A pax extended header applies to the next entry only.
      const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      paxPath = match ? match[1] : null;
      continue;
    }
    paxPath = null;
    if ((type === '0' || type === '\0') && name === wanted) return Buffer.from(data);
  }
  return null;
}

function field(buffer, start, length) {
  const raw = buffer.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw
    .subarray(0, end === -1 ? raw.length : end)
    .toString('utf8')
    .trim();
}

function fail(reason) {
  console.warn(
    `electron-types: skipped (${reason}); main/electron and preload will not type-check until \`node scripts/electron-types.mjs\` succeeds.`,
  );
}

try {
  main();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
process.exitCode = 0;
