// Reading a large response (a space's buildings) while reporting how much has arrived.

/**
 * The body of `response` as bytes. While it arrives, `onProgress` gets the percentage (when the server sent a
 * Content-Length); at the end it gets null.
 * @param {Response} response
 * @param {(percent: number | null) => void} onProgress
 * @returns {Promise<ArrayBuffer>}
 */
export async function download(response, onProgress) {
  const total = Number(response.headers.get("Content-Length")) || 0;
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    if (total) onProgress(Math.round((received / total) * 100));
  }
  onProgress(null);
  const bytes = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) { bytes.set(c, at); at += c.length; }
  return bytes.buffer;
}
