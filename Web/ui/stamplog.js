// A stamp in the player's own life log (net/lifelog.js), written alike by the 3D client's mission panel and the on-site
// page: the space is the checkpoint's mirror space as the server's mission view names it ("gwangju/acc-plaza"), never
// the space the avatar happens to be in, so the same stamp earned from either page is one entry.
import * as lifelog from "../net/lifelog.js";
import { localized, t } from "./i18n.js";

/** @typedef {import("../net/missions.js").Mission} Mission */

/**
 * The life-log entry for the stamp of `checkpoint` in `mission` (a view with its checkpoints).
 * @param {Mission} mission
 * @param {string} checkpoint
 * @param {string} lang
 * @returns {{ kind: "mission", space: string | null, title: string, ids: { mission: string, checkpoint: string } }}
 */
export function stampEntry(mission, checkpoint, lang) {
  const cp = mission.checkpoints?.find((c) => c.id === checkpoint);
  const stamp = localized(cp?.stamp, lang) || checkpoint;
  return {
    kind: "mission",
    space: cp?.mirror?.space || null,
    title: [localized(mission.title, lang), stamp].filter(Boolean).join(t("listSeparator")),
    ids: { mission: mission.id, checkpoint },
  };
}

/**
 * Notes the stamp in the life log kept in this browser.
 * @param {Mission} mission
 * @param {string} checkpoint
 * @param {string} lang
 */
export function recordStamp(mission, checkpoint, lang) {
  const entry = stampEntry(mission, checkpoint, lang);
  lifelog.record(entry.kind, entry.space, entry.title, entry.ids);
}
