// A space in 3D: ground, buildings, other people, your own avatar in third person, chat, teleport, the docent and
// tours. The server is the authority: we predict our own movement and blend to its corrections.
// This entry only wires the parts around one state object (app/state.js): the view (world/scene.js), the space's
// world (world/place.js), walking (world/movement.js), the server's messages (app/messages.js) and the panels (ui/).
// A visitor from another city arrives with a travel ticket in the fragment (`#visit=`), and a traveller back from
// one may ask to go on to a third (`#travel=`) or just be home (`#home`): net/travel.js and ui/travel.js.
import { Connection } from "../net/connection.js";
import { PresenceRequests } from "../net/presence.js";
import { ACCESSORY } from "../net/protocol.js";
import { rememberPersona, rememberedPersona, takeArrival, ticketClaims } from "../net/travel.js";
import { DocentPanel } from "../ui/docent.js";
import { byId } from "../ui/dom.js";
import { Hud } from "../ui/hud.js";
import { languageSwitch, loadLocale, t } from "../ui/i18n.js";
import { Log } from "../ui/log.js";
import { MissionPanel } from "../ui/missions.js";
import { openPersonMenu } from "../ui/people.js";
import { ProposalPanel } from "../ui/proposals.js";
import { Tours } from "../ui/tour.js";
import { Travel } from "../ui/travel.js";
import { Avatars } from "../world/avatars.js";
import { CrowdOverlay } from "../world/crowd.js";
import { figure } from "../world/figure.js";
import { Gallery } from "../world/gallery.js";
import { MissionMarker } from "../world/missionmarker.js";
import { bindControls, step } from "../world/movement.js";
import { buildSpace } from "../world/place.js";
import { ProposalLayer } from "../world/proposallayer.js";
import { animate, follow, init } from "../world/scene.js";
import { handleMessage } from "./messages.js";
import { createState, startingSpace } from "./state.js";

// The world (its spaces, for the starting space and the teleport menu) loads with the page's strings.
const worldLoading = fetch("/api/v1/world").then((res) => res.json());
const lang = await loadLocale();
languageSwitch(byId("lang", "select"), lang);
const params = new URLSearchParams(location.search);
// Read once and cleared from the address at once: a travel ticket must not stay in the history.
const arrival = takeArrival();
const visitTicket = arrival?.kind === "visit" ? arrival.ticket : null;
// The ticket's own claims give the arrival space and the persona's look before the server answers.
const claims = visitTicket ? ticketClaims(visitTicket) : null;
const world = await worldLoading;
const state = createState(startingSpace(world, params.get("space"), claims?.space, "gwangju/acc-plaza"));
const guestName = params.get("name") || sessionStorage.getItem("bitgoeul.guest") ||
  t("guestName", { number: Math.floor(Math.random() * 9000 + 1000) });
sessionStorage.setItem("bitgoeul.guest", guestName);
const appearance = { bodyShape: 1, skinColor: 0xe0b89a, primaryColor: Math.floor(Math.random() * 0xffffff),
  secondaryColor: 0x2d2d2d, accessory: ACCESSORY.none };

const view = init();
const avatars = new Avatars(view.scene);
const crowdOverlay = new CrowdOverlay(view.scene);
const gallery = new Gallery(view.scene);
// Your own figure: the chosen persona's look (a visitor's from the ticket), or the guest's. Back from another city,
// the persona this tab entered as before it left.
const sessionToken = localStorage.getItem("bitgoeul.token") || "";
const personaId = visitTicket ? 0 : Number(params.get("persona")) || (arrival ? rememberedPersona() : 0);
if (personaId && !params.get("persona")) {
  // In the address again, as when the persona was chosen: a reload enters as it too.
  params.set("persona", String(personaId));
  history.replaceState(history.state, "", `${location.pathname}?${params}`);
}
const me = figure(claims?.appearance ||
  (personaId && sessionToken && await personaLook(personaId, sessionToken)) || appearance);
view.scene.add(me);

/** The look of your persona `id`, or null when the session does not have it. */
async function personaLook(id, token) {
  const res = await fetch("/api/v1/personas", { headers: { Authorization: `Bearer ${token}` } });
  const mine = res.ok ? (await res.json()).personas.find((p) => p.id === id) : null;
  return mine ? mine.appearance : null;
}

const hud = new Hud();
const log = new Log(byId("log", "div"));
const travel = new Travel({ personaId: sessionToken ? personaId : 0, lang, say: (text) => hud.say(text), log,
  current: () => state.spaceId, arriving: visitTicket !== null, home: arrival?.kind === "visit" ? arrival.home : null,
  depart: () => connection.close() });
const connection = new Connection({
  onStatus: (kind, reason, code) => {
    // A visit's end: why, and the way home.
    if (kind === "ended" || kind === "unreachable") travel.ended(kind, reason, code);
    else if (kind === "closed") hud.say(t("closed", { reason: reason || t("closeCode", { code }) }));
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
// Plans (docs/planning.md): read by anyone; support, oppose and comment as the persona entered with.
const proposalLayer = new ProposalLayer(view.scene, view.world);
const plans = new ProposalPanel(byId("plans-button", "button"), byId("plans-panel", "aside"), { state, lang, send,
  personaId: sessionToken && !visitTicket ? personaId : 0, layer: proposalLayer });
/** @type {import("./messages.js").SpaceContext} */
const ctx = {
  state, connection, send, enter, hud, log, tours, openMenu, presence, avatars, gallery, crowdOverlay, travel, plans,
};
hud.bind(state, send, crowdOverlay);
// Missions are played by a persona of this account (a guest or a visitor from another city is shown how to sign in).
const missions = new MissionPanel(byId("missionbox", "details"), { state, world, lang, send,
  personaId: sessionToken && !visitTicket ? personaId : 0, marker: new MissionMarker(view.scene) });
missions.resume();

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

// A travel ticket lives a minute: visit at once, and draw the space meanwhile. Back home on the way to a third city:
// the ticket there first, and this space only when none comes.
if (visitTicket) connection.visit(visitTicket);
const leaving = arrival?.kind === "travel" && await travel.leave(arrival.city, arrival.space);
if (!leaving) {
  await enter(state.spaceId);
  // With a session and a chosen persona, enter as that persona; otherwise, unless visiting, as a guest.
  if (personaId && sessionToken) {
    rememberPersona(personaId);
    connection.open({ type: "join", space: state.spaceId, personaId }, sessionToken);
  } else if (!visitTicket) {
    connection.open({ type: "joinGuest", space: state.spaceId, name: guestName, appearance });
  }
}
hud.showWorld(world, state.spaceId, send);
travel.offer();
// Leaving the page ends its connection, so the person does not stay behind in the space; back with the browser's
// Back, out of its cache, the page starts again.
addEventListener("pagehide", () => connection.close());
addEventListener("pageshow", (e) => { if (e.persisted) location.reload(); });
bindControls(state, view, avatars, openMenu);
setInterval(() => presence.now(), 5000);

const frames = animate(view, (dt) => {
  step(state, dt, send);
  follow(view, me, state.self, dt);
  avatars.update(dt);
  docent.show(gallery.nearest(state.self.x, state.self.y));
  missions.frame(dt);
});
/** Frame-time percentiles over the last 600 frames, the people in view and the JS heap, for the benchmark. */
function frameStats() {
  return { ...frames(), visible: avatars.entities.size,
    heap_mb: performance.memory ? performance.memory.usedJSHeapSize / 1e6 : null };
}
// For the browser tests and the benchmark (scripts/web_bench.py).
window.bitgoeul = {
  get solar() { return state.solar; }, avatars, self: state.self, connection, frameStats, crowdOverlay, gallery,
  openPersonMenu: (id, name) => openPersonMenu({ id, name }, send), get joined() { return state.joined; }, missions,
  // A visitor's home (the server's `visiting`), or null at home.
  get visiting() { return travel.visit; },
  // Plans: the panel, what the layer draws, the layer asked for and taken, and where the server put you.
  plans, proposalLayer, get layer() { return plans.layer; }, authority: state.authority,
  /** Walks (or runs) to (x, y) of the space's frame, as a click on the ground there would. */
  walkTo(x, y, run = false) {
    state.clickTarget = { x, y };
    if (run) state.keys.add("ShiftLeft"); else state.keys.delete("ShiftLeft");
  },
  /** Stops walking and turns to face (x, y). */
  face(x, y) {
    state.clickTarget = null;
    state.self.heading = Math.atan2(y - state.self.y, x - state.self.x);
  },
};
