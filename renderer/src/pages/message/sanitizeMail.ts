import createDOMPurify, { type Config } from 'dompurify';

/**
 * Mail HTML is hostile until proven otherwise. It is sanitized here with DOMPurify, then shown in
 * a sandboxed iframe (no scripts, opaque origin) whose document carries its own CSP
 * (messageFrame.ts). Each layer alone should stop script; the sanitizer also removes everything
 * that would fetch from the network (remote images, CSS url(), fonts, media) unless the user
 * allowed images from this sender, so a blocked image is never even requested.
 */

export type SanitizeOptions = { allowRemoteImages: boolean };
export type SanitizedMail = { html: string; blockedImages: number };

// Tags that fetch, submit, embed or restyle the frame's document; most are outside DOMPurify's
// default allow-list already, listed so a future default change cannot let them in.
const FORBID_TAGS = [
  'form',
  'input',
  'button',
  'select',
  'option',
  'optgroup',
  'textarea',
  'datalist',
  'keygen',
  'output',
  'base',
  'link',
  'meta',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'audio',
  'video',
  'source',
  'track',
  'picture',
  'portal',
  'template',
  'dialog',
  'svg',
  'math',
];
const FORBID_ATTR = [
  'srcset',
  'imagesrcset',
  'ping',
  'background',
  'poster',
  'action',
  'formaction',
  'lowsrc',
  'dynsrc',
  'longdesc',
  'usemap',
  'autofocus',
  'target',
];

const CONFIG: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS,
  FORBID_ATTR,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: true,
  // Links: the web and mail only; cid: (inline parts, not shown yet) and in-page anchors.
  ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto|cid):|#)/i,
  // Keeps a message's leading <style> (mail often starts with one).
  FORCE_BODY: true,
  RETURN_TRUSTED_TYPE: false,
};

const DATA_IMAGE = /^data:image\/(?:png|gif|jpe?g|webp|bmp);base64,[a-z0-9+/=\s]*$/i;
const CSS_URL = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"]*))\s*\)/gi;

let state = { allowRemoteImages: false, blocked: 0 };
const purifier = createPurifier();

function createPurifier(): ReturnType<typeof createDOMPurify> {
  const purify = createDOMPurify(window);
  purify.addHook('afterSanitizeElements', (node) => {
    if (node.nodeName === 'STYLE') {
      const css = node.textContent ?? '';
      const clean = cleanCss(css);
      if (clean !== css) node.textContent = clean;
    }
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeType !== 1) return;
    const element = node;
    const href = element.getAttribute('href');
    if (href !== null) {
      if (href.startsWith('#')) {
        element.removeAttribute('href');
      } else {
        // Links leave the app: a new browsing context (Electron hands it to the OS browser),
        // never a navigation of this frame or of the app.
        element.setAttribute('target', '_blank');
        element.setAttribute('rel', 'noopener noreferrer');
      }
    }
    const src = element.getAttribute('src');
    if (src !== null && !allowedImage(src.trim())) {
      element.removeAttribute('src');
      if (/^https?:/i.test(src.trim()) || src.trim().startsWith('//')) state.blocked += 1;
    }
    const style = element.getAttribute('style');
    if (style !== null) {
      const clean = cleanCss(style);
      if (clean === '') element.removeAttribute('style');
      else if (clean !== style) element.setAttribute('style', clean);
    }
  });
  return purify;
}

function allowedImage(url: string): boolean {
  if (DATA_IMAGE.test(url)) return true;
  return state.allowRemoteImages && /^https:\/\//i.test(url);
}

/**
 * CSS that cannot fetch what is not allowed: no @import, no web fonts, no image-set(), url()
 * kept only for allowed images. CSS escapes could spell url( in a way no pattern sees, so a
 * style with a backslash is dropped whole.
 */
function cleanCss(css: string): string {
  if (css.includes('\\')) {
    state.blocked += /url|image/i.test(css) ? 1 : 0;
    return '';
  }
  return css
    .replace(/@import[^;]*;?/gi, '')
    .replace(/@font-face\s*\{[^}]*\}/gi, '')
    .replace(/(?:-webkit-)?image-set\s*\(/gi, 'blocked(')
    .replace(CSS_URL, (whole, quoted2: string | undefined, quoted1: string | undefined, bare: string | undefined) => {
      const url = (quoted2 ?? quoted1 ?? bare ?? '').trim();
      if (allowedImage(url)) return whole;
      if (url !== '') state.blocked += 1;
      return 'none';
    });
}

/**
 * Any HTML parsed in this window (DOMParser, a <template>, DOMPurify's own parse) shares the app's
 * CSP: each on* attribute and <base> makes Chromium report a blocked violation, a console error for
 * every hostile message although nothing would run. So inside tags, on*= is renamed to a data-
 * attribute (which DOMPurify then drops) and <base> to an unknown element before parsing. This is
 * noise reduction only, deliberately naive: DOMPurify's pass on the result is what makes it safe.
 */
function withoutHandlers(html: string): string {
  return html.replace(/<[a-z!?/][^>]*>/gi, (tag) =>
    tag.replace(/([\s/"'`])on([a-z-]*\s*=)/gi, '$1data-blocked-on$2').replace(/^<base\b/i, '<blocked-base'),
  );
}

/** Sanitizes one message's HTML for the message frame; counts the remote images it removed. */
export function sanitizeMailHtml(html: string, options: SanitizeOptions): SanitizedMail {
  state = { allowRemoteImages: options.allowRemoteImages, blocked: 0 };
  try {
    const clean = purifier.sanitize(withoutHandlers(html), CONFIG);
    return { html: clean, blockedImages: state.blocked };
  } finally {
    state = { allowRemoteImages: false, blocked: 0 };
  }
}
