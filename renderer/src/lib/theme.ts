import type { Theme } from '../../../common/domain/profile.js';

const CACHE_KEY = 'clientele.theme';

/**
 * Sets data-theme on <html>; styles.css maps it to CSS variables, and 'system' follows
 * prefers-color-scheme through a media query, so OS changes apply without any listener.
 */
export function applyTheme(theme: Theme): void {
  document.documentElement.dataset['theme'] = theme;
}

/**
 * The theme lives in the encrypted store, which is closed until the profile unlocks. A copy
 * in localStorage (not sensitive) lets the loading and lock screens use it too, without a flash.
 */
export function rememberTheme(theme: Theme): void {
  try {
    window.localStorage.setItem(CACHE_KEY, theme);
  } catch {
    // Storage can be disabled; the theme then only applies once settings load.
  }
}

export function cachedTheme(): Theme {
  try {
    const stored = window.localStorage.getItem(CACHE_KEY);
    return isTheme(stored) ? stored : 'system';
  } catch {
    return 'system';
  }
}

// A plain check rather than the zod schema, to keep zod out of the renderer bundle.
function isTheme(value: string | null): value is Theme {
  return value === 'system' || value === 'light' || value === 'dark';
}
