// Walking and its prediction. The keyboard (WASD, arrows, Shift to run), a touch joystick and click-to-walk set
// the intent; each frame moves your own avatar at once and tells the server 20 times a second; the server stays
// the authority and its snapshots pull the prediction back (docs/protocol.md, "Snapshot").
import * as THREE from "three";
import { ANIMATION, SNAPSHOT_CORRECTED } from "../net/protocol.js";

const WALK_SPEED_M_PER_S = 1.35;
const RUN_SPEED_M_PER_S = 3.8;
const TURN_RATE_RAD_PER_S = 2.2;
/** How fast click-to-walk turns towards its target, and how close it must face before walking. */
const AIM_RATE_RAD_PER_S = 4;
const AIM_TOLERANCE_RAD = 0.6;
const ARRIVED_M = 0.5;
const MOVE_INTERVAL_S = 0.05;
/** How far behind the client's own position the server's may be when a portal is asked for (metres). */
const PORTAL_LAG_M = 1;
/** The joystick's travel in pixels, and the deflection past which it runs. */
const STICK_TRAVEL_PX = 60;
const STICK_RUN = 0.9;
/** Errors up to this (metres) blend out at this fraction per snapshot; larger ones snap. */
const SNAP_M = 1;
const BLEND = 0.1;

/** @typedef {import("../app/state.js").SpaceState} SpaceState */
/** @typedef {{ id: number, name: string, tag: THREE.Sprite | null }} Person */

/**
 * Listens to the keyboard, the pointer and touches. A click on someone's name tag calls `onPerson` with them
 * instead of walking.
 * @param {SpaceState} state
 * @param {import("./scene.js").View} view
 * @param {{ entities: Map<number, Person> }} avatars
 * @param {(person: { id: number, name: string }) => void} onPerson
 */
export function bindControls(state, { renderer, camera }, avatars, onPerson) {
  const canvas = renderer.domElement;
  const raycaster = new THREE.Raycaster();
  canvas.addEventListener("click", (e) => {
    const pointer = new THREE.Vector2((e.clientX / innerWidth) * 2 - 1, -(e.clientY / innerHeight) * 2 + 1);
    raycaster.setFromCamera(pointer, camera);
    const people = [...avatars.entities.values()].filter((p) => p.tag);
    const tagHit = raycaster.intersectObjects(people.map((p) => p.tag))[0];
    if (tagHit) {
      const person = people.find((p) => p.tag === tagHit.object);
      onPerson({ id: person.id, name: person.name });
      return;
    }
    const ground = new THREE.Plane(new THREE.Vector3(0, 1, 0), -state.self.z);
    const hit = raycaster.ray.intersectPlane(ground, new THREE.Vector3());
    if (hit) state.clickTarget = { x: hit.x, y: -hit.z };
  });

  // The touch joystick: drag anywhere on the right half of the screen.
  const stick = state.stick;
  canvas.addEventListener("pointerdown", (e) => {
    if (e.pointerType !== "touch" || e.clientX < innerWidth / 2) return;
    Object.assign(stick, { active: true, ox: e.clientX, oy: e.clientY, x: 0, y: 0 });
  });
  addEventListener("pointermove", (e) => {
    if (!stick.active) return;
    stick.x = Math.max(-1, Math.min(1, (e.clientX - stick.ox) / STICK_TRAVEL_PX));
    stick.y = Math.max(-1, Math.min(1, (e.clientY - stick.oy) / STICK_TRAVEL_PX));
  });
  addEventListener("pointerup", () => { stick.active = false; stick.x = 0; stick.y = 0; });

  // Walking keys count only when no text field, list or menu has the keyboard.
  addEventListener("keydown", (e) => {
    const target = /** @type {HTMLElement} */ (e.target);
    if (["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) || document.querySelector("dialog[open]")) return;
    state.keys.add(e.code);
  });
  addEventListener("keyup", (e) => state.keys.delete(e.code));
}

/**
 * Moves your avatar by `dt` seconds of the current intent, walks into a portal it reaches (once per space), and
 * sends a `move` every 50 ms. Does nothing before joining.
 * @param {SpaceState} state
 * @param {number} dt
 * @param {(m: import("../net/protocol.js").ClientMessage) => void} send
 */
export function step(state, dt, send) {
  const { self, keys, stick } = state;
  if (!self.joined) return;
  const held = (...codes) => codes.some((c) => keys.has(c));
  let turn = (held("KeyA", "ArrowLeft") ? 1 : 0) - (held("KeyD", "ArrowRight") ? 1 : 0) - stick.x;
  let forward = (held("KeyW", "ArrowUp") ? 1 : 0) - (held("KeyS", "ArrowDown") ? 1 : 0) - stick.y;
  const running = held("ShiftLeft", "ShiftRight") || Math.hypot(stick.x, stick.y) > STICK_RUN;
  if (turn !== 0 || forward !== 0) state.clickTarget = null;
  const target = state.clickTarget;
  if (target) {
    // Face the clicked spot and walk until close.
    const dx = target.x - self.x;
    const dy = target.y - self.y;
    if (dx * dx + dy * dy < ARRIVED_M * ARRIVED_M) {
      state.clickTarget = null;
    } else {
      let delta = Math.atan2(dy, dx) - self.heading;
      delta = Math.atan2(Math.sin(delta), Math.cos(delta));
      self.heading += Math.max(-AIM_RATE_RAD_PER_S * dt, Math.min(AIM_RATE_RAD_PER_S * dt, delta));
      forward = Math.abs(delta) < AIM_TOLERANCE_RAD ? 1 : 0;
      turn = 0;
    }
  }
  forward = Math.max(-1, Math.min(1, forward));
  self.heading += turn * TURN_RATE_RAD_PER_S * dt;
  const speed = forward * (running ? RUN_SPEED_M_PER_S : WALK_SPEED_M_PER_S);
  self.x += Math.cos(self.heading) * speed * dt;
  self.y += Math.sin(self.heading) * speed * dt;
  // Walking into a portal's ring takes you through it (once, until the next space). The server checks where it last
  // placed you, a move or two behind: ask a metre inside the ring, so a runner is not refused at its edge.
  for (const p of state.portals) {
    const dx = self.x - p.position[0];
    const dy = self.y - p.position[1];
    const inner = Math.max(p.radius / 2, p.radius - PORTAL_LAG_M);
    if (!state.portalSent && speed !== 0 && dx * dx + dy * dy < inner * inner) {
      state.portalSent = true;
      send({ type: "teleportPortal", portalId: p.id });
    }
  }
  state.sinceMoveS += dt;
  if (state.sinceMoveS >= MOVE_INTERVAL_S) {
    state.sinceMoveS = 0;
    state.moveSeq += 1;
    send({ type: "move", seq: state.moveSeq, x: self.x, y: self.y, z: self.z, heading: self.heading,
      animation: speed === 0 ? ANIMATION.idle : running ? ANIMATION.run : ANIMATION.walk });
  }
}

/**
 * Takes the server's word for your position when it corrected you or you drifted more than a metre; smaller
 * errors blend out over a few snapshots.
 * @param {SpaceState} state
 * @param {import("../net/protocol.js").Snapshot} snapshot
 */
export function reconcile({ self }, snapshot) {
  const dx = snapshot.selfX - self.x;
  const dy = snapshot.selfY - self.y;
  if (snapshot.flags & SNAPSHOT_CORRECTED || dx * dx + dy * dy > SNAP_M * SNAP_M) {
    self.x = snapshot.selfX;
    self.y = snapshot.selfY;
  } else {
    self.x += dx * BLEND;
    self.y += dy * BLEND;
  }
}
