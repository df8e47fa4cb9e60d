// The HTTP API with the session token kept in localStorage; errors carry the server's message, the HTTP status and
// the error's code (`{ error: { code, message } }`).
export function token() { return localStorage.getItem("bitgoeul.token"); }

/**
 * One request: resolves to the HTTP status and the decoded answer (null for 204), or throws an Error with the
 * server's message, `status` and `code`.
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
    const error = new Error(data.error?.message || `HTTP ${res.status}`);
    throw Object.assign(error, { status: res.status, code: data.error?.code });
  }
  return { status: res.status, data };
}

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 */
export async function api(method, path, body) {
  return (await request(method, path, body)).data;
}
