// The presence list: how many people are in the space and their names, each other person with a menu.
import { ENTITY_GUEST } from "../net/protocol.js";
import { element } from "./dom.js";
import { t } from "./i18n.js";

/**
 * Shows `presence` in `people` (the count) and `names` (the list); `selfId` is your own entity, and `onPerson`
 * opens the menu on someone else (mute, block, report, befriend).
 * @param {{ people: HTMLElement, names: HTMLElement }} parts
 * @param {import("../net/protocol.js").Presence} presence
 * @param {number | undefined} selfId
 * @param {(person: { id: number, name: string }) => void} onPerson
 */
export function showPresence({ people, names }, presence, selfId, onPerson) {
  people.textContent = t("people", { count: presence.total });
  // The same people as shown: keep the buttons, so a click on one is never lost to a redraw.
  const key = JSON.stringify([selfId, presence.entries.map((e) => [e.entityId, e.name, e.flags])]);
  if (names.dataset.shown === key) return;
  names.dataset.shown = key;
  names.replaceChildren(...presence.entries.map((e) => {
    const label = e.flags & ENTITY_GUEST ? `${e.name} (${t("guest")})` : e.name;
    if (e.entityId === selfId) return element("li", { textContent: `${label} (${t("you")})` });
    const button = element("button", { type: "button", textContent: label, dataset: { entity: String(e.entityId) } });
    button.addEventListener("click", () => onPerson({ id: e.entityId, name: e.name }));
    return element("li", {}, button);
  }));
}
