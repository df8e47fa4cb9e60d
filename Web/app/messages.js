// What the space page does with each message from the server (docs/protocol.md).
import * as lifelog from "../net/lifelog.js";
import { ENTITY_VISITOR, ERROR, NOTICE, RELATE } from "../net/protocol.js";
import { t } from "../ui/i18n.js";
import { onceButton } from "../ui/log.js";
import { personLabel } from "../ui/presence.js";
import { reconcile } from "../world/movement.js";

/**
 * Everything a server message may act on; app/space.js builds it once.
 * @typedef {object} SpaceContext
 * @property {import("./state.js").SpaceState} state
 * @property {import("../net/connection.js").Connection} connection
 * @property {(m: import("../net/protocol.js").ClientMessage) => void} send
 * @property {(spaceId: string) => Promise<void>} enter  draws a space, its credit and its exhibitions (once)
 * @property {import("../ui/hud.js").Hud} hud
 * @property {import("../ui/log.js").Log} log
 * @property {import("../ui/tour.js").Tours} tours
 * @property {(person: { id: number, name: string }) => void} openMenu  the menu on another person
 * @property {import("../net/presence.js").PresenceRequests} presence
 * @property {import("../world/avatars.js").Avatars} avatars
 * @property {import("../world/gallery.js").Gallery} gallery
 * @property {import("../world/crowd.js").CrowdOverlay} crowdOverlay
 * @property {import("../ui/travel.js").Travel} travel  other cities: going there, and a visitor's way home
 * @property {import("../ui/proposals.js").ProposalPanel} plans  the plans panel and the layer you walk
 */

/**
 * @param {import("../net/protocol.js").ServerMessage} m
 * @param {SpaceContext} ctx
 */
export function handleMessage(m, ctx) {
  const { state, hud, log } = ctx;
  switch (m.type) {
    case "joined": joined(m, ctx); break;
    case "snapshot":
      ctx.avatars.apply(m);
      // Someone came or went: refresh the presence list (the server allows about one a second).
      if (m.enters.length || m.leaves.length) ctx.presence.soon();
      reconcile(state, m);
      state.authority.x = m.selfX;
      state.authority.y = m.selfY;
      break;
    case "chat": {
      // A visitor's line names their home city.
      const home = homeOf(m.fromEntity, ctx);
      log.add(`${home ? personLabel(m.name, ENTITY_VISITOR, home) : m.name}: ${m.text}`);
      break;
    }
    case "presence": hud.showPresence(m, state.joined?.entityId, ctx.openMenu, (id) => homeOf(id, ctx)); break;
    case "notice": notice(m, ctx); break;
    // A space passing between servers is asked for again by the connection, which shows the wait.
    case "error":
      // A plan the server does not have here: the panel goes back to today and says so.
      if (m.code === ERROR.unknownLayer) ctx.plans.layerRefused();
      else if (m.code !== ERROR.spaceMoving) log.add(t("error", { message: m.message }));
      break;
    case "left": state.self.joined = false; break;
    // A portal to another city: a ticket from home, then that city's page (ui/travel.js).
    case "travel": ctx.travel.go(m.city, m.space); break;
    case "visiting": ctx.travel.visiting(m); break;
    // Your movement now follows that layer: a proposal's geometry, or today's.
    case "layer": ctx.plans.layerTaken(m); break;
    default: break;
  }
}

/**
 * The home city of a visitor from another city: yours when you are one, another's from their avatar in view.
 * @param {number} entityId
 * @param {SpaceContext} ctx
 * @returns {string | undefined}
 */
function homeOf(entityId, { state, travel, avatars }) {
  return entityId === state.joined?.entityId ? travel.visit?.homeName : avatars.homeOf(entityId);
}

/**
 * You are in a space (first join, teleport or a reconnect): take its frame and your place, draw it, and ask
 * for what the page shows about it.
 * @param {import("../net/protocol.js").Joined} m
 * @param {SpaceContext} ctx
 */
function joined(m, { state, connection, send, enter, hud, avatars, gallery, crowdOverlay, presence, plans }) {
  state.joined = m;
  state.spaceId = m.space;
  connection.moveTo(m.space);
  Object.assign(state.self, { x: m.x, y: m.y, z: m.z, heading: m.heading, joined: true });
  Object.assign(state.authority, { x: m.x, y: m.y });
  avatars.setJoined(m);
  state.portalSent = false;
  enter(m.space).then(() => {
    hud.say(t("connected", { space: m.space }));
    // The visitor's own record, kept in this browser (synced only sealed: see the personas page).
    lifelog.record(gallery.works.length ? "exhibition" : "visit", m.space, state.spaceTitle);
  });
  hud.joined(m.space);
  send({ type: "setBoundary", mode: hud.boundaryMode() });
  crowdOverlay.show(m.space, hud.densityOn());
  presence.now();
  // A new connection walks today's layer: the plan shown is asked for again (another space's is put away).
  plans.joined(m.space);
}

/**
 * @param {import("../net/protocol.js").Notice} m
 * @param {SpaceContext} ctx
 */
function notice(m, { log, send, tours, presence }) {
  if (m.kind === NOTICE.tour) {
    tours.notice(m);
  } else if (m.kind === NOTICE.friendRequest) {
    const befriend = () => send({ type: "relate", action: RELATE.friend, entityId: m.entityId });
    log.add(t("notice", { text: m.text }), onceButton(t("accept"), befriend));
  } else {
    log.add(t("notice", { text: m.text }));
  }
  // Someone blocked or was blocked: the presence list changes too.
  presence.soon();
}
