import { describe, expect, it } from 'vitest';
import { QUIET_ZONE, qrPath } from '../../server/admin-ui/src/lib/qr-path.js';
import { jsQR } from '../harness/qr-reader.js';

const PIXELS_PER_MODULE = 4;

/** Paints the path's unit squares (`M{x} {y}h1v1h-1z`) black on white, as the SVG would show it. */
function rasterize({ size, path }: { size: number; path: string }): { data: Uint8ClampedArray; side: number } {
  const side = size * PIXELS_PER_MODULE;
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const [, x, y] of path.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    for (let dy = 0; dy < PIXELS_PER_MODULE; dy++) {
      for (let dx = 0; dx < PIXELS_PER_MODULE; dx++) {
        const offset = ((Number(y) * PIXELS_PER_MODULE + dy) * side + Number(x) * PIXELS_PER_MODULE + dx) * 4;
        data.fill(0, offset, offset + 3);
      }
    }
  }
  return { data, side };
}

describe('qrPath (the admin UI’s 2FA QR code)', () => {
  it('draws a code an independent reader (jsQR) decodes back to the otpauth URI', () => {
    const uri =
      'otpauth://totp/Clientele:ada.admin%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Clientele&algorithm=SHA1&digits=6&period=30';
    const drawn = qrPath(uri);
    const { data, side } = rasterize(drawn);
    expect(jsQR(data, side, side)?.data).toBe(uri);
  });

  it('keeps the quiet zone blank and only draws whole unit squares', () => {
    const { size, path } = qrPath('otpauth://totp/x?secret=ABC');
    const squares = [...path.matchAll(/M(\d+) (\d+)h1v1h-1z/g)].map(([, x, y]) => [Number(x), Number(y)]);
    expect(squares.length).toBeGreaterThan(0);
    expect(path.replace(/M\d+ \d+h1v1h-1z/g, '')).toBe('');
    for (const [x, y] of squares) {
      expect(x).toBeGreaterThanOrEqual(QUIET_ZONE);
      expect(y).toBeGreaterThanOrEqual(QUIET_ZONE);
      expect(x).toBeLessThan(size - QUIET_ZONE);
      expect(y).toBeLessThan(size - QUIET_ZONE);
    }
  });

  it('draws nothing a reader accepts when a module is wrong (the check is not vacuous)', () => {
    const uri = 'otpauth://totp/Clientele:rep?secret=JBSWY3DPEHPK3PXP&issuer=Clientele';
    const drawn = qrPath(uri);
    // Blank the three finder patterns' top-left one: no reader can locate the code.
    const broken = drawn.path.replace(/M(\d+) (\d+)h1v1h-1z/g, (square, x: string, y: string) =>
      Number(x) < QUIET_ZONE + 7 && Number(y) < QUIET_ZONE + 7 ? '' : square,
    );
    const { data, side } = rasterize({ size: drawn.size, path: broken });
    expect(jsQR(data, side, side)?.data).not.toBe(uri);
  });
});
