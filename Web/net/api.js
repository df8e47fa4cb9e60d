// The HTTP API with the session token kept in localStorage; errors carry the server's message, the HTTP status and
// the error's code (`{ error: { code, message } }`, or a proposal's flat `{ error, field, reason }`).
export function token() { return localStorage.getItem("bitgoeul.token"); }

/**
 * One request: resolves to the HTTP status and the decoded answer (null for 204), or throws an Error with the
 * server's message, `status` and `code` (and the refused `field` and its `reason` where the answer names them).
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<{ status: number, data: any }>}
 */
export async function request(method, path, body) {
  const current = token();
  const res = await fetch(path, {
    method, headers: { "Content-Type": "application/json", ...(current ? { Authorization: `Bearer ${current}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status === 204) return { status: 204, data: null };
  const data = await res.json();
  if (!res.ok) {
    const { code, message, field, reason } = errorOf(data);
    const error = new Error(message || `HTTP ${res.status}`);
    throw Object.assign(error, { status: res.status, code, field, reason });
  }
  return { status: res.status, data };
}

/**
 * An error answer's parts: `{ error: { code, message } }`, or the flat `{ error: code, field, reason }` of a refused
 * proposal (docs/planning.md), whose message is then "field: reason" as an invalid_field's.
 * @param {any} data
 * @returns {{ code?: string, message?: string, field?: string, reason?: string }}
 */
export function errorOf(data) {
  if (typeof data?.error === "string") {
    const { field, reason } = data;
    const message = data.message || [field, reason].filter(Boolean).join(": ");
    return { code: data.error, message, field, reason };
  }
  return { code: data?.error?.code, message: data?.error?.message, field: data?.error?.field, reason: data?.error?.reason };
}

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 */
export async function api(method, path, body) {
  return (await request(method, path, body)).data;
}
