// A mission file's field paths ("checkpoints[2].place.radiusM", as the server names a field in a 422): their keys, the
// value at one, setting one, the error of a refused save split into its field and reason, and the editor's control
// for that field. Pure functions: no DOM.

/**
 * The keys of a field path: "checkpoints[2].place.radiusM" → ["checkpoints", 2, "place", "radiusM"].
 * @param {string} path
 * @returns {(string | number)[]}
 */
export function parsePath(path) {
  /** @type {(string | number)[]} */
  const keys = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) keys.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return keys;
}

/**
 * The value at `path` in `object`, or undefined.
 * @param {any} object
 * @param {string} path
 */
export function getPath(object, path) {
  let at = object;
  for (const key of parsePath(path)) {
    if (at === null || typeof at !== "object") return undefined;
    at = at[key];
  }
  return at;
}

/**
 * Sets the value at `path`, making the objects and arrays on the way; `undefined` removes the key.
 * @param {any} object
 * @param {string} path
 * @param {unknown} value
 */
export function setPath(object, path, value) {
  const keys = parsePath(path);
  let at = object;
  keys.slice(0, -1).forEach((key, i) => {
    if (at[key] === null || typeof at[key] !== "object") at[key] = typeof keys[i + 1] === "number" ? [] : {};
    at = at[key];
  });
  const last = keys[keys.length - 1];
  if (value === undefined && !Array.isArray(at)) delete at[last];
  else at[last] = value;
  return object;
}

/**
 * A 422 invalid_field error's "field: reason" split in two; null for any other error.
 * @param {{ status?: number, code?: string, message?: string }} error
 * @returns {{ field: string, reason: string } | null}
 */
export function fieldError(error) {
  if (error?.status !== 422 || error?.code !== "invalid_field") return null;
  const text = String(error.message ?? "");
  const at = text.indexOf(": ");
  return at > 0 ? { field: text.slice(0, at), reason: text.slice(at + 2) } : { field: "", reason: text };
}

/**
 * The form's control for the field a 422 names: the same path, else the nearest control under it, else the one for
 * its nearest parent ("checkpoints[1].task" → the task's kind).
 * @param {string[]} fields  the form's paths, in order
 * @param {string} field
 * @returns {string | null}
 */
export function controlFor(fields, field) {
  if (!field) return null;
  if (fields.includes(field)) return field;
  const under = fields.find((f) => f.startsWith(`${field}.`) || f.startsWith(`${field}[`));
  if (under) return under;
  const keys = parsePath(field);
  for (let n = keys.length - 1; n > 0; n--) {
    const parent = keys.slice(0, n).reduce((p, k) => (typeof k === "number" ? `${p}[${k}]` : p ? `${p}.${k}` : k), "");
    const near = fields.find((f) => f === parent || f.startsWith(`${parent}.`) || f.startsWith(`${parent}[`));
    if (near) return near;
  }
  return null;
}
