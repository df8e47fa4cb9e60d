// A space in 3D: ground, buildings, other people, your own avatar in third person, chat, teleport, the docent and
// tours. The server is the authority: we predict our own movement and blend to its corrections.
// This entry only wires the parts around one state object (app/state.js): the view (world/scene.js), the space's
// world (world/place.js), walking (world/movement.js), the server's messages (app/messages.js) and the panels (ui/).
import { Connection } from "../net/connection.js";
import { PresenceRequests } from "../net/presence.js";
import { ACCESSORY } from "../net/protocol.js";
import { DocentPanel } from "../ui/docent.js";
import { byId } from "../ui/dom.js";
import { Hud } from "../ui/hud.js";
import { languageSwitch, loadLocale, t } from "../ui/i18n.js";
import { Log } from "../ui/log.js";
import { openPersonMenu } from "../ui/people.js";
import { Tours } from "../ui/tour.js";
import { Avatars } from "../world/avatars.js";
import { CrowdOverlay } from "../world/crowd.js";
import { figure } from "../world/figure.js";
import { Gallery } from "../world/gallery.js";
import { bindControls, step } from "../world/movement.js";
import { buildSpace } from "../world/place.js";
import { animate, follow, init } from "../world/scene.js";
import { handleMessage } from "./messages.js";
import { createState } from "./state.js";

languageSwitch(byId("lang", "select"), await loadLocale());
const params = new URLSearchParams(location.search);
const state = createState(params.get("space") || "gwangju/acc-plaza");
const guestName = params.get("name") || sessionStorage.getItem("bitgoeul.guest") ||
  t("guestName", { number: Math.floor(Math.random() * 9000 + 1000) });
sessionStorage.setItem("bitgoeul.guest", guestName);
const appearance = { bodyShape: 1, skinColor: 0xe0b89a, primaryColor: Math.floor(Math.random() * 0xffffff),
  secondaryColor: 0x2d2d2d, accessory: ACCESSORY.none };

const view = init();
const avatars = new Avatars(view.scene);
const crowdOverlay = new CrowdOverlay(view.scene);
const gallery = new Gallery(view.scene);
// Your own figure: the chosen persona's look, or the guest's.
const personaId = Number(params.get("persona"));
const sessionToken = localStorage.getItem("bitgoeul.token") || "";
const me = figure((personaId && sessionToken && await personaLook(personaId, sessionToken)) || appearance);
view.scene.add(me);

/** The look of your persona `id`, or null when the session does not have it. */
async function personaLook(id, token) {
  const res = await fetch("/api/v1/personas", { headers: { Authorization: `Bearer ${token}` } });
  const mine = res.ok ? (await res.json()).personas.find((p) => p.id === id) : null;
  return mine ? mine.appearance : null;
}

const hud = new Hud();
const log = new Log(byId("log", "div"));
const connection = new Connection({
  onStatus: (kind, reason, code) => {
    if (kind === "closed") hud.say(t("closed", { reason: reason || t("closeCode", { code }) }));
    // Carried to another server of the cluster, or waiting for a space passing between servers: a short pause.
    else if (kind === "moving") hud.say(t("moving"));
    else if (kind === "unavailable") hud.say(t("movingFailed"));
    else hud.say(reason);
  },
  onMessage: (m) => handleMessage(m, ctx),
});
/** Sends one client message (menus, panels and notices use it). */
const send = (m) => connection.send(m);
const openMenu = (person) => openPersonMenu(person, send);
const docent = new DocentPanel(byId("docent", "aside"), { space: () => state.spaceId, position: () => state.self });
const tours = new Tours({ start: byId("start-tour", "button"), announce: byId("announce-stop", "button") },
  { state, gallery, docent, log, send });
const presence = new PresenceRequests(send);
/** @type {import("./messages.js").SpaceContext} */
const ctx = { state, connection, send, enter, hud, log, tours, openMenu, presence, avatars, gallery, crowdOverlay };
hud.bind(state, send, crowdOverlay);

/** Draws space `id` (once), its credit and its exhibitions. */
async function enter(id) {
  const space = await buildSpace(state, view, id, {
    onProgress: (percent) => hud.progress(percent),
    onSolar: (summary) => {
      state.solar = summary;
      log.add(t("solarLegend", { year: summary.year, open: Math.round(summary.open) }));
    },
  });
  if (!space) return;
  hud.showCredit(space.attribution ? `${t("credit")}: ${space.attribution}` : "");
  await gallery.load(id);
}

await enter(state.spaceId);
// With a session and a chosen persona, enter as that persona; otherwise as a guest.
if (personaId && sessionToken) {
  connection.open({ type: "join", space: state.spaceId, personaId }, sessionToken);
} else {
  connection.open({ type: "joinGuest", space: state.spaceId, name: guestName, appearance });
}
hud.showWorld(await (await fetch("/api/v1/world")).json(), state.spaceId, send);
bindControls(state, view, avatars, openMenu);
setInterval(() => presence.now(), 5000);

const frames = animate(view, (dt) => {
  step(state, dt, send);
  follow(view, me, state.self, dt);
  avatars.update(dt);
  docent.show(gallery.nearest(state.self.x, state.self.y));
});
/** Frame-time percentiles over the last 600 frames, the people in view and the JS heap, for the benchmark. */
function frameStats() {
  return { ...frames(), visible: avatars.entities.size,
    heap_mb: performance.memory ? performance.memory.usedJSHeapSize / 1e6 : null };
}
// For the browser tests and the benchmark (scripts/web_bench.py).
window.bitgoeul = {
  get solar() { return state.solar; }, avatars, self: state.self, connection, frameStats, crowdOverlay, gallery,
  openPersonMenu: (id, name) => openPersonMenu({ id, name }, send), get joined() { return state.joined; },
};
