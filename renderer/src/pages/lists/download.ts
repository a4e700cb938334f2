/**
 * Saves text as a file the way a browser does for a link with `download`: a blob URL clicked
 * once, then released. (In the desktop app Electron turns it into its save dialog.)
 */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Later, so the download has started reading the blob.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
