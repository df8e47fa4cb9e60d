// The HTTP API with the session token kept in localStorage; errors carry the server's message, the HTTP status and
// the error's code (`{ error: { code, message } }`).
export function token() { return localStorage.getItem("bitgoeul.token"); }

export async function api(method, path, body) {
  const current = token();
  const res = await fetch(path, {
    method, headers: { "Content-Type": "application/json", ...(current ? { Authorization: `Bearer ${current}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status === 204) return null;
  const data = await res.json();
  if (!res.ok) {
    const error = new Error(data.error?.message || `HTTP ${res.status}`);
    throw Object.assign(error, { status: res.status, code: data.error?.code });
  }
  return data;
}
