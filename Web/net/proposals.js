// The proposals API (docs/planning.md): a space's plans, each version's effects (computed once by a background job:
// 202 while queued or running), the ballot and the discussion. Anyone reads; voting, commenting and reporting need a
// session and one of its personas. The shapes below are the contract's; pure helpers for the panel follow.
import { api, request } from "./api.js";

/** @typedef {{ ko: string, en: string }} Text */
/** @typedef {{ support: number, oppose: number }} Tally */
/** @typedef {"support" | "oppose" | "none"} Stance */
/**
 * @typedef {object} Summary
 * @property {string} id
 * @property {string} space
 * @property {number} version
 * @property {Text} title
 * @property {Text} description
 * @property {{ opens: string, closes: string }} period
 * @property {"draft" | "open" | "closed"} state
 * @property {Tally} tally
 * @property {number} comments
 */
/**
 * A change in the space's frame: metres east and north of its anchor.
 * @typedef {object} Change
 * @property {"add_building" | "add_model" | "remove_buildings" | "close_area" | "crowd"} kind
 * @property {string} [id]
 * @property {[number, number][]} [ring]  a footprint, a model's outline or a closed area
 * @property {number} [heightM]
 * @property {[number, number]} [at]  a model's place
 * @property {number} [headingDeg]  a model's turn, clockwise from north
 * @property {string} [url]  a model's GLB
 * @property {string[]} [ids]  removed buildings
 * @property {number} [agents]
 * @property {number} [exits]
 */
/**
 * A version as the API shows it: `myStance` (null without a vote) on a signed-in request, `report` once closed.
 * @typedef {Summary & { versions: number[], changes: Change[], effects?: { state: string, progress?: number },
 *   myStance?: Stance | null, report?: string | null }} View
 */
/**
 * @typedef {object} Roof
 * @property {string} id
 * @property {string} [name]
 * @property {number} roofAreaM2
 * @property {number} beforeKWh
 * @property {number} afterKWh
 * @property {number} deltaKWh
 * @property {number} deltaPercent
 */
/**
 * @typedef {object} ShadowDay
 * @property {string} date
 * @property {string} addedSteps  base64, one signed byte per cell, row-major from the south-west
 * @property {number} maxAddedH
 * @property {number} cellsOver2h
 */
/**
 * @typedef {object} Shadow
 * @property {number} originE
 * @property {number} originN
 * @property {number} cellM
 * @property {number} cols
 * @property {number} rows
 * @property {number} stepMin
 * @property {string} from
 * @property {string} to
 * @property {ShadowDay} winter
 * @property {ShadowDay} summer
 */
/**
 * A crowd scenario's run; no `evacuationS` when someone was still inside at its end.
 * @typedef {{ agents: number, exited: number, evacuationS?: number | null, peakDensity: number }} CrowdRun
 */
/**
 * A crowd scenario's peak density in each cell over its run, today and with the plan: base64 of one unsigned byte a
 * cell (0.05 persons/m² a unit, capped at 255), row-major from the south-west, in the frame of the shadow grid.
 * Absent from effects computed before the map was.
 * @typedef {{ originE: number, originN: number, cellM: number, cols: number, rows: number, today: string,
 *   proposed: string }} CrowdDensity
 */
/**
 * Done (with `solar`, `shadow` and `crowd`, each null or absent when the proposal has nothing for it), on the way
 * (`progress`), or failed (`reason`).
 * @typedef {object} Effects
 * @property {"queued" | "running" | "done" | "failed"} state
 * @property {number} [progress]
 * @property {string} [reason]
 * @property {number} [version]
 * @property {number} [seconds]
 * @property {{ year: number, roofs: Roof[], lostKWh: number, gainedKWh: number,
 *   proposed: { id: string, roofAreaM2: number, kwhPerM2: number, annualKWh: number }[] } | null} [solar]
 * @property {Shadow | null} [shadow]
 * @property {{ today: CrowdRun, proposed: CrowdRun, densityCellM: number, density?: CrowdDensity } | null} [crowd]
 */
/**
 * @typedef {object} Comment
 * @property {number | string} id
 * @property {number} version
 * @property {number | string | null} parent
 * @property {string} author  the persona's name
 * @property {boolean} planner  an answer in the planner's name
 * @property {string} text
 * @property {string} createdAt
 * @property {string | null} editedAt
 * @property {boolean} mine
 * @property {Comment[]} replies
 */

/** The most characters a comment may have. */
export const COMMENT_MAX = 1000;
/** How long its author may edit a comment. */
export const EDIT_WINDOW_MS = 10 * 60 * 1000;
/** How often the effects are asked for while they are computed. */
export const EFFECTS_POLL_MS = 1500;
export const STANCES = ["support", "oppose", "none"];

/** "seoul/yeouido" → the space's proposals path. @param {string} spaceId */
export function proposalsPath(spaceId) {
  const [region, name] = spaceId.split("/");
  return `/api/v1/spaces/${encodeURIComponent(region)}/${encodeURIComponent(name)}/proposals`;
}

/** @param {string} spaceId @param {string} id */
const one = (spaceId, id) => `${proposalsPath(spaceId)}/${encodeURIComponent(id)}`;
/** `path` asking for `version` when one is given. @param {string} path @param {number} [version] */
const versioned = (path, version) => (version ? `${path}?version=${version}` : path);

/** @param {string} spaceId @returns {Promise<Summary[]>} */
export async function listProposals(spaceId) {
  return (await api("GET", proposalsPath(spaceId))).proposals;
}

/** The latest version, or `version`. @param {string} spaceId @param {string} id @param {number} [version] */
export function getProposal(spaceId, id, version) {
  return /** @type {Promise<View>} */ (api("GET", versioned(one(spaceId, id), version)));
}

/**
 * The effects as they stand: done or failed (200), or queued or running with their progress (202).
 * @param {string} spaceId
 * @param {string} id
 * @param {number} [version]
 * @returns {Promise<Effects>}
 */
export async function getEffects(spaceId, id, version) {
  return (await request("GET", versioned(`${one(spaceId, id)}/effects`, version))).data;
}

/**
 * Asks for the effects every 1.5 s until they are done or failed; `onProgress` hears each answer on the way.
 * Resolves to null once `wanted()` turns false (another proposal was chosen meanwhile).
 * @param {string} spaceId
 * @param {string} id
 * @param {number} version
 * @param {{ onProgress?: (effects: Effects) => void, wanted?: () => boolean, intervalMs?: number }} [options]
 * @returns {Promise<Effects | null>}
 */
export async function waitForEffects(spaceId, id, version, options = {}) {
  const { onProgress = () => {}, wanted = () => true, intervalMs = EFFECTS_POLL_MS } = options;
  for (;;) {
    if (!wanted()) return null;
    const effects = await getEffects(spaceId, id, version);
    if (!wanted()) return null;
    if (effects.state === "done" || effects.state === "failed") return effects;
    onProgress(effects);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Votes for the latest version as `persona` (one voice per account: another persona's vote replaces it).
 * @param {string} spaceId
 * @param {string} id
 * @param {number} persona
 * @param {Stance} stance
 * @returns {Promise<{ version?: number, stance: Stance | null, tally: Tally }>}  stance null: none
 */
export function vote(spaceId, id, persona, stance) {
  return api("POST", `${one(spaceId, id)}/votes`, { persona, stance });
}

/** @param {string} spaceId @param {string} id @param {number} [version] @returns {Promise<Comment[]>} */
export async function listComments(spaceId, id, version) {
  return (await api("GET", versioned(`${one(spaceId, id)}/comments`, version))).comments;
}

/**
 * @param {string} spaceId
 * @param {string} id
 * @param {{ persona: number, text: string, parent?: number | string }} body
 * @returns {Promise<Comment>}
 */
export function postComment(spaceId, id, body) {
  return api("POST", `${one(spaceId, id)}/comments`, body);
}

/**
 * Its author, within 10 minutes.
 * @param {string} spaceId
 * @param {string} id
 * @param {number | string} cid
 * @param {string} text
 * @returns {Promise<Comment>}
 */
export function editComment(spaceId, id, cid, text) {
  return api("PATCH", `${one(spaceId, id)}/comments/${encodeURIComponent(cid)}`, { text });
}

/**
 * Its author, or a moderator of the space.
 * @param {string} spaceId
 * @param {string} id
 * @param {number | string} cid
 * @param {string} [reason]
 */
export async function deleteComment(spaceId, id, cid, reason) {
  await api("DELETE", `${one(spaceId, id)}/comments/${encodeURIComponent(cid)}`, reason ? { reason } : undefined);
}

/**
 * @param {string} spaceId
 * @param {string} id
 * @param {number | string} cid
 * @param {{ persona: number, category: string, note: string }} body  category: REPORT_CATEGORIES' (net/protocol.js)
 * @returns {Promise<{ report: number | string }>}
 */
export function reportComment(spaceId, id, cid, body) {
  return api("POST", `${one(spaceId, id)}/comments/${encodeURIComponent(cid)}/report`, body);
}

/** The frozen report's page, after the period. @param {string} spaceId @param {string} id */
export function reportPage(spaceId, id) { return `${one(spaceId, id)}/report.html`; }

/** Characters as the limit counts them (code points, so an emoji is one). @param {string} text */
export function commentLength(text) { return [...text].length; }

/**
 * Why `text` cannot be sent as a comment ("empty" or "tooLong"), or null when it can.
 * @param {string} text
 */
export function commentProblem(text) {
  const trimmed = text.trim();
  if (!trimmed) return "empty";
  return commentLength(trimmed) > COMMENT_MAX ? "tooLong" : null;
}

/**
 * Whether the reader may still edit `comment`: their own, within 10 minutes of its writing.
 * @param {Pick<Comment, "mine" | "createdAt">} comment
 * @param {number} [now]  ms since the epoch
 */
export function canEdit(comment, now = Date.now()) {
  const written = Date.parse(comment.createdAt);
  return !!comment.mine && Number.isFinite(written) && now - written < EDIT_WINDOW_MS;
}

/**
 * What a click on `clicked` asks for: that stance, or none when it is the one already taken.
 * @param {Stance | null | undefined} current
 * @param {"support" | "oppose"} clicked
 * @returns {Stance}
 */
export function nextStance(current, clicked) { return current === clicked ? "none" : clicked; }

/**
 * The roofs that lose (or gain) the most, largest change first: at most `n`.
 * @param {Roof[]} roofs
 * @param {number} [n]
 */
export function topRoofs(roofs, n = 10) {
  return [...roofs].sort((a, b) => Math.abs(b.deltaKWh) - Math.abs(a.deltaKWh)).slice(0, n);
}

/**
 * The comment `id` among `comments` and their replies, or null.
 * @param {Comment[]} comments
 * @param {number | string} id
 * @returns {Comment | null}
 */
export function findComment(comments, id) {
  for (const c of comments) {
    if (String(c.id) === String(id)) return c;
    const reply = (c.replies ?? []).find((r) => String(r.id) === String(id));
    if (reply) return reply;
  }
  return null;
}
