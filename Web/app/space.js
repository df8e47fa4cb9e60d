// A space in 3D: ground, buildings, other people, your own avatar in third person, chat and teleport.
// The server is the authority: we predict our own movement and blend to its corrections.
import * as THREE from "three";
import { Connection } from "../net/connection.js";
import { Avatars } from "../world/avatars.js";
import { figure } from "../world/figure.js";
import { parseGLB } from "../world/glb.js";
import { languageSwitch, loadLocale, t } from "../ui/i18n.js";
import { drawOverview } from "../ui/map.js";
import { openPersonMenu } from "../ui/people.js";
import { CrowdOverlay } from "../world/crowd.js";
import { Gallery } from "../world/gallery.js";
import { DocentPanel } from "../ui/docent.js";
import * as lifelog from "../net/lifelog.js";
import { NOTICE, RELATE, TOUR } from "../net/protocol.js";

languageSwitch(document.getElementById("lang"), await loadLocale());
const params = new URLSearchParams(location.search);
let spaceId = params.get("space") || "gwangju/acc-plaza";
const guestName = params.get("name") || sessionStorage.getItem("bitgoeul.guest") || `방문자 ${Math.floor(Math.random() * 9000 + 1000)}`;
sessionStorage.setItem("bitgoeul.guest", guestName);
const appearance = { bodyShape: 1, skinColor: 0xe0b89a, primaryColor: Math.floor(Math.random() * 0xffffff), secondaryColor: 0x2d2d2d, accessory: 0 };

const $ = (id) => document.getElementById(id);
const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
renderer.setPixelRatio(Math.min(devicePixelRatio, 2));
renderer.setSize(innerWidth, innerHeight);
document.body.prepend(renderer.domElement);
const scene = new THREE.Scene();
scene.background = new THREE.Color(0x9cc6e8);
const camera = new THREE.PerspectiveCamera(60, innerWidth / innerHeight, 0.1, 5000);
scene.add(new THREE.HemisphereLight(0xffffff, 0x556070, 1.6));
const sun = new THREE.DirectionalLight(0xffffff, 1.4);
sun.position.set(-300, 500, 200);
scene.add(sun);
const world = new THREE.Group();
scene.add(world);
const avatars = new Avatars(scene);
const crowdOverlay = new CrowdOverlay(scene);
const gallery = new Gallery(scene);
// Your own figure: the chosen persona's look, or the guest's.
const personaParam = Number(params.get("persona"));
const sessionToken = localStorage.getItem("bitgoeul.token") || "";
let myLook = appearance;
if (personaParam && sessionToken) {
  const res = await fetch("/api/v1/personas", { headers: { Authorization: `Bearer ${sessionToken}` } });
  const mine = res.ok ? (await res.json()).personas.find((p) => p.id === personaParam) : null;
  if (mine) myLook = mine.appearance;
}
const me = figure(myLook);
scene.add(me);
addEventListener("resize", () => {
  camera.aspect = innerWidth / innerHeight;
  camera.updateProjectionMatrix();
  renderer.setSize(innerWidth, innerHeight);
});

// ENU metres → three.js (Y up).
const toThree = (x, y, z = 0) => new THREE.Vector3(x, z, -y);
const self = { x: 0, y: 0, z: 0, heading: 0, joined: false };

let portals = [];
let portalSent = false;
let built = null;

let spaceTitle = "";
async function buildSpace(id) {
  if (built === id) return;
  built = id;
  world.clear();
  const [region, name] = id.split("/");
  const space = await (await fetch(`/api/v1/spaces/${region}/${name}`)).json();
  spaceTitle = space.name?.[document.documentElement.lang] || space.name?.en || id;
  portals = space.portals;
  portalSent = false;
  for (const p of portals) {
    const ring = new THREE.Mesh(new THREE.TorusGeometry(p.radius, 0.12, 8, 32),
      new THREE.MeshStandardMaterial({ color: 0x7fd1ff, emissive: 0x1d6fa5 }));
    ring.rotation.x = Math.PI / 2;
    ring.position.copy(toThree(p.position[0], p.position[1], 0.05));
    world.add(ring);
  }
  const b = space.bounds;
  const ground = new THREE.Mesh(new THREE.PlaneGeometry(b.maxX - b.minX, b.maxY - b.minY),
    new THREE.MeshStandardMaterial({ color: space.kind === "indoor" ? 0xd9d2c5 : 0x7d8a74 }));
  ground.rotation.x = -Math.PI / 2;
  ground.position.copy(toThree((b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2, -0.01));
  world.add(ground);
  const material = new THREE.MeshStandardMaterial({ color: 0xd8c7a4, roughness: 0.85 });
  const glb = space.assets.includes("buildings.glb")
    ? await fetch(`/api/v1/spaces/${region}/${name}/assets/buildings.glb`) : null;
  if (glb?.ok) {
    const buildings = parseGLB(await download(glb), material);
    world.add(buildings);
    if (space.solar) colourRoofsBySun(region, name, buildings);
  } else {
    for (const ring of space.obstacles) {
      const shape = new THREE.Shape(ring.map(([x, y]) => new THREE.Vector2(x, y)));
      const mesh = new THREE.Mesh(new THREE.ExtrudeGeometry(shape, { depth: space.kind === "indoor" ? 4 : 12, bevelEnabled: false }), material);
      mesh.rotation.x = -Math.PI / 2;  // shape x,y (east, north) → three x, -z; extrusion goes up
      world.add(mesh);
    }
  }
  $("credit").textContent = space.attribution ? `${t("credit")}: ${space.attribution}` : "";
  await gallery.load(id);
}

/** Colours each building by its roofs' annual solar irradiation, when the space has an analysis. */
let solarState = null;
const SOLAR_COLOURS = { excellent: 0xd7301f, good: 0xfc8d59, fair: 0xfdcc8a, poor: 0x6b7b8f };
async function colourRoofsBySun(region, name, buildings) {
  const res = await fetch(`/api/v1/spaces/${region}/${name}/solar`);
  if (!res.ok) return;
  const solar = await res.json();
  const byId = new Map(solar.buildings.map((b) => [b.id, b]));
  // Only roof faces (normals pointing up) take the class colour; walls keep the building colour.
  const painted = new THREE.MeshStandardMaterial({ vertexColors: true, roughness: 0.85 });
  const wall = new THREE.Color(0xd8c7a4);
  let coloured = 0;
  for (const mesh of buildings.children) {
    const b = byId.get(mesh.name);
    if (!b) continue;
    const roof = new THREE.Color(SOLAR_COLOURS[b.class] ?? 0xd8c7a4);
    const normals = mesh.geometry.getAttribute("normal");
    const colours = new Float32Array(normals.count * 3);
    for (let i = 0; i < normals.count; i++) {
      const c = normals.getY(i) > 0.5 ? roof : wall;
      colours.set([c.r, c.g, c.b], i * 3);
    }
    mesh.geometry.setAttribute("color", new THREE.BufferAttribute(colours, 3));
    mesh.material = painted;
    mesh.userData.solar = b;
    coloured += 1;
  }
  solarState = { coloured, year: solar.year, open: solar.openHorizontalKWhPerM2 };
  log(t("solarLegend", { year: solar.year, open: Math.round(solar.openHorizontalKWhPerM2) }));
}

/** Reads a response body while showing how much has arrived. */
async function download(response) {
  const total = Number(response.headers.get("Content-Length")) || 0;
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    if (total) {
      $("loading").hidden = false;
      $("loading").value = Math.round((received / total) * 100);
      $("status").textContent = t("loading", { percent: $("loading").value });
    }
  }
  $("loading").hidden = true;
  const bytes = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) { bytes.set(c, at); at += c.length; }
  return bytes.buffer;
}

function log(text, ...extra) {
  const p = document.createElement("p");
  p.textContent = text;
  p.append(...extra);
  $("log").append(p);
  while ($("log").children.length > 100) $("log").firstChild.remove();
  $("log").scrollTop = $("log").scrollHeight;
}

let joinedInfo = null;
let lastPresence = 0;
let presenceTimer = null;
function requestPresence() {
  lastPresence = performance.now();
  presenceTimer = null;
  connection.send({ type: "presenceRequest" });
}
/** Asks for presence as soon as the server's rate allows (about one a second). */
function presenceSoon() {
  if (presenceTimer) return;
  presenceTimer = setTimeout(requestPresence, Math.max(0, 1200 - (performance.now() - lastPresence)));
}
const connection = new Connection({
  onStatus: (kind, reason) => { $("status").textContent = kind === "closed" ? t("closed", { reason }) : reason; },
  onMessage: (m) => {
    switch (m.type) {
      case "joined":
        joinedInfo = m;
        spaceId = m.space;
        connection.moveTo(m.space);
        Object.assign(self, { x: m.x, y: m.y, z: m.z, heading: m.heading, joined: true });
        avatars.setJoined(m);
        portalSent = false;
        buildSpace(m.space).then(() => {
          $("status").textContent = t("connected", { space: m.space });
          // The visitor's own record, kept in this browser (synced only sealed: see the personas page).
          lifelog.record(gallery.works.length ? "exhibition" : "visit", m.space, spaceTitle);
        });
        $("teleport").value = m.space;
        connection.send({ type: "setBoundary", mode: Number($("boundary").value) });
        crowdOverlay.show(m.space, $("density").checked);
        requestPresence();
        break;
      case "snapshot": {
        avatars.apply(m);
        // Someone came or went: refresh the presence list (the server allows about one a second).
        if (m.enters.length || m.leaves.length) presenceSoon();
        const dx = m.selfX - self.x;
        const dy = m.selfY - self.y;
        // Take the server's word when it corrected us or we drifted; small errors blend out.
        if (m.flags & 2 || dx * dx + dy * dy > 1) { self.x = m.selfX; self.y = m.selfY; }
        else { self.x += dx * 0.1; self.y += dy * 0.1; }
        break;
      }
      case "chat": log(`${m.name}: ${m.text}`); break;
      case "presence":
        $("people").textContent = t("people", { count: m.total });
        $("names").replaceChildren(...m.entries.map((e) => {
          const li = document.createElement("li");
          const label = e.flags & 1 ? `${e.name} (${t("guest")})` : e.name;
          if (e.entityId === joinedInfo?.entityId) {
            li.textContent = `${label} (${t("you")})`;
          } else {
            // Each other person has a menu: mute, block, report, befriend.
            const button = document.createElement("button");
            button.type = "button";
            button.textContent = label;
            button.dataset.entity = e.entityId;
            button.addEventListener("click", () => openPersonMenu({ id: e.entityId, name: e.name }, send));
            li.append(button);
          }
          return li;
        }));
        break;
      case "notice":
        if (m.kind === NOTICE.tour) {
          tourNotice(m);
        } else if (m.kind === NOTICE.friendRequest) {
          const accept = document.createElement("button");
          accept.type = "button";
          accept.textContent = t("accept");
          accept.addEventListener("click", () => { send({ type: "relate", action: RELATE.friend, entityId: m.entityId }); accept.remove(); });
          log(t("notice", { text: m.text }), accept);
        } else {
          log(t("notice", { text: m.text }));
        }
        // Someone blocked or was blocked: the presence list changes too.
        presenceSoon();
        break;
      case "error": log(t("error", { message: m.message })); break;
      case "left": self.joined = false; break;
      default: break;
    }
  },
});
/** Sends one client message (menus and notices use it). */
const send = (m) => connection.send(m);

/** Tours: a guide's start offers a Join button; stops are named and their frame highlighted. */
function tourNotice(m) {
  const mine = m.entityId === joinedInfo?.entityId;
  if (m.text === "started" && !mine) {
    const join = document.createElement("button");
    join.type = "button";
    join.textContent = t("joinTour");
    join.addEventListener("click", () => { send({ type: "tour", action: TOUR.join, entityId: m.entityId }); join.remove(); });
    log(t("tourStarted"), join);
  } else if (m.text === "joined") {
    const leave = document.createElement("button");
    leave.type = "button";
    leave.textContent = t("leaveTour");
    leave.addEventListener("click", () => { send({ type: "tour", action: TOUR.leave, entityId: 0 }); leave.remove(); });
    log(t("tourJoined"), leave);
  } else if (m.text.startsWith("stop:")) {
    const work = gallery.works.find((w) => w.artwork.id === m.text.slice(5));
    log(t("tourStop", { title: work ? `${work.artwork.title} — ${work.artwork.artist}` : m.text.slice(5) }));
    lifelog.record("tourStop", spaceId, work ? `${work.artwork.title} — ${work.artwork.artist}` : m.text.slice(5));
    gallery.highlight(m.text.slice(5));
    // Everyone on the tour hears the stop: the curator's narration, else what the catalogue says.
    if (work) {
      const a = work.artwork;
      const lang = document.documentElement.lang;
      docentPanel.speak(a.narration?.[lang] || [a.title, a.artist, a.dateText, a.medium].filter(Boolean).join(", "), lang);
    }
  } else {
    if (m.text === "started" && mine) $("announce-stop").hidden = false;
    if (m.text === "ended") $("announce-stop").hidden = true;
    log(t(`tour_${m.text}`));
  }
}
$("boundary").value = localStorage.getItem("bitgoeul.boundary") || "0";
$("density").addEventListener("change", (e) => crowdOverlay.show(spaceId, e.target.checked));
// Docents lead tours from here (the server refuses others with a message) and announce each stop.
$("start-tour").addEventListener("click", () => send({ type: "tour", action: TOUR.start, entityId: 0 }));
$("announce-stop").addEventListener("click", () => {
  // The work the group stands at: the nearest within 8 m.
  const work = gallery.nearest(self.x, self.y, 8);
  if (work) send({ type: "tourStop", artwork: work.artwork.id });
});
$("boundary").addEventListener("change", (e) => {
  localStorage.setItem("bitgoeul.boundary", e.target.value);
  send({ type: "setBoundary", mode: Number(e.target.value) });
});
await buildSpace(spaceId);
// With a session and a chosen persona, enter as that persona; otherwise as a guest.
if (personaParam && sessionToken) {
  connection.open({ type: "join", space: spaceId, personaId: personaParam }, sessionToken);
} else {
  connection.open({ type: "joinGuest", space: spaceId, name: guestName, appearance });
}

const world_ = await (await fetch("/api/v1/world")).json();
for (const region of world_.regions) {
  for (const s of region.spaces) {
    const option = new Option(`${s.name.ko} · ${s.name.en} (${s.occupancy})`, s.id);
    $("teleport").append(option);
  }
}
$("teleport").value = spaceId;
// The map in the teleport menu: pick a place to go there.
drawOverview($("overview"), world_, document.documentElement.lang, (s) => {
  connection.send({ type: "teleportSpace", space: s.id });
  $("mapbox").open = false;
});
$("teleport").addEventListener("change", (e) => connection.send({ type: "teleportSpace", space: e.target.value }));
$("chat").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("text").value.trim();
  if (text) connection.send({ type: "chat", scope: Number($("scope").value), text });
  $("text").value = "";
});

// Click (or tap) on the ground to walk there.
const raycaster = new THREE.Raycaster();
let clickTarget = null;
renderer.domElement.addEventListener("click", (e) => {
  const pointer = new THREE.Vector2((e.clientX / innerWidth) * 2 - 1, -(e.clientY / innerHeight) * 2 + 1);
  raycaster.setFromCamera(pointer, camera);
  // A click on someone's name tag opens their menu instead of walking.
  const people = [...avatars.entities.values()].filter((p) => p.tag);
  const tagHit = raycaster.intersectObjects(people.map((p) => p.tag))[0];
  if (tagHit) {
    const person = people.find((p) => p.tag === tagHit.object);
    openPersonMenu({ id: person.id, name: person.name }, send);
    return;
  }
  const ground = new THREE.Plane(new THREE.Vector3(0, 1, 0), -self.z);
  const hit = raycaster.ray.intersectPlane(ground, new THREE.Vector3());
  if (hit) clickTarget = { x: hit.x, y: -hit.z };
});

// A touch joystick: drag anywhere on the lower right of the screen.
const stick = { active: false, x: 0, y: 0, ox: 0, oy: 0 };
renderer.domElement.addEventListener("pointerdown", (e) => {
  if (e.pointerType !== "touch" || e.clientX < innerWidth / 2) return;
  Object.assign(stick, { active: true, ox: e.clientX, oy: e.clientY, x: 0, y: 0 });
});
addEventListener("pointermove", (e) => {
  if (!stick.active) return;
  stick.x = Math.max(-1, Math.min(1, (e.clientX - stick.ox) / 60));
  stick.y = Math.max(-1, Math.min(1, (e.clientY - stick.oy) / 60));
});
addEventListener("pointerup", () => { stick.active = false; stick.x = 0; stick.y = 0; });

const keys = new Set();
// Walking keys count only when no text field, list or menu has the keyboard.
addEventListener("keydown", (e) => {
  if (["INPUT", "TEXTAREA", "SELECT"].includes(e.target.tagName) || document.querySelector("dialog[open]")) return;
  keys.add(e.code);
});
addEventListener("keyup", (e) => keys.delete(e.code));
let seq = 0;
let sinceSend = 0;
let last = performance.now();
setInterval(requestPresence, 5000);

const docentPanel = new DocentPanel($("docent"), { space: () => spaceId, position: () => self });
const frameTimes = new Float32Array(600);
let frameCount = 0;

function frame(now) {
  frameTimes[frameCount++ % frameTimes.length] = now - last;
  const dt = Math.min(0.1, (now - last) / 1000);
  last = now;
  if (self.joined) {
    let turn = (keys.has("KeyA") || keys.has("ArrowLeft") ? 1 : 0) - (keys.has("KeyD") || keys.has("ArrowRight") ? 1 : 0) - stick.x;
    let forward = (keys.has("KeyW") || keys.has("ArrowUp") ? 1 : 0) - (keys.has("KeyS") || keys.has("ArrowDown") ? 1 : 0) - stick.y;
    const running = keys.has("ShiftLeft") || keys.has("ShiftRight") || Math.hypot(stick.x, stick.y) > 0.9;
    if (turn !== 0 || forward !== 0) clickTarget = null;
    if (clickTarget) {
      // Face the clicked spot and walk until close.
      const dx = clickTarget.x - self.x;
      const dy = clickTarget.y - self.y;
      if (dx * dx + dy * dy < 0.25) {
        clickTarget = null;
      } else {
        let delta = Math.atan2(dy, dx) - self.heading;
        delta = Math.atan2(Math.sin(delta), Math.cos(delta));
        self.heading += Math.max(-4 * dt, Math.min(4 * dt, delta));
        forward = Math.abs(delta) < 0.6 ? 1 : 0;
        turn = 0;
      }
    }
    forward = Math.max(-1, Math.min(1, forward));
    self.heading += turn * 2.2 * dt;
    const speed = forward * (running ? 3.8 : 1.35);
    self.x += Math.cos(self.heading) * speed * dt;
    self.y += Math.sin(self.heading) * speed * dt;
    // Walking into a portal's ring takes you through it (once, until the next space).
    for (const p of portals) {
      const dx = self.x - p.position[0];
      const dy = self.y - p.position[1];
      if (!portalSent && speed !== 0 && dx * dx + dy * dy < p.radius * p.radius) {
        portalSent = true;
        connection.send({ type: "teleportPortal", portalId: p.id });
      }
    }
    sinceSend += dt;
    if (sinceSend >= 0.05) {
      sinceSend = 0;
      seq += 1;
      connection.send({ type: "move", seq, x: self.x, y: self.y, z: self.z, heading: self.heading,
        animation: speed === 0 ? 0 : running ? 2 : 1 });
    }
  }
  me.position.copy(toThree(self.x, self.y, self.z));
  me.rotation.y = self.heading - Math.PI / 2;
  const behind = toThree(self.x - Math.cos(self.heading) * 9, self.y - Math.sin(self.heading) * 9, self.z + 5);
  camera.position.lerp(behind, Math.min(1, dt * 4));
  camera.lookAt(toThree(self.x, self.y, self.z + 1.5));
  avatars.update(dt);
  docentPanel.show(gallery.nearest(self.x, self.y));
  renderer.render(scene, camera);
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
/** Frame-time percentiles over the last 600 frames and the JS heap, for the benchmark. */
function frameStats() {
  const n = Math.min(frameCount, frameTimes.length);
  const sorted = Array.from(frameTimes.subarray(0, n)).sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(n - 1, Math.ceil(p * n) - 1)] || 0;
  return { frames: n, p50_ms: at(0.5), p99_ms: at(0.99), visible: avatars.entities.size,
    heap_mb: performance.memory ? performance.memory.usedJSHeapSize / 1e6 : null };
}
window.bitgoeul = { get solar() { return solarState; }, avatars, self, connection, frameStats, crowdOverlay, gallery, openPersonMenu: (id, name) => openPersonMenu({ id, name }, send),
  get joined() { return joinedInfo; } };
