import { useEffect, useRef } from 'react';
import { hrefFor } from '../frame/routes.js';
import { SEARCH_INPUT_ID } from '../pages/search/SearchPage.js';
import { matchKeys, SEQUENCE_TIMEOUT_MS, type Shortcut } from './registry.js';

/** True when the key is text for a field (or another control's own key), not a shortcut. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
}

/**
 * The frame's keyboard shortcuts (registry.ts). Keys typed into a field stay text; a sequence
 * like "g c" waits SEQUENCE_TIMEOUT_MS for its second key; a modifier key makes it the browser's.
 */
export function useShortcuts({ onHelp, helpOpen }: { onHelp: () => void; helpOpen: boolean }): void {
  const typed = useRef<string[]>([]);
  const lastKeyAt = useRef(0);

  useEffect(() => {
    const run = (shortcut: Shortcut): void => {
      const { action } = shortcut;
      if (action.type === 'navigate') window.location.hash = hrefFor(action.page);
      else if (action.type === 'help') onHelp();
      else if (action.type === 'focus-search') {
        const input = document.getElementById(SEARCH_INPUT_ID);
        // On the search page already: focus its input; elsewhere the page focuses it on arrival.
        if (input) input.focus();
        else window.location.hash = hrefFor('search');
      }
    };
    const onKey = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      // A dialog (this overlay or any other) has the keyboard until it closes.
      if (helpOpen || document.querySelector('dialog[open]') || isTyping(event.target)) return;
      if (event.key === 'Shift') return;
      const now = event.timeStamp;
      if (now - lastKeyAt.current > SEQUENCE_TIMEOUT_MS) typed.current = [];
      lastKeyAt.current = now;
      let keys = [...typed.current, event.key];
      let match = matchKeys(keys);
      if (!match.complete && !match.partial && keys.length > 1) {
        // "g x" that means nothing: x may still start a shortcut of its own.
        keys = [event.key];
        match = matchKeys(keys);
      }
      if (match.complete) {
        event.preventDefault();
        typed.current = [];
        run(match.complete);
      } else if (match.partial) {
        event.preventDefault();
        typed.current = keys;
      } else {
        typed.current = [];
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onHelp, helpOpen]);
}
