// The marker of a mission's current checkpoint in the space: a gold ring on the ground as wide as the checkpoint's
// mirror radius, a faint column of light to see it from afar, and a turning pin above its middle.
import * as THREE from "three";
import { toThree } from "./scene.js";

const BEAM_HEIGHT_M = 30;
const PIN_HEIGHT_M = 3.2;

export class MissionMarker {
  /** @param {THREE.Scene} scene */
  constructor(scene) {
    this.group = new THREE.Group();
    this.group.visible = false;
    this.gold = new THREE.MeshStandardMaterial({ color: 0xffc84a, emissive: 0x7a5200, roughness: 0.4 });
    /** @type {THREE.Mesh | null} */
    this.ring = null;
    this.beam = new THREE.Mesh(new THREE.CylinderGeometry(1, 1, BEAM_HEIGHT_M, 32, 1, true),
      new THREE.MeshBasicMaterial({ color: 0xffd86a, transparent: true, opacity: 0.16, depthWrite: false,
        side: THREE.DoubleSide }));
    this.beam.position.y = BEAM_HEIGHT_M / 2;
    this.pin = new THREE.Mesh(new THREE.CylinderGeometry(0.55, 0, 1.3, 4), this.gold);
    this.pin.position.y = PIN_HEIGHT_M;
    this.group.add(this.beam, this.pin);
    this.group.userData.missionMarker = true;
    this.radius = 0;
    this.time = 0;
    scene.add(this.group);
  }

  /**
   * Shows the marker at (x, y) of the space's ENU frame with a ring of `radius` metres.
   * @param {number} x
   * @param {number} y
   * @param {number} radius
   */
  show(x, y, radius) {
    if (radius !== this.radius || !this.ring) {
      if (this.ring) {
        this.group.remove(this.ring);
        this.ring.geometry.dispose();
      }
      this.ring = new THREE.Mesh(new THREE.TorusGeometry(radius, Math.min(0.25, 0.04 * radius + 0.05), 8, 64), this.gold);
      this.ring.rotation.x = Math.PI / 2;
      this.ring.position.y = 0.06;
      this.group.add(this.ring);
      this.radius = radius;
    }
    this.beam.scale.set(radius, 1, radius);
    this.group.position.copy(toThree(x, y, 0));
    this.group.visible = true;
  }

  hide() { this.group.visible = false; }

  get shown() { return this.group.visible; }

  /** Turns and bobs the pin. @param {number} dt  seconds since the last frame */
  update(dt) {
    if (!this.group.visible) return;
    this.time += dt;
    this.pin.rotation.y += dt * 1.6;
    this.pin.position.y = PIN_HEIGHT_M + Math.sin(this.time * 2) * 0.25;
  }
}
