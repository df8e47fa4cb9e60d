// The presence list: how many people are in the space and their names, each other person with a menu. Guests and
// visitors from other cities are marked (a visitor with their home city when their avatar is in view).
import { ENTITY_GUEST, ENTITY_VISITOR } from "../net/protocol.js";
import { element } from "./dom.js";
import { t } from "./i18n.js";

/**
 * How a person is named in the presence list and in chat: a guest marked, a visitor with their home city (or as a
 * visitor, when it is not known here).
 * @param {string} name
 * @param {number} flags  ENTITY_* in net/protocol.js
 * @param {string | undefined} [home]
 */
export function personLabel(name, flags, home) {
  if (flags & ENTITY_VISITOR) return `${name} (${home ? t("visitorFrom", { home }) : t("visitor")})`;
  if (flags & ENTITY_GUEST) return `${name} (${t("guest")})`;
  return name;
}

/**
 * Shows `presence` in `people` (the count) and `names` (the list); `selfId` is your own entity, and `onPerson`
 * opens the menu on someone else (mute, block, report, befriend). `homeOf` gives a visitor's home city by entity,
 * when known.
 * @param {{ people: HTMLElement, names: HTMLElement }} parts
 * @param {import("../net/protocol.js").Presence} presence
 * @param {number | undefined} selfId
 * @param {(person: { id: number, name: string }) => void} onPerson
 * @param {(entityId: number) => string | undefined} [homeOf]
 */
export function showPresence({ people, names }, presence, selfId, onPerson, homeOf = () => undefined) {
  people.textContent = t("people", { count: presence.total });
  const labels = presence.entries.map((e) => personLabel(e.name, e.flags, homeOf(e.entityId)));
  // The same people as shown: keep the buttons, so a click on one is never lost to a redraw.
  const key = JSON.stringify([selfId, presence.entries.map((e, i) => [e.entityId, labels[i]])]);
  if (names.dataset.shown === key) return;
  names.dataset.shown = key;
  names.replaceChildren(...presence.entries.map((e, i) => {
    const label = labels[i];
    if (e.entityId === selfId) return element("li", { textContent: `${label} (${t("you")})` });
    const button = element("button", { type: "button", textContent: label, dataset: { entity: String(e.entityId) } });
    button.addEventListener("click", () => onPerson({ id: e.entityId, name: e.name }));
    return element("li", {}, button);
  }));
}
