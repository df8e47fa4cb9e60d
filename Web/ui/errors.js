// The server's errors in words (`{ error: { code, message } }`, thrown by net/api.js with `status` and `code`): each
// code the pages know has its locale key; the server's own English message is shown only for a code this page does
// not know, and then inside a localized frame ("The server said: …"). An error without an HTTP status never reached
// the server. Pure functions: no DOM, no requests.
import { t } from "./i18n.js";

/** @typedef {{ status?: number, code?: string, message?: string, field?: string }} ServerError */

/**
 * Every error code the server sends (`APIError` and the connection guard in Sources/BitgoeulServer; docs/missions.md,
 * §3; docs/planning.md) with its string; unknown_layer is the real-time error 22's. Codes a person can act on alike share one: a request this page should not have made (reload
 * it), map data that is not there, another city not answering. Web/tests/errors.test.mjs checks that no code of the
 * server's is missing.
 */
export const ERROR_KEYS = Object.freeze({
  // Proposals (docs/planning.md): a refused field, the period, the discussion's rules, the layer
  invalid: "serverError_invalidField",
  closed: "serverError_proposalClosed",
  not_open: "serverError_notOpen",
  edit_window_passed: "serverError_editWindowPassed",
  reply_depth: "serverError_replyDepth",
  rate_limited: "serverError_tooMany",
  not_signed_in: "serverError_unauthorized",
  unknown_layer: "serverError_unknownLayer",
  not_closed: "serverError_reportNotReady",
  unknown_persona: "serverError_unknownPersona",
  sanctioned: "serverError_sanctioned",
  conflict: "serverError_conflict",
  // Missions
  not_there: "missionNotThere",
  not_in_world: "missionNotInWorld",
  // Any request
  too_many: "serverError_tooMany",
  not_allowed: "serverError_notAllowed",
  not_found: "serverError_notFound",
  invalid_field: "serverError_invalidField",
  limit: "serverError_limit",
  busy: "serverError_busy",
  full: "serverError_busy",
  database_unavailable: "serverError_databaseUnavailable",
  unauthorized: "serverError_unauthorized",
  internal: "serverError_internal",
  bad_request: "serverError_badRequest",
  method_not_allowed: "serverError_badRequest",
  unsupported_media_type: "serverError_badRequest",
  too_large: "serverError_tooLarge",
  headers_too_large: "serverError_tooLarge",
  request_timeout: "serverError_requestTimeout",
  elsewhere: "serverError_elsewhere",
  not_here: "serverError_elsewhere",
  // Accounts and personas
  invalid_credentials: "serverError_invalidCredentials",
  too_many_attempts: "serverError_tooManyAttempts",
  username_taken: "serverError_usernameTaken",
  name_taken: "serverError_nameTaken",
  persona_limit: "serverError_personaLimit",
  password_wrong: "serverError_passwordWrong",
  vault_changed: "serverError_vaultChanged",
  // The world and its statistics
  unknown_space: "serverError_unknownSpace",
  unknown_asset: "serverError_noMapData",
  unknown_boundaries: "serverError_noMapData",
  no_asset: "serverError_noMapData",
  no_solar_analysis: "serverError_noSolarAnalysis",
  future_hour: "serverError_futureHour",
  future_date: "serverError_futureDate",
  not_released: "serverError_notReleased",
  // Moderation and transparency
  already_closed: "serverError_alreadyClosed",
  guest_target: "serverError_guestTarget",
  empty_log: "serverError_emptyLog",
  // Federation and the cluster
  not_federated: "serverError_notFederated",
  unknown_city: "serverError_unknownCity",
  peer_unavailable: "serverError_peerUnavailable",
  peer_unreachable: "serverError_peerUnavailable",
  parcel_refused: "serverError_parcelRefused",
});

/** An answer without a code (a proxy's, say) read by its HTTP status. */
const BY_STATUS = {
  400: "bad_request", 401: "unauthorized", 403: "not_allowed", 404: "not_found", 408: "request_timeout",
  413: "too_large", 429: "too_many", 500: "internal", 503: "busy",
};

/**
 * The code `error` stands for: its own; for the server's catch-all `http_<status>` (a client error it has no code
 * for), the status's, else bad_request; without a code, its status's.
 * @param {ServerError} error
 * @returns {string | undefined}
 */
function codeOf(error) {
  const code = error?.code;
  if (code && /^http_\d+$/.test(code)) return BY_STATUS[Number(code.slice(5))] ?? "bad_request";
  return code || (error?.status ? BY_STATUS[error.status] : undefined);
}

/**
 * The locale key for `error`, or null when this page does not know its code. `special` maps codes to the keys a
 * request gives them (an answer's too_many is too many wrong answers; a fix's is the rate refusal).
 * @param {ServerError} error
 * @param {Record<string, string>} [special]
 * @returns {string | null}
 */
export function errorKey(error, special = {}) {
  const code = codeOf(error);
  if (!code) return null;
  if (Object.hasOwn(special, code)) return special[code];
  return Object.hasOwn(ERROR_KEYS, code) ? ERROR_KEYS[code] : null;
}

/**
 * The field a 422 invalid_field names ("checkpoints[2].place.radiusM: must be …" → "checkpoints[2].place.radiusM"),
 * or "" when it names none.
 * @param {string | undefined} message
 */
function fieldOf(message) {
  const text = String(message ?? "");
  const at = text.indexOf(": ");
  return at > 0 ? text.slice(0, at) : "";
}

/**
 * The server's own message in the page's frame ("The server said: …"): the last resort for a code this page does
 * not know.
 * @param {string | undefined} message
 */
export function serverSaid(message) {
  return t("serverSaid", { message: message ?? "" });
}

/**
 * `error` in words: its code's string; for a request that never reached the server, "cannot reach the server"; else
 * the server's message, framed.
 * @param {ServerError} error
 * @param {Record<string, string>} [special]  see errorKey
 * @param {Record<string, string>} [fields]  the keys a page gives an invalid_field of its own fields (the rules of a
 *   username, say), by the field's name
 */
export function errorText(error, special = {}, fields = {}) {
  const key = errorKey(error, special);
  if (key === ERROR_KEYS.invalid_field) {
    const field = error.field || fieldOf(error.message);
    if (field && Object.hasOwn(fields, field)) return t(fields[field]);
    return field ? t(key, { field }) : serverSaid(error.message);
  }
  if (key) return t(key);
  if (!error?.status && !error?.code) return t("unreachable", { message: error?.message ?? "" });
  return serverSaid(error.message || (error.status ? `HTTP ${error.status}` : error.code));
}
