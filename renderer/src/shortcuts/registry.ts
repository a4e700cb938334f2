import { hrefFor, type PageId } from '../frame/routes.js';

/**
 * Every keyboard shortcut, in one list that both the handler and the help overlay read, so what
 * the overlay says is what the keys do.
 *
 * - 'global' shortcuts are handled by the frame (useShortcuts), anywhere but in a text field.
 * - 'page' shortcuts are handled by the page they belong to (the timeline's j/k/Enter); they are
 *   listed here so the overlay shows them too.
 */
export type ShortcutAction =
  { type: 'navigate'; page: PageId } | { type: 'focus-search' } | { type: 'help' } | { type: 'page'; page: PageId };

export type Shortcut = {
  /** The keys in order, as KeyboardEvent.key: ['g', 'c'] is "g, then c". */
  keys: readonly string[];
  description: string;
  group: 'Go to' | 'Anywhere' | 'Lists';
  action: ShortcutAction;
};

const go = (key: string, page: PageId, label: string): Shortcut => ({
  keys: ['g', key],
  description: `Go to ${label}`,
  group: 'Go to',
  action: { type: 'navigate', page },
});

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['/'], description: 'Search', group: 'Anywhere', action: { type: 'focus-search' } },
  { keys: ['?'], description: 'Show keyboard shortcuts', group: 'Anywhere', action: { type: 'help' } },
  go('t', 'timeline', 'the timeline'),
  go('c', 'contacts', 'contacts'),
  go('o', 'companies', 'companies'),
  go('d', 'deals', 'deals'),
  go('r', 'reports', 'reports'),
  go('s', 'sync', 'sync'),
  go(',', 'settings', 'settings'),
  { keys: ['j'], description: 'Next message', group: 'Lists', action: { type: 'page', page: 'timeline' } },
  { keys: ['k'], description: 'Previous message', group: 'Lists', action: { type: 'page', page: 'timeline' } },
  {
    keys: ['Enter'],
    description: 'Open the selected message',
    group: 'Lists',
    action: { type: 'page', page: 'timeline' },
  },
];

/** A sequence's second key must follow the first within this time. */
export const SEQUENCE_TIMEOUT_MS = 1500;

/** The global shortcuts the keys typed so far complete, or start (to wait for the next key). */
export function matchKeys(typed: readonly string[]): { complete: Shortcut | null; partial: boolean } {
  const global = SHORTCUTS.filter((shortcut) => shortcut.action.type !== 'page');
  const startsWith = (shortcut: Shortcut): boolean => typed.every((key, index) => shortcut.keys[index] === key);
  const complete = global.find((shortcut) => shortcut.keys.length === typed.length && startsWith(shortcut)) ?? null;
  const partial = global.some((shortcut) => shortcut.keys.length > typed.length && startsWith(shortcut));
  return { complete, partial };
}

export function shortcutHref(action: ShortcutAction): string | null {
  return action.type === 'navigate' ? hrefFor(action.page) : null;
}
