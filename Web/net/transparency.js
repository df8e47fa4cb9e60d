// Checks the transparency log's answers in the browser: each entry's RFC 6962 inclusion proof
// against the tree head, and the head's Ed25519 signature against the server's published key.
const hex = (bytes) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
const unhex = (/** @type {string} */ text) => Uint8Array.from(text.match(/../g) || [], (h) => parseInt(h, 16));

async function sha256(...parts) {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { all.set(p, at); at += p.length; }
  return new Uint8Array(await crypto.subtle.digest("SHA-256", all));
}

export const leafHash = async (text) => sha256(Uint8Array.of(0), new TextEncoder().encode(text));
const nodeHash = (left, right) => sha256(Uint8Array.of(1), left, right);

/** RFC 9162 §2.1.3.2: whether `proof` (hex strings) puts `leaf` at `index` of the tree (`size`, `rootHex`). */
export async function verifyInclusion(leaf, index, size, proof, rootHex) {
  if (index < 0 || index >= size) return false;
  let fn = index, sn = size - 1, r = leaf;
  for (const p of proof.map(unhex)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && hex(r) === rootHex;
}

/** True, false, or null when this browser's WebCrypto has no Ed25519. */
export async function verifyHead(head) {
  try {
    const key = await crypto.subtle.importKey("raw", Uint8Array.from(atob(head.publicKey), (c) => c.charCodeAt(0)),
      { name: "Ed25519" }, false, ["verify"]);
    const signature = Uint8Array.from(atob(head.signature), (c) => c.charCodeAt(0));
    return await crypto.subtle.verify({ name: "Ed25519" }, key, signature, new TextEncoder().encode(head.signedMessage));
  } catch (error) {
    return error?.name === "NotSupportedError" ? null : false;
  }
}

/** The access log with each entry marked `verified` (proof and, where supported, signature). */
export async function checkedAccessLog(body) {
  if (!body.treeHead) return { signature: null, entries: [] };
  const signature = await verifyHead(body.treeHead);
  const entries = [];
  for (const item of body.entries) {
    const leaf = await leafHash(item.entry);
    const proven = hex(leaf) === item.leafHash &&
      await verifyInclusion(leaf, item.index, body.treeHead.size, item.inclusionProof, body.treeHead.rootHash);
    entries.push({ ...JSON.parse(item.entry), index: item.index, verified: proven && signature !== false });
  }
  return { signature, entries };
}
