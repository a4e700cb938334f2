import type { MergeKind } from '../../../../common/domain/merge.js';

/** The calls each list page makes: one table, so the shared views take a kind instead of eight names. */
export const RECORD_CALLS = {
  contact: {
    list: 'contacts.list',
    duplicates: 'contacts.duplicates',
    merge: 'contacts.merge',
    undoMerge: 'contacts.undoMerge',
    history: 'contacts.mergeHistory',
    export: 'contacts.export',
    importPreview: 'contacts.importPreview',
    import: 'contacts.import',
  },
  company: {
    list: 'companies.list',
    duplicates: 'companies.duplicates',
    merge: 'companies.merge',
    undoMerge: 'companies.undoMerge',
    history: 'companies.mergeHistory',
    export: 'companies.export',
    importPreview: 'companies.importPreview',
    import: 'companies.import',
  },
} as const;

export const RECORD_WORDS: Record<MergeKind, { one: string; many: string; Many: string }> = {
  contact: { one: 'contact', many: 'contacts', Many: 'Contacts' },
  company: { one: 'company', many: 'companies', Many: 'Companies' },
};

export function countWord(kind: MergeKind, count: number): string {
  return `${count.toLocaleString()} ${count === 1 ? RECORD_WORDS[kind].one : RECORD_WORDS[kind].many}`;
}
