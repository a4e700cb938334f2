import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORE_NODE_FLAGS } from '../../main/core/core-node-flags.js';

// The core's V8 flags must be on the command line of every process that runs it, and V8 takes them
// only at start: the Electron utility process gets them from CORE_NODE_FLAGS (main/electron/core-process.ts),
// the others can't import it, so this test holds their copies to it.

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('the core process flags', () => {
  it('are on the clientele command’s shebang line', () => {
    const shebang = read('bin/clientele.js').split('\n')[0]!;
    expect(shebang.startsWith('#!/usr/bin/env -S node ')).toBe(true);
    expect(shebang.slice('#!/usr/bin/env -S node '.length).split(' ')).toEqual([...CORE_NODE_FLAGS]);
  });

  it('start browser mode (npm start), and the Electron utility process gets them', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toContain(`node ${CORE_NODE_FLAGS.join(' ')} scripts/start.mjs`);
    expect(read('main/electron/core-process.ts')).toContain('execArgv: [...CORE_NODE_FLAGS]');
  });

  it('cap the young generation, which node accepts', () => {
    expect(CORE_NODE_FLAGS).toContain('--max-semi-space-size=4');
    for (const flag of CORE_NODE_FLAGS) expect(process.allowedNodeEnvironmentFlags.has(flag.split('=')[0]!)).toBe(true);
  });
});
