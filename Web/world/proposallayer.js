// A proposal drawn into the space (docs/planning.md): its new buildings as light glass masses, its models (the GLB
// where it reads, else its outline raised to its height), the buildings it removes hidden, its closed areas as a red
// floor with an outline; and its effects: the roofs that lose (or gain) sun tinted, the ten largest changes labelled,
// and on the ground (world/groundoverlays.js) the added shadow of a solstice and the crowd's peak density. Shown only
// while the page is on the proposed layer, but for the density, which can be compared on either layer.
import * as THREE from "three";
import { nameTag } from "./avatars.js";
import { parseGLB } from "./glb.js";
import { GroundOverlays } from "./groundoverlays.js";
import { BUILDING_COLOUR } from "./place.js";
import { toThree } from "./scene.js";

const GLASS = { color: 0x9fd3ec, emissive: 0x0f2c3c, roughness: 0.1, metalness: 0.4, transparent: true, opacity: 0.9 };
/** The edges of what the plan adds, so its masses read as proposed against today's buildings. */
const EDGE_COLOUR = 0xf2fbff;
const CLOSED_COLOUR = 0xe0303a;
/** Tints of a roof that loses sun and of one that gains, reached at this change (percent). */
const LOSS_COLOUR = 0x3b4cc0;
const GAIN_COLOUR = 0xf4a000;
const FULL_TINT_PERCENT = 15;
const LABELLED_ROOFS = 10;

/** @typedef {import("../net/proposals.js").View} View */
/** @typedef {import("../net/proposals.js").Effects} Effects */
/** @typedef {import("../net/proposals.js").Change} Change */
/** @typedef {import("./groundoverlays.js").Season} Season */
/** @typedef {import("./groundoverlays.js").DensityRun} DensityRun */

/**
 * A ring of the space's frame as a three.js shape (x east, y north); extruded and turned by -90° about x, its
 * height goes up and north goes to -z.
 * @param {[number, number][]} ring
 */
const shape = (ring) => new THREE.Shape(ring.map(([e, n]) => new THREE.Vector2(e, n)));

/**
 * `ring` raised `heightM` from `baseM`.
 * @param {[number, number][]} ring
 * @param {number} heightM
 * @param {THREE.Material} material
 */
function prism(ring, heightM, material, baseM = 0) {
  const geometry = new THREE.ExtrudeGeometry(shape(ring), { depth: heightM, bevelEnabled: false });
  const mesh = new THREE.Mesh(geometry, material);
  mesh.rotation.x = -Math.PI / 2;
  mesh.position.y = baseM;
  return mesh;
}

/**
 * `prism` with its edges drawn.
 * @param {[number, number][]} ring
 * @param {number} heightM
 * @param {THREE.Material} material
 * @param {THREE.Material} edges
 */
function outlinedPrism(ring, heightM, material, edges) {
  const mesh = prism(ring, heightM, material);
  mesh.add(new THREE.LineSegments(new THREE.EdgesGeometry(mesh.geometry, 20), edges));
  return mesh;
}

/**
 * A colour between `from` and `to`.
 * @param {number} from
 * @param {number} to
 * @param {number} f  0…1
 */
function mix(from, to, f) {
  const channel = (shift) => {
    const a = (from >> shift) & 0xff;
    return Math.round(a + (((to >> shift) & 0xff) - a) * f) << shift;
  };
  return channel(16) | channel(8) | channel(0);
}

/** The tint of a roof whose yield changes by `deltaPercent`. @param {number} deltaPercent */
export function roofTint(deltaPercent) {
  const f = Math.min(1, Math.abs(deltaPercent) / FULL_TINT_PERCENT);
  return mix(BUILDING_COLOUR, deltaPercent < 0 ? LOSS_COLOUR : GAIN_COLOUR, f);
}

export class ProposalLayer {
  /**
   * @param {THREE.Scene} scene
   * @param {THREE.Group} world  the space's own world (its buildings are meshes named by building id)
   */
  constructor(scene, world) {
    this.world = world;
    this.group = new THREE.Group();
    this.group.visible = false;
    this.group.userData.proposalLayer = true;
    scene.add(this.group);
    this.glass = new THREE.MeshStandardMaterial(GLASS);
    this.closed = new THREE.MeshBasicMaterial({ color: CLOSED_COLOUR, transparent: true, opacity: 0.35,
      depthWrite: false });
    this.outline = new THREE.LineBasicMaterial({ color: 0xff2a2a });
    this.edges = new THREE.LineBasicMaterial({ color: EDGE_COLOUR });
    this.roofMaterial = new THREE.MeshStandardMaterial({ vertexColors: true, roughness: 0.85 });
    /** @type {View | null} */
    this.view = null;
    /** @type {Effects | null} */
    this.effects = null;
    /** The added shadow and the crowd density on the ground. */
    this.overlays = new GroundOverlays(scene, this.group);
    /** The space's buildings this layer hid or tinted, with what to give back. */
    /** @type {THREE.Object3D[]} */
    this.hidden = [];
    /** @type {{ mesh: THREE.Mesh, material: THREE.Material, colour: THREE.BufferAttribute | undefined }[]} */
    this.tinted = [];
    /** Labels of the roofs that change most. */
    this.labels = new THREE.Group();
    this.group.add(this.labels);
    /** Counts draws: models arriving for a proposal no longer drawn are dropped. */
    this.generation = 0;
  }

  /** Whether the proposed layer is shown. */
  get shown() { return this.group.visible; }

  /**
   * Draws `view`'s changes (hidden until `show(true)`), replacing any proposal drawn before.
   * @param {View} view
   */
  draw(view) {
    this.clear();
    const mine = ++this.generation;
    this.view = view;
    for (const change of view.changes ?? []) {
      if (change.kind === "add_building" && change.ring) {
        this.add(outlinedPrism(change.ring, change.heightM, this.glass, this.edges), change);
      } else if (change.kind === "add_model" && change.ring) {
        this.model(change, mine);
      } else if (change.kind === "close_area" && change.ring) {
        this.add(prism(change.ring, 0.04, this.closed, 0.03), change);
        const points = [...change.ring, change.ring[0]].map(([e, n]) => toThree(e, n, 0.09));
        this.add(new THREE.LineLoop(new THREE.BufferGeometry().setFromPoints(points), this.outline), change);
      }
    }
  }

  /**
   * @param {THREE.Object3D} object
   * @param {Change} change
   */
  add(object, change) {
    object.name = `proposal:${change.id ?? change.kind}`;
    object.userData.change = change.id ?? change.kind;
    object.userData.kind = change.kind;
    this.group.add(object);
  }

  /**
   * A model: its GLB at its place, turned clockwise from north by its heading (the model's -z faces north at 0°, as
   * in the space's own GLB); its outline raised to its height when the GLB cannot be read here.
   * @param {Change} change
   * @param {number} generation
   */
  async model(change, generation) {
    let object;
    try {
      const res = await fetch(change.url);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      object = parseGLB(await res.arrayBuffer(), this.glass);
      if (!object.children.length) throw new Error("no meshes");
      object.position.copy(toThree(change.at[0], change.at[1], 0));
      object.rotation.y = -((change.headingDeg ?? 0) * Math.PI) / 180;
    } catch {
      object = outlinedPrism(change.ring, change.heightM, this.glass, this.edges);
    }
    if (generation === this.generation) this.add(object, change);
  }

  /**
   * Takes a version's effects: the shadow and density grids and the roofs to tint (shown with the layer).
   * @param {Effects | null} effects
   */
  setEffects(effects) {
    this.effects = effects?.state === "done" ? effects : null;
    this.overlays.setEffects(this.effects);
    if (this.shown) this.tintRoofs(true);
  }

  /** Which solstice's added shadow lies on the ground (with the plan), or none. */
  get season() { return this.overlays.season; }
  /** @param {Season} season */
  setSeason(season) { this.overlays.setSeason(season); }

  /** Which run's peak crowd density lies on the ground (on either layer), or none. */
  get densityRun() { return this.overlays.run; }
  /** @param {DensityRun} run */
  setDensity(run) { this.overlays.setDensity(run); }

  /**
   * Shows or hides the proposal: its objects and overlays, the buildings it removes (hidden while shown) and the
   * roofs' tints.
   * @param {boolean} on
   */
  show(on) {
    this.group.visible = on && !!this.view;
    for (const mesh of this.hidden) mesh.visible = true;
    this.hidden = [];
    if (this.group.visible) {
      const buildings = this.buildings();
      const removed = (this.view.changes ?? []).filter((c) => c.kind === "remove_buildings")
        .flatMap((c) => c.ids ?? []);
      for (const id of removed) {
        const mesh = buildings.get(id);
        if (mesh) { mesh.visible = false; this.hidden.push(mesh); }
      }
    }
    this.tintRoofs(this.group.visible);
  }

  /**
   * The space's building meshes by id (its buildings group is a child of the world).
   * @returns {Map<string, THREE.Mesh>}
   */
  buildings() {
    const out = new Map();
    for (const child of this.world.children) {
      for (const mesh of child.children) if (mesh.name) out.set(mesh.name, /** @type {THREE.Mesh} */ (mesh));
    }
    return out;
  }

  /**
   * Tints the roofs the effects name (walls keep their colour) and labels the ten that change most; or gives every
   * tinted building its own colours back.
   * @param {boolean} on
   */
  tintRoofs(on) {
    for (const { mesh, material, colour } of this.tinted) {
      if (mesh.material !== this.roofMaterial) continue;  // recoloured since (the solar analysis arrived)
      mesh.material = material;
      if (colour) mesh.geometry.setAttribute("color", colour);
      else mesh.geometry.deleteAttribute("color");
    }
    this.tinted = [];
    for (const label of this.labels.children) /** @type {THREE.Sprite} */ (label).material.map?.dispose();
    this.labels.clear();
    const roofs = on ? this.effects?.solar?.roofs ?? [] : [];
    if (!roofs.length) return;
    const buildings = this.buildings();
    const wall = new THREE.Color(BUILDING_COLOUR);
    const labelled = new Set([...roofs].sort((a, b) => Math.abs(b.deltaKWh) - Math.abs(a.deltaKWh))
      .slice(0, LABELLED_ROOFS).map((r) => r.id));
    for (const roof of roofs) {
      const mesh = buildings.get(roof.id);
      const normals = mesh?.geometry.getAttribute("normal");
      if (!normals) continue;
      const before = mesh.geometry.getAttribute("color");
      const tint = new THREE.Color(roofTint(roof.deltaPercent));
      const colours = new Float32Array(normals.count * 3);
      for (let i = 0; i < normals.count; i++) {
        if (normals.getY(i) > 0.5) colours.set([tint.r, tint.g, tint.b], i * 3);
        else if (before) colours.set([before.getX(i), before.getY(i), before.getZ(i)], i * 3);
        else colours.set([wall.r, wall.g, wall.b], i * 3);
      }
      this.tinted.push({ mesh, material: mesh.material, colour: before });
      mesh.geometry.setAttribute("color", new THREE.BufferAttribute(colours, 3));
      mesh.material = this.roofMaterial;
      if (labelled.has(roof.id)) this.label(mesh, roof.name, roof.deltaPercent);
    }
  }

  /**
   * A label with the building's name (where it has one) and the change in percent above the middle of its roof.
   * @param {THREE.Mesh} mesh
   * @param {string | undefined} name
   * @param {number} deltaPercent
   */
  label(mesh, name, deltaPercent) {
    const positions = mesh.geometry.getAttribute("position");
    let x = 0;
    let z = 0;
    let top = 0;
    for (let i = 0; i < positions.count; i++) {
      x += positions.getX(i);
      z += positions.getZ(i);
      top = Math.max(top, positions.getY(i));
    }
    const sign = deltaPercent > 0 ? "+" : "";
    const tag = nameTag(`${name ? `${name} ` : ""}${sign}${deltaPercent.toFixed(1)}%`);
    tag.scale.set(16, 4, 1);
    tag.position.set(x / positions.count, top + 3, z / positions.count);
    tag.userData.kind = "roofLabel";
    this.labels.add(tag);
  }

  /** The ids of the changes drawn and shown now (for the browser tests). @returns {string[]} */
  drawn() {
    if (!this.group.visible) return [];
    return [...new Set(this.group.children.filter((c) => c.userData.change).map((c) => c.userData.change))];
  }

  /** Forgets the proposal drawn: its objects, overlays, tints and hidden buildings. */
  clear() {
    this.generation += 1;
    this.show(false);
    this.effects = null;
    this.overlays.setEffects(null);
    for (const child of [...this.group.children]) {
      if (child === this.labels) continue;
      this.group.remove(child);
      for (const part of [child, ...child.children]) /** @type {THREE.Mesh} */ (part).geometry?.dispose();
    }
    this.view = null;
  }
}
