// Other people in the space: one instanced body mesh (cheap for 64 avatars) plus a name tag each (a visitor's with
// their home city under the name), interpolated towards the latest snapshot so motion stays smooth between 20 Hz
// updates.
import * as THREE from "three";
import {
  ACCESSORY, ENTITY_GUEST, ENTITY_SIMULATED, ENTITY_VISITOR, SNAPSHOT_RESET, UPDATE_HEADING, UPDATE_POSITION, dequantize,
  headingRadians,
} from "../net/protocol.js";

const MAX = 128;
// Width and height factors per body shape (slim, regular, broad, small), as in figure.js.
const SHAPES = [[0.8, 1.0], [1, 1], [1.3, 1.0], [0.9, 0.8]];

/** One instanced mesh per body part, so every visible avatar costs a few matrix writes. */
function part(scene, geometry) {
  const mesh = new THREE.InstancedMesh(geometry, new THREE.MeshStandardMaterial({ roughness: 0.7 }), MAX);
  mesh.count = 0;
  mesh.instanceMatrix.setUsage(THREE.DynamicDrawUsage);
  scene.add(mesh);
  return mesh;
}

export class Avatars {
  constructor(scene) {
    this.scene = scene;
    // Unit parts, placed and scaled per avatar: legs, body (top colour) and head (skin).
    this.legs = part(scene, new THREE.CylinderGeometry(0.2, 0.16, 0.5, 12).translate(0, 0.25, 0));
    this.body = part(scene, new THREE.CapsuleGeometry(0.26, 0.75, 4, 12).translate(0, 0.45 + 0.635, 0));
    this.head = part(scene, new THREE.SphereGeometry(0.2, 16, 12).translate(0, 1.92, 0));
    this.hat = part(scene, new THREE.CylinderGeometry(0.16, 0.24, 0.18, 16).translate(0, 2.12, 0));
    this.hat.material.color.set(0x222222);
    this.entities = new Map();
    this.joined = null;
    this.matrix = new THREE.Matrix4();
    this.scale = new THREE.Vector3();
  }

  /** Forget everyone (new space or a reset snapshot). */
  clear() {
    for (const e of this.entities.values()) if (e.tag) this.scene.remove(e.tag);
    this.entities.clear();
  }

  /** @param {import("../net/protocol.js").Joined} joined */
  setJoined(joined) {
    this.joined = joined;
    this.clear();
  }

  /** @param {import("../net/protocol.js").Snapshot} snapshot */
  apply(snapshot) {
    if (!this.joined) return;
    if (snapshot.flags & SNAPSHOT_RESET) this.clear();
    for (const id of snapshot.leaves) {
      const e = this.entities.get(id);
      if (e?.tag) this.scene.remove(e.tag);
      this.entities.delete(id);
    }
    for (const e of snapshot.enters) {
      const [x, y, z] = dequantize(this.joined, e.x, e.y, e.z);
      const a = e.appearance;
      const simulated = (e.flags & ENTITY_SIMULATED) !== 0;
      // A visitor from another city: their home city's name.
      const home = e.flags & ENTITY_VISITOR ? e.home || null : null;
      const entity = { id: e.id, name: e.name, shape: SHAPES[a.bodyShape] || SHAPES[1], hat: a.accessory === ACCESSORY.hat,
        colours: [new THREE.Color(a.secondaryColor), new THREE.Color(a.primaryColor), new THREE.Color(a.skinColor)],
        target: [x, y, z], shown: [x, y, z], heading: headingRadians(e.heading), guest: (e.flags & ENTITY_GUEST) !== 0,
        home,
        // Digital humans are part of a simulated crowd: no name tag, no menu.
        simulated, tag: simulated ? null : nameTag(e.name, home ?? "") };
      if (entity.tag) this.scene.add(entity.tag);
      this.entities.set(e.id, entity);
    }
    for (const u of snapshot.updates) {
      const entity = this.entities.get(u.id);
      if (!entity) continue;
      if (u.mask & UPDATE_POSITION) entity.target = dequantize(this.joined, u.x, u.y, u.z);
      if (u.mask & UPDATE_HEADING) entity.heading = headingRadians(u.heading);
    }
  }

  /** Moves everyone a step towards their latest position and uploads the instances. */
  update(dt) {
    let i = 0;
    let hats = 0;
    const k = Math.min(1, dt * 12);
    const parts = [this.legs, this.body, this.head];
    for (const e of this.entities.values()) {
      if (i >= MAX) break;
      for (let c = 0; c < 3; c++) e.shown[c] += (e.target[c] - e.shown[c]) * k;
      // ENU (x east, y north, z up) to three.js (x, y up, -z north); body shape scales the figure.
      this.scale.set(e.shape[0], e.shape[1], e.shape[0]);
      this.matrix.makeRotationY(e.heading - Math.PI / 2).scale(this.scale).setPosition(e.shown[0], e.shown[2], -e.shown[1]);
      parts.forEach((mesh, p) => { mesh.setMatrixAt(i, this.matrix); mesh.setColorAt(i, e.colours[p]); });
      if (e.hat) this.hat.setMatrixAt(hats++, this.matrix);
      if (e.tag) e.tag.position.set(e.shown[0], e.shown[2] + 2.4 * e.shape[1], -e.shown[1]);
      i += 1;
    }
    for (const mesh of parts) {
      mesh.count = i;
      mesh.instanceMatrix.needsUpdate = true;
      if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    }
    this.hat.count = hats;
    this.hat.instanceMatrix.needsUpdate = true;
  }

  names() { return [...this.entities.values()].filter((e) => !e.simulated).map((e) => e.name); }
  /**
   * The home city of visitor `id` in view, or undefined (not a visitor, or not in view).
   * @param {number} id
   * @returns {string | undefined}
   */
  homeOf(id) { return this.entities.get(id)?.home ?? undefined; }
  /** How many digital humans are in view. */
  simulatedCount() { return [...this.entities.values()].filter((e) => e.simulated).length; }
}

/**
 * A sprite with the persona's name, always facing the camera; a `badge` (a visitor's home city) goes on a smaller,
 * warm band above the name, which stays where a plain tag's name is.
 * @param {string} text
 * @param {string} [badge]
 */
export function nameTag(text, badge = "") {
  const top = badge ? 32 : 0;
  const canvas = document.createElement("canvas");
  canvas.width = 256;
  canvas.height = 64 + top;
  const g = canvas.getContext("2d");
  g.fillStyle = "rgba(10, 20, 34, 0.7)";
  g.fillRect(0, top + 8, 256, 48);
  g.fillStyle = "#ffffff";
  g.font = "28px system-ui, 'Noto Sans KR', sans-serif";
  g.textAlign = "center";
  g.textBaseline = "middle";
  g.fillText(text, 128, top + 32, 240);
  if (badge) {
    g.fillStyle = "rgba(255, 207, 90, 0.92)";
    g.fillRect(28, 10, 200, 30);
    g.fillStyle = "#1a1206";
    g.font = "20px system-ui, 'Noto Sans KR', sans-serif";
    g.fillText(badge, 128, 25, 188);
  }
  const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ map: new THREE.CanvasTexture(canvas), depthWrite: false }));
  sprite.scale.set(2, canvas.height / 128, 1);
  // The name's line at the sprite's position, the badge above it.
  sprite.center.set(0.5, 32 / canvas.height);
  sprite.userData.name = text;
  if (badge) sprite.userData.home = badge;
  return sprite;
}
