// Parts of a mission that the 3D client's mission panel and the on-site page draw alike: the stamps earned (each
// `li[data-checkpoint]`), the checkpoint to go to with its stamp, a free mission's choice of checkpoint, and the link
// to play a mission on site.
import { element } from "./dom.js";
import { localized, t } from "./i18n.js";

/** @typedef {import("../net/missions.js").Mission} Mission */

/**
 * The stamps earned, one item each, named by their stamp.
 * @param {Mission} mission
 * @param {string[]} stamps  checkpoint ids
 * @param {string} lang
 */
export function stampItems(mission, stamps, lang) {
  return stamps.map((id) => element("li", { dataset: { checkpoint: id },
    textContent: localized(mission.checkpoints.find((c) => c.id === id)?.stamp, lang) || id }));
}

/**
 * "stamp: …" for the checkpoint to go to.
 * @param {import("../net/missions.js").Checkpoint} checkpoint
 * @param {string} lang
 */
export function stampFor(checkpoint, lang) {
  return t("missionStampFor", { stamp: localized(checkpoint.stamp, lang) });
}

/**
 * A free mission's checkpoints without a stamp, to choose from ("" for the nearest): fills `select` and keeps its
 * choice where it is still open. Returns the choice.
 * @param {HTMLSelectElement} select
 * @param {Mission} mission
 * @param {string[]} stamps
 * @param {string} lang
 * @param {string} [wanted]  the choice to keep (the select's own by default)
 */
export function fillChoices(select, mission, stamps, lang, wanted = select.value) {
  const open = mission.checkpoints.filter((c) => !stamps.includes(c.id));
  select.replaceChildren(element("option", { value: "", textContent: t("missionNearest") }),
    ...open.map((c) => element("option", { value: c.id, textContent: localized(c.name, lang) })));
  select.value = open.some((c) => c.id === wanted) ? wanted : "";
  return select.value;
}

/**
 * The link to play mission `id` on site, as `persona` where there is one.
 * @param {string} id
 * @param {number} persona  0 for none
 */
export function playLink(id, persona) {
  const as = persona ? `&persona=${persona}` : "";
  return element("a", { href: `play.html?mission=${encodeURIComponent(id)}${as}`, className: "play-link",
    textContent: t("missionPlayOnSite") });
}
