// Where a mission stands, in words (docs/missions.md, §2): open, or closed and why; a verdict on a fix or a check,
// refusals with their reason; an answer or a fix the server answered with an error; the mission done, with its reward. Shared by the 3D client's mission panel, the
// on-site page and the editor's list. Each code the server sends has its locale key; a code this page does not know
// shows the server's own message in a localized frame (ui/errors.js).
import { errorText, serverSaid } from "./errors.js";
import { formatInstant, t } from "./i18n.js";

/** @typedef {import("../net/missions.js").Verdict} Verdict */

/** The refusal codes of the ArrivalJudge (docs/missions.md, §2); each has a `refused_<code in camelCase>` string. */
export const REFUSALS = ["inaccurate", "invalid", "clock", "out_of_order", "frozen", "too_fast", "too_many"];

/** "out_of_order" → "outOfOrder" (a locale key must not end in a plural category such as `_many`). @param {string} code */
const camel = (code) => code.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

/**
 * Whether a mission can be played now, and the locale key (with its values) saying so.
 * @param {{ open?: boolean, closed?: string | null, opensAt?: string | null }} view
 * @returns {{ open: boolean, key: string, opensAt: string | null }}
 */
export function openState(view) {
  if (view.open !== false) return { open: true, key: "missionOpen", opensAt: null };
  const reason = ["not_yet", "ended", "night"].includes(view.closed) ? camel(view.closed) : "closed";
  return { open: false, key: `missionClosed_${reason}`, opensAt: view.opensAt ?? null };
}

/**
 * Whether a mission can be played now, in words: open, or closed and why, with its opening where known.
 * @param {{ open?: boolean, closed?: string | null, opensAt?: string | null }} view
 * @param {string} lang
 */
export function openText(view, lang) {
  const state = openState(view);
  const opens = state.opensAt ? t("missionOpensAt", { opensAt: formatInstant(state.opensAt, lang) }) : "";
  return [t(state.key), opens].filter(Boolean).join(t("listSeparator"));
}

/**
 * The locale key for a refusal's reason ("too_fast" → "refused_tooFast"), or null for a code this page does not know
 * (then the server's message is shown).
 * @param {string | undefined} reason
 */
export function refusalKey(reason) {
  return REFUSALS.includes(reason) ? `refused_${camel(reason)}` : null;
}

/**
 * Why a fix or a check was refused, in words: the refusal's string, else the server's message (or its code), framed.
 * @param {Verdict} verdict
 */
export function refusalText(verdict) {
  const key = refusalKey(verdict.reason);
  return key ? t(key) : serverSaid(verdict.message || verdict.reason || "");
}

/** Each refusal code with its string, for a refusal that comes as an HTTP error (a fix's 429 too_many). */
const REFUSAL_KEYS = Object.fromEntries(REFUSALS.map((code) => [code, refusalKey(code)]));

/**
 * Why a fix was not taken when the server answered with an error, in words: a refusal's string (too many fixes: the
 * rate refusal, HTTP 429), else the error's (ui/errors.js).
 * @param {import("./errors.js").ServerError} error
 */
export function fixError(error) {
  return errorText(error, REFUSAL_KEYS);
}

/**
 * Why an answer was not taken, in words: too many wrong answers, not at the checkpoint, else the error's.
 * @param {import("./errors.js").ServerError} error
 */
export function answerError(error) {
  return errorText(error, { too_many: "missionTooManyAnswers", not_there: "missionNotThere" });
}

/**
 * The on-site status line for a verdict: its words, the reason kept in the page's data-reason (a refusal's code,
 * wrong_answer), and whether it is good news; null for a state this page does not know.
 * @param {Verdict} verdict
 * @param {string} stamp  the name of the verdict's checkpoint's stamp
 * @returns {{ text: string, reason: string, good: boolean } | null}
 */
export function verdictStatus(verdict, stamp) {
  switch (verdict.state) {
    case "onTheWay": return { text: t("playOnTheWay"), reason: "", good: false };
    case "inside":
      return { text: t("playInside", { seconds: Math.max(0, Math.ceil(verdict.leftS ?? 0)) }), reason: "", good: true };
    case "arrived": {
      const wrong = verdict.reason === "wrong_answer";
      return { text: t(wrong ? "missionWrongAnswer" : "missionArrived"), reason: verdict.reason ?? "", good: !wrong };
    }
    case "stamped": return { text: t("missionStamped", { stamp }), reason: "", good: true };
    case "refused": return { text: refusalText(verdict), reason: verdict.reason || "refused", good: false };
    default: return null;
  }
}

/**
 * A completed mission in words, with the reward it gives (earned now or before).
 * @param {{ reward?: string | null, rewardEarned?: boolean }} progress
 */
export function completeText(progress) {
  const reward = progress.reward ? t(progress.rewardEarned ? "missionRewardEarned" : "missionReward",
    { reward: t(`acc_${progress.reward}`) }) : "";
  return [t("missionComplete"), reward].filter(Boolean).join(t("sentenceSeparator"));
}
