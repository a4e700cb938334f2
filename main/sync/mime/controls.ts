/**
 * Removes C0 and C1 control characters (tabs and line breaks become spaces) from a header-derived
 * string: subjects, display names and file names end up in lists, logs and the CLI's terminal
 * output, where an escape sequence (ESC [31m) or a bell has no business. Bodies are left alone.
 */
export function withoutControls(value: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return value.replace(/[\t\n\r]/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}
