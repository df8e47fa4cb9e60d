// The visitor's own life log. It is kept in this browser and synced to the server only sealed with
// a key derived here from a passphrase the server never receives: PBKDF2-SHA256 (600,000
// iterations) → AES-256-GCM, random salt and nonce. The Swift SDK reads and writes the same
// envelope (Tests/Fixtures/privacy/vault-vectors.json). A lost passphrase means lost data.
const KEY = "bitgoeul.lifelog";
const ENTRIES_MAX = 5000;
export const ITERATIONS = 600000;
const AAD = new TextEncoder().encode("bitgoeul-lifelog-v1");

const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
const unb64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const random = (n) => crypto.getRandomValues(new Uint8Array(n));

/** Entries kept in this browser, oldest first. */
export function localEntries() {
  try {
    const entries = JSON.parse(localStorage.getItem(KEY) || "[]");
    return Array.isArray(entries) ? entries : [];
  } catch { return []; }
}

export function saveLocal(entries) {
  localStorage.setItem(KEY, JSON.stringify(entries.slice(-ENTRIES_MAX)));
}

/**
 * Whether an entry about to be added repeats one of `entries` from the last 10 minutes: the same kind and space, and
 * the same mission and checkpoint where it names them (a stamp: its title is in the language of the page that
 * earned it), else the same title.
 * @param {{ kind: string, at: number, space: string | null, title: string, mission?: string, checkpoint?: string }[]} entries
 * @param {{ kind: string, at: number, space: string | null, title: string, mission?: string, checkpoint?: string }} entry
 */
export function isRepeat(entries, entry) {
  const named = !!(entry.mission && entry.checkpoint);
  return entries.some((e) => e.kind === entry.kind && e.space === entry.space && entry.at - e.at < 600000 &&
    (named ? e.mission === entry.mission && e.checkpoint === entry.checkpoint : e.title === entry.title));
}

/**
 * Adds what just happened (visit, exhibition, tourStop, mission); a repeat within 10 minutes is skipped. `ids` names
 * what the entry is about beyond its space (a mission's entry: the mission and the checkpoint).
 * @param {string} kind
 * @param {string | null} space
 * @param {string} title
 * @param {{ mission?: string, checkpoint?: string }} [ids]
 */
export function record(kind, space, title, ids = {}) {
  const entries = localEntries();
  const entry = { kind, at: Date.now(), space, title: String(title).slice(0, 200), ...ids };
  if (isRepeat(entries, entry)) return;
  entries.push(entry);
  saveLocal(entries);
}

/** The union of two logs, oldest first, without duplicates. */
export function merge(a, b) {
  const seen = new Map();
  for (const e of [...a, ...b]) seen.set(`${e.kind}|${e.at}|${e.space}|${e.title}`, e);
  return [...seen.values()].sort((x, y) => x.at - y.at).slice(-ENTRIES_MAX);
}

async function deriveKey(passphrase, salt, iterations) {
  const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(passphrase), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, base,
    { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

/** Seals `plaintext` (bytes) into a vault envelope; salt and nonce are random unless given. */
export async function seal(plaintext, passphrase, { salt = random(16), nonce = random(12), iterations = ITERATIONS } = {}) {
  const key = await deriveKey(passphrase, salt, iterations);
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce, additionalData: AAD }, key, plaintext);
  return {
    format: "bitgoeul-lifelog", version: 1,
    kdf: { name: "PBKDF2-SHA256", iterations, salt: b64(salt) },
    cipher: { name: "AES-256-GCM", nonce: b64(nonce) },
    ciphertext: b64(sealed),
  };
}

/**
 * Opens an envelope; throws when the passphrase is wrong or the blob was changed (the error's `code` is
 * "wrongPassphrase"), or when it is no vault of this format ("notAVault").
 */
export async function open(envelope, passphrase) {
  if (envelope?.format !== "bitgoeul-lifelog" || envelope.version !== 1) {
    throw Object.assign(new Error("not a version 1 life-log vault"), { code: "notAVault" });
  }
  const key = await deriveKey(passphrase, unb64(envelope.kdf.salt), envelope.kdf.iterations);
  try {
    return new Uint8Array(await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: unb64(envelope.cipher.nonce), additionalData: AAD }, key, unb64(envelope.ciphertext)));
  } catch {
    throw Object.assign(new Error("wrong passphrase, or the vault was altered"), { code: "wrongPassphrase" });
  }
}
