// Travel between the cities of a federation (docs/federation.md), without the page: what a page's fragment asks
// for, the addresses of another city's page and of the way home, the ticket from the home server, and the peer
// cities this one knows.
//
// A trip goes like this. At home, a portal (the server's `travel`) or the teleport menu asks the home server for a
// ticket and opens the destination's page with it in the fragment (`#visit=`): the fragment never reaches a
// server, and the page clears it at once so the ticket does not stay in the history. That page sends `visit`
// instead of `hello`. A visitor who wants to go on to a third city goes home first (`#travel=city&space=…`), where
// the home server gives the next ticket; `#home` brings a visitor back home as the persona they left as.
import { api } from "./api.js";

/** localStorage: bring my blocks along ("1"), a choice kept for every trip. */
export const BRING_BLOCKS_KEY = "bitgoeul.bringBlocks";
/** sessionStorage, at home: the persona this tab entered as, to travel and to come back as. */
const PERSONA_KEY = "bitgoeul.persona";
/** sessionStorage, at a destination: the `visiting` message, so this tab still knows its way home. */
const VISIT_KEY = "bitgoeul.visit";

/**
 * What a page's fragment asks for: to arrive with a travel ticket (and where home is, for when the city cannot be
 * reached), to go on to another city from home, or to be back home.
 * @typedef {{ kind: "visit", ticket: string, home: string | null } | { kind: "travel", city: string, space: string } |
 *   { kind: "home" }} Arrival
 */
/**
 * Where a visitor comes from (the server's `visiting`).
 * @typedef {{ home: string, homeName: string, homeUrl: string }} Home
 */
/**
 * A peer city as `GET /api/v1/travel/cities` lists it.
 * @typedef {{ latitude: number, longitude: number }} Place
 * @typedef {{ id: string, name: { ko?: string, en?: string } }} EntryPoint
 * @typedef {{ id: string, name: string, url: string, acceptsVisitors: boolean, sendsTravellers: boolean,
 *   status: "up" | "down" | "unknown" | "wrongId" | "keyMismatch", place: Place | null, entryPoints: EntryPoint[] }} City
 * @typedef {{ me: { id: string, name: string, place: Place | null }, cities: City[] }} Cities
 */
/**
 * The home server's answer to a ticket request.
 * @typedef {{ city: string, url: string, page: string, ticket: string, space: string, expiresAt: number }} Ticket
 */

/**
 * Reads a fragment (`location.hash`, with or without its `#`).
 * @param {string} hash
 * @returns {Arrival | null}
 */
export function parseArrival(hash) {
  const fields = new URLSearchParams(hash.replace(/^#/, ""));
  const ticket = fields.get("visit");
  if (ticket) return { kind: "visit", ticket, home: httpBase(fields.get("home") ?? "") };
  const city = fields.get("travel");
  const space = fields.get("space");
  if (city && space) return { kind: "travel", city, space };
  if (fields.has("home")) return { kind: "home" };
  return null;
}

/**
 * Reads what the page's fragment asks for and, when it asks for something, removes it from the address and the
 * history.
 * @param {{ hash: string, pathname: string, search: string }} [at]
 * @param {{ state: any, replaceState: (state: any, unused: string, url: string) => void }} [past]
 * @returns {Arrival | null}
 */
export function takeArrival(at = location, past = history) {
  const arrival = parseArrival(at.hash);
  if (arrival) past.replaceState(past.state, "", at.pathname + at.search);
  return arrival;
}

/**
 * `url` without its trailing slashes when it is an http(s) address, else null: addresses from a fragment or a
 * server become links, and a `javascript:` one must never.
 * @param {string} url
 * @returns {string | null}
 */
export function httpBase(url) {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
    return parsed.href.replace(/[?#].*$/, "").replace(/\/+$/, "");
  } catch {
    return null;
  }
}

/**
 * The destination's page with the ticket in the fragment, in the page's language, and where home is.
 * @param {string} page  the ticket answer's `page`
 * @param {string} ticket
 * @param {{ home: string, lang: string }} options
 */
export function visitUrl(page, ticket, { home, lang }) {
  const url = new URL(page);
  url.searchParams.set("lang", lang);
  url.hash = "";
  return `${url.href}#visit=${encodeURIComponent(ticket)}&home=${encodeURIComponent(home)}`;
}

/**
 * The home city's space page, as the persona this tab left as (`#home`); in `space` when given.
 * @param {string} homeUrl  the home server's base URL
 * @param {{ lang: string, space?: string }} options
 */
export function homePage(homeUrl, { lang, space }) {
  const query = new URLSearchParams(space ? { space, lang } : { lang });
  return `${homeUrl.replace(/\/+$/, "")}/space.html?${query}#home`;
}

/**
 * Where a visitor goes for a portal to `space` in `city`: home, into that space, when `city` is home; otherwise
 * home first, which gives the ticket to `city` (`#travel=`).
 * @param {Home} visit
 * @param {string} city
 * @param {string} space
 * @param {string} lang
 */
export function onwardUrl(visit, city, space, lang) {
  if (city === visit.home) return homePage(visit.homeUrl, { lang, space });
  const base = visit.homeUrl.replace(/\/+$/, "");
  const fragment = `travel=${encodeURIComponent(city)}&space=${encodeURIComponent(space)}`;
  return `${base}/space.html?lang=${encodeURIComponent(lang)}#${fragment}`;
}

/**
 * The claims of a travel ticket (`bt1.<base64url JSON>.<signature>`) the page may use before the server answers:
 * the arrival space, and the persona's name and look. They are the traveller's own; the server checks the ticket.
 * @param {string} ticket
 * @returns {{ space: string | null, name: string | null, appearance: Record<string, any> | null } | null}
 */
export function ticketClaims(ticket) {
  const [prefix, body] = ticket.split(".");
  if (prefix !== "bt1" || !body) return null;
  try {
    const b64 = body.replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, "="));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    if (!claims || typeof claims !== "object") return null;
    const text = (v) => (typeof v === "string" ? v : null);
    return { space: text(claims.space), name: text(claims.name),
      appearance: claims.appearance && typeof claims.appearance === "object" ? claims.appearance : null };
  } catch {
    return null;
  }
}

/**
 * Asks the home server for a ticket to `space` in `city` for persona `personaId` (needs the session).
 * @param {{ personaId: number, city: string, space: string, lang: string, bringBlocks: boolean }} request
 * @returns {Promise<Ticket>}
 */
export function requestTicket(request) {
  return api("POST", "/api/v1/travel/tickets", request);
}

/**
 * The locale key that explains why no ticket came (`error` from `requestTicket`); the strings take `{city}` and
 * `{message}`.
 * @param {{ status?: number, code?: string }} error
 */
export function ticketProblem(error) {
  if (error.status === 401) return "travelSignIn";
  if (error.code === "unknown_city" || error.code === "not_federated") return "travelUnknownCity";
  if (error.code === "unknown_space") return "travelUnknownSpace";
  if (error.status === 404) return "travelNoPersona";
  if (error.status === 403) return "travelNotAllowed";
  // Down at the home server's last look, or not showing the key pinned for it.
  if (error.code === "peer_unavailable" || error.code === "peer_unreachable") return "cityUnreachable";
  return "travelFailed";
}

/**
 * The cities this server federates with, or null when it federates with none (404, or an answer without `me`) or
 * cannot say.
 * @returns {Promise<Cities | null>}
 */
export async function fetchCities() {
  try {
    const res = await fetch("/api/v1/travel/cities");
    const cities = res.ok ? await res.json() : null;
    return cities?.me ? cities : null;
  } catch {
    return null;
  }
}

/** Whether the traveller brings their blocks along (off unless they chose it). */
export function bringsBlocks() { return localStorage.getItem(BRING_BLOCKS_KEY) === "1"; }

/** @param {boolean} on */
export function setBringsBlocks(on) {
  if (on) localStorage.setItem(BRING_BLOCKS_KEY, "1"); else localStorage.removeItem(BRING_BLOCKS_KEY);
}

/** Remembers, for this tab at home, the persona it entered as. @param {number} personaId */
export function rememberPersona(personaId) { sessionStorage.setItem(PERSONA_KEY, String(personaId)); }

/** The persona this tab last entered as at home, or 0. */
export function rememberedPersona() { return Number(sessionStorage.getItem(PERSONA_KEY)) || 0; }

/** Remembers, for this tab at a destination, where home is. @param {Home} visit */
export function rememberVisit(visit) { sessionStorage.setItem(VISIT_KEY, JSON.stringify(visit)); }

/**
 * Where this tab's home is, when it came here as a visitor; null otherwise.
 * @returns {Home | null}
 */
export function rememberedVisit() {
  try {
    const visit = JSON.parse(sessionStorage.getItem(VISIT_KEY) ?? "null");
    return visit && typeof visit.homeUrl === "string" && httpBase(visit.homeUrl) ? visit : null;
  } catch {
    return null;
  }
}
