// The missions API (docs/missions.md, §2–§4): every endpoint, the shapes of what they send and receive, and the
// body of an answer. Missions are location games played online in the 3D client or on site with a phone; the server
// decides every arrival and nothing here claims one. An on-site fix's body and its pacing are in fixes.js.
import { api, request } from "./api.js";

/** @typedef {{ ko: string, en: string }} Text */
/**
 * A task as the mission file has it, or as a verdict shows it (answers never included there).
 * @typedef {object} Task
 * @property {string} kind  reach, question, artwork, meet or scheduled
 * @property {Text} [prompt]
 * @property {Text[]} [choices]
 * @property {string[]} [answers]  the file's accepted free answers (editor only)
 * @property {number} [answer]  the file's right choice (editor only)
 * @property {string} [artwork]  the file's catalogue id (editor only)
 * @property {string} [artist]
 * @property {number | string} [year]
 * @property {number} [players]
 * @property {number} [here]
 * @property {number} [needed]
 * @property {string} [at]
 * @property {number} [minutes]
 * @property {string} [opensAt]
 * @property {string} [closesAt]
 */
/**
 * @typedef {object} Checkpoint
 * @property {string} id
 * @property {Text} name
 * @property {{ latitude: number, longitude: number, radiusM: number }} place
 * @property {{ space: string, x: number, y: number, radiusM: number }} mirror
 * @property {Task} task
 * @property {Text} stamp
 */
/**
 * A mission: the file (the editor's source) or the view anyone may read (with `open`, `closed` and `opensAt`).
 * @typedef {object} Mission
 * @property {number} [format]
 * @property {string} id
 * @property {Text} title
 * @property {Text} story
 * @property {{ opens: string, closes: string }} [window]
 * @property {"ordered" | "free"} order
 * @property {boolean} [daylightOnly]
 * @property {{ accessory: string } | string} [reward]  the file's `{accessory}`; a view gives the accessory's name
 * @property {Checkpoint[]} checkpoints
 * @property {boolean} [open]
 * @property {string | null} [closed]  not_yet, ended or night
 * @property {string | null} [opensAt]
 */
/**
 * @typedef {object} Verdict
 * @property {string} checkpoint
 * @property {"onTheWay" | "inside" | "arrived" | "stamped" | "refused"} state
 * @property {number} [distanceM]
 * @property {number} [bearingDeg]  from north on site; online from the space's +y axis; clockwise
 * @property {number} [leftS]
 * @property {Task} [task]
 * @property {string} [reason]
 * @property {string} [message]
 */
/**
 * @typedef {object} Progress
 * @property {string} mission
 * @property {boolean} open
 * @property {string | null} closed
 * @property {string | null} opensAt
 * @property {string[]} stamps
 * @property {boolean} complete
 * @property {string | null} [reward]
 * @property {boolean} [rewardEarned]
 * @property {string | null} next
 * @property {Verdict} [verdict]
 */
/**
 * @typedef {object} Fix
 * @property {number} persona
 * @property {number} latitude
 * @property {number} longitude
 * @property {number} accuracyM
 * @property {number} timeS
 * @property {boolean} keepDate
 * @property {string} [checkpoint]
 */

/** Reward accessories a mission may give (docs/missions.md, §1). */
export const REWARDS = ["medal", "lanyard"];
/** The online check's period. */
export const CHECK_INTERVAL_MS = 2000;
/** The most characters a free answer may have (the server's limit). */
export const ANSWER_MAX = 200;

const path = (id) => `/api/v1/missions/${encodeURIComponent(id)}`;

/**
 * Every mission (without answers), or those using `space`.
 * @param {string} [space]
 * @returns {Promise<Mission[]>}
 */
export async function listMissions(space) {
  const query = space ? `?space=${encodeURIComponent(space)}` : "";
  return (await api("GET", `/api/v1/missions${query}`)).missions;
}

/** @param {string} id @returns {Promise<Mission>} */
export function getMission(id) { return api("GET", path(id)); }

/**
 * `view` with its checkpoints: as it is when the list gave them, else the mission's own view.
 * @param {Mission} view
 * @returns {Promise<Mission>}
 */
export async function withCheckpoints(view) {
  return Array.isArray(view.checkpoints) ? view : getMission(view.id);
}

/** The full file, answers included: curators and owners of its spaces only (403 otherwise). @param {string} id */
export function missionSource(id) { return api("GET", `${path(id)}/source`); }

/**
 * Saves a mission: resolves to true when it was new (201), false when it replaced one (200). An invalid one throws
 * with status 422, code invalid_field and the message "field: reason" (ui/missionfields.js splits it).
 * @param {Mission} mission
 */
export async function saveMission(mission) {
  return (await request("PUT", path(mission.id), mission)).status === 201;
}

/** @param {string} id @param {number} persona @returns {Promise<Progress>} */
export function progress(id, persona) { return api("GET", `${path(id)}/progress?persona=${persona}`); }

/** One on-site fix. @param {string} id @param {Fix} fix @returns {Promise<Progress>} */
export function sendFix(id, fix) { return api("POST", `${path(id)}/fix`, fix); }

/**
 * Online: the server looks where it moved the persona's avatar (409 not_in_world when in no space).
 * @param {string} id
 * @param {{ persona: number, checkpoint?: string, keepDate?: boolean }} body
 * @returns {Promise<Progress>}
 */
export function check(id, body) { return api("POST", `${path(id)}/check`, body); }

/**
 * @param {string} id
 * @param {{ persona: number, checkpoint: string, answer?: string, choice?: number, keepDate?: boolean }} body
 * @returns {Promise<Progress>}
 */
export function answer(id, body) { return api("POST", `${path(id)}/answer`, body); }

/**
 * The persona's stamps and the reward accessories it may wear.
 * @param {number} persona
 * @returns {Promise<{ stamps: { mission: string, checkpoint: string, day?: string }[], rewards: string[] }>}
 */
export function personaStamps(persona) { return api("GET", `/api/v1/personas/${persona}/stamps`); }

/**
 * The day's differentially private completion counts per checkpoint.
 * @param {string} mission
 * @param {string} date  yyyy-MM-dd
 */
export function missionStats(mission, date) {
  return api("GET", `/api/v1/stats/missions?mission=${encodeURIComponent(mission)}&date=${encodeURIComponent(date)}`);
}

/**
 * The body of an answer: free text (trimmed, up to 200 characters) or a choice's index; null when there is
 * nothing to send.
 * @param {{ persona: number, checkpoint: string, keepDate: boolean }} who
 * @param {{ text?: string, choice?: number }} input
 * @returns {{ persona: number, checkpoint: string, keepDate: boolean, answer?: string, choice?: number } | null}
 */
export function answerBody({ persona, checkpoint, keepDate }, input) {
  const base = { persona, checkpoint, keepDate: !!keepDate };
  if (typeof input.choice === "number") {
    return Number.isInteger(input.choice) && input.choice >= 0 ? { ...base, choice: input.choice } : null;
  }
  const text = (input.text ?? "").trim();
  if (!text || [...text].length > ANSWER_MAX) return null;
  return { ...base, answer: text };
}
