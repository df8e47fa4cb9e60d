// Other people in the space: one instanced body mesh (cheap for 64 avatars) plus a name tag each,
// interpolated towards the latest snapshot so motion stays smooth between 20 Hz updates.
import * as THREE from "three";
import { dequantize, headingRadians } from "../net/protocol.js";

const MAX = 128;

export class Avatars {
  constructor(scene) {
    this.scene = scene;
    const body = new THREE.CapsuleGeometry(0.28, 1.1, 4, 12);
    body.translate(0, 0.83, 0);
    this.mesh = new THREE.InstancedMesh(body, new THREE.MeshStandardMaterial({ roughness: 0.7 }), MAX);
    this.mesh.count = 0;
    this.mesh.instanceMatrix.setUsage(THREE.DynamicDrawUsage);
    scene.add(this.mesh);
    this.entities = new Map();
    this.joined = null;
    this.matrix = new THREE.Matrix4();
  }

  /** Forget everyone (new space or a reset snapshot). */
  clear() {
    for (const e of this.entities.values()) this.scene.remove(e.tag);
    this.entities.clear();
  }

  setJoined(joined) {
    this.joined = joined;
    this.clear();
  }

  apply(snapshot) {
    if (!this.joined) return;
    if (snapshot.flags & 1) this.clear();
    for (const id of snapshot.leaves) {
      const e = this.entities.get(id);
      if (e) this.scene.remove(e.tag);
      this.entities.delete(id);
    }
    for (const e of snapshot.enters) {
      const [x, y, z] = dequantize(this.joined, e.x, e.y, e.z);
      const entity = { id: e.id, name: e.name, colour: new THREE.Color(e.appearance.primaryColor), target: [x, y, z],
        shown: [x, y, z], heading: headingRadians(e.heading), guest: (e.flags & 1) !== 0, tag: nameTag(e.name) };
      this.scene.add(entity.tag);
      this.entities.set(e.id, entity);
    }
    for (const u of snapshot.updates) {
      const entity = this.entities.get(u.id);
      if (!entity) continue;
      if (u.mask & 1) entity.target = dequantize(this.joined, u.x, u.y, u.z);
      if (u.mask & 2) entity.heading = headingRadians(u.heading);
    }
  }

  /** Moves everyone a step towards their latest position and uploads the instances. */
  update(dt) {
    let i = 0;
    const k = Math.min(1, dt * 12);
    for (const e of this.entities.values()) {
      if (i >= MAX) break;
      for (let c = 0; c < 3; c++) e.shown[c] += (e.target[c] - e.shown[c]) * k;
      // ENU (x east, y north, z up) to three.js (x, y up, -z north).
      this.matrix.makeRotationY(e.heading - Math.PI / 2).setPosition(e.shown[0], e.shown[2], -e.shown[1]);
      this.mesh.setMatrixAt(i, this.matrix);
      this.mesh.setColorAt(i, e.colour);
      e.tag.position.set(e.shown[0], e.shown[2] + 2.1, -e.shown[1]);
      i += 1;
    }
    this.mesh.count = i;
    this.mesh.instanceMatrix.needsUpdate = true;
    if (this.mesh.instanceColor) this.mesh.instanceColor.needsUpdate = true;
  }

  names() { return [...this.entities.values()].map((e) => e.name); }
}

/** A sprite with the persona's name, always facing the camera. */
export function nameTag(text) {
  const canvas = document.createElement("canvas");
  canvas.width = 256;
  canvas.height = 64;
  const g = canvas.getContext("2d");
  g.fillStyle = "rgba(10, 20, 34, 0.7)";
  g.fillRect(0, 8, 256, 48);
  g.fillStyle = "#ffffff";
  g.font = "28px system-ui, 'Noto Sans KR', sans-serif";
  g.textAlign = "center";
  g.textBaseline = "middle";
  g.fillText(text, 128, 32, 240);
  const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ map: new THREE.CanvasTexture(canvas), depthWrite: false }));
  sprite.scale.set(2, 0.5, 1);
  sprite.userData.name = text;
  return sprite;
}
