import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { REPO_ROOT } from '../harness/cli.js';

// The layer rules live in eslint.config.js; this proves they bite. Type-aware rules are off here
// because the snippets are not files of a tsconfig project.
const eslint = new ESLint({
  cwd: REPO_ROOT,
  overrideConfig: [
    { languageOptions: { parserOptions: { projectService: false, project: null } } },
    tseslint.configs.disableTypeChecked,
  ],
});

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages
    .filter((message) => message.ruleId === 'no-restricted-imports' || message.ruleId === 'layers/imports-within')
    .map((m) => m.message);
}

describe('layer rules', () => {
  it.each([
    ['renderer/src/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;"],
    ['renderer/src/x.ts', "import { startCore } from '../../main/core/core.js';\nexport const x = startCore;"],
    ['common/x.ts', "import { createHash } from 'node:crypto';\nexport const x = createHash;"],
    ['common/x.ts', "import { Store } from '../main/store/store.js';\nexport const x = Store;"],
    ['main/core/x.ts', "import { app } from 'electron';\nexport const x = app;"],
    ['main/store/x.ts', "import { api } from '../../renderer/src/api/transport.js';\nexport const x = api;"],
    ['preload/x.ts', "import { startCore } from '../main/core/core.js';\nexport const x = startCore;"],
    ['server/x.ts', "import { Store } from '../main/store/store.js';\nexport const x = Store;"],
    ['server/http/x.ts', "import { api } from '../../renderer/src/api/transport.js';\nexport const x = api;"],
    ['common/x.ts', "import { startServer } from '../server/start.js';\nexport const x = startServer;"],
    // The shared web building blocks: DOM and React only, nothing of the pages, the app or the server.
    ['ui/x.tsx', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"],
    ['ui/x.tsx', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;"],
    ['ui/x.tsx', "import { z } from 'zod';\nexport const x = z;"],
    ['ui/x.tsx', "import { api } from '../renderer/src/api/transport.js';\nexport const x = api;"],
    ['ui/x.tsx', "import { contract } from '../common/api/contract.js';\nexport const x = contract;"],
    ['ui/x.tsx', "import { App } from '../server/admin-ui/src/App.js';\nexport const x = App;"],
    ['main/core/x.ts', "import { Modal } from '../../ui/Modal.js';\nexport const x = Modal;"],
    ['server/http/x.ts', "import { Modal } from '../../ui/Modal.js';\nexport const x = Modal;"],
    ['common/x.ts', "import { Modal } from '../ui/Modal.js';\nexport const x = Modal;"],
    // The admin web UI: a web page beside the server, sharing only common/ and ui/ with anything.
    ['server/admin-ui/src/x.tsx', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"],
    [
      'server/admin-ui/src/pages/x.tsx',
      "import { buildServer } from '../../../http/app.js';\nexport const x = buildServer;",
    ],
    [
      'server/admin-ui/src/x.tsx',
      "import { recordAudit } from '../../audit/audit-log.js';\nexport const x = recordAudit;",
    ],
    [
      'server/admin-ui/src/x.tsx',
      "import { Field } from '../../../renderer/src/components/Field.js';\nexport const x = Field;",
    ],
    [
      'server/admin-ui/src/x.tsx',
      "import { startCore } from '../../../main/core/core.js';\nexport const x = startCore;",
    ],
    ['server/http/x.ts', "import { App } from '../admin-ui/src/App.js';\nexport const x = App;"],
  ])('%s may not: %s', async (filePath, code) => {
    expect(await importErrors(filePath, code)).not.toEqual([]);
  });

  it.each([
    ['main/electron/x.ts', "import { app } from 'electron';\nexport const x = app;"],
    ['renderer/src/x.ts', "import { contract } from '../../common/api/contract.js';\nexport const x = contract;"],
    ['main/core/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"],
    ['common/x.ts', "import { z } from 'zod';\nexport const x = z;"],
    ['server/auth/x.ts', "import { AppError } from '../../common/errors.js';\nexport const x = AppError;"],
    [
      'server/admin-ui/src/pages/x.tsx',
      "import { Email } from '../../../../common/api/server-auth.js';\nexport const x = Email;",
    ],
    ['server/admin-ui/src/pages/x.tsx', "import { api } from '../api/admin.js';\nexport const x = api;"],
    ['server/admin-ui/src/x.tsx', "import { useState } from 'react';\nexport const x = useState;"],
    ['server/admin-ui/src/pages/x.tsx', "import { Modal } from '../../../../ui/Modal.js';\nexport const x = Modal;"],
    ['renderer/src/pages/x.tsx', "import { Modal } from '../../../ui/Modal.js';\nexport const x = Modal;"],
    ['ui/x.tsx', "import { useId } from 'react';\nexport const x = useId;"],
    ['ui/x.tsx', "import { createPortal } from 'react-dom';\nexport const x = createPortal;"],
    ['ui/x.tsx', "import { Modal } from './Modal.js';\nexport const x = Modal;"],
  ])('%s may: %s', async (filePath, code) => {
    expect(await importErrors(filePath, code)).toEqual([]);
  });
});
