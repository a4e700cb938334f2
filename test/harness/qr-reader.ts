import jsQRModule from 'jsqr';
import type { Browser, Locator } from 'playwright-core';

// jsqr is CommonJS built from ES module source: under NodeNext its default import is module.exports,
// whose `default` is the reader (the same function at run time).
export const jsQR = jsQRModule.default;

/**
 * What a QR code on screen says, as a phone would read it: the element's screenshot (the pixels the
 * user sees) decoded into RGBA by Chromium in a blank page of its own (no app CSP), read by jsQR.
 */
export async function readQrCode(browser: Browser, element: Locator): Promise<string | null> {
  const png = (await element.screenshot()).toString('base64');
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const { width, height, pixels } = await page.evaluate(async (source) => {
      const image = new Image();
      image.src = `data:image/png;base64,${source}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const drawing = canvas.getContext('2d')!;
      drawing.drawImage(image, 0, 0);
      const data = drawing.getImageData(0, 0, canvas.width, canvas.height).data;
      return { width: canvas.width, height: canvas.height, pixels: Array.from(data) };
    }, png);
    return jsQR(Uint8ClampedArray.from(pixels), width, height)?.data ?? null;
  } finally {
    await context.close();
  }
}
