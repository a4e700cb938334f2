import qrcode from 'qrcode-generator';

/** Modules of blank border around the code: the quiet zone ISO/IEC 18004 asks for. */
export const QUIET_ZONE = 4;

/**
 * A QR code (qrcode-generator, error correction M) as one SVG path of unit squares, one per dark
 * module, offset by the quiet zone; `size` is the side in modules, quiet zone included. One path,
 * not one element per module: an otpauth URI makes a code of about 50 × 50 modules.
 */
export function qrPath(text: string): { size: number; path: string } {
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  const count = code.getModuleCount();
  const squares: string[] = [];
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (code.isDark(row, col)) squares.push(`M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`);
    }
  }
  return { size: count + 2 * QUIET_ZONE, path: squares.join('') };
}
