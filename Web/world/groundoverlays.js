// A proposal's effects on the ground (docs/planning.md, "Effects"), each grid a DataTexture on a plane just above the
// ground: the added shadow of a solstice, in the proposal's group (shown with the plan), and the crowd scenario's peak
// density today or with the plan, in a group of its own (shown on either layer, so the two runs can be compared where
// you stand), above the shadow. The pixels come from world/shadowmap.js and world/densitymap.js.
import * as THREE from "three";
import { decodeDensity, densityPixels } from "./densitymap.js";
import { toThree } from "./scene.js";
import { decodeSteps, shadowPixels } from "./shadowmap.js";

/** Heights of the planes: the density above the shadow and the closed areas' floor (0.03–0.07 m). */
const SHADOW_Y = 0.05;
const DENSITY_Y = 0.08;

/** @typedef {import("../net/proposals.js").Effects} Effects */
/** @typedef {"winter" | "summer" | "off"} Season */
/** @typedef {"today" | "proposed" | "off"} DensityRun */
/** @typedef {{ originE: number, originN: number, cellM: number, cols: number, rows: number }} Grid */

/**
 * A plane over `grid`'s cells showing `pixels` (RGBA, row 0 the grid's south edge), `heightM` above the ground.
 * @param {Grid} grid
 * @param {Uint8Array} pixels
 * @param {number} heightM
 */
function gridPlane(grid, pixels, heightM) {
  const texture = new THREE.DataTexture(pixels, grid.cols, grid.rows);
  texture.colorSpace = THREE.SRGBColorSpace;  // the ramps' colours are sRGB
  texture.needsUpdate = true;
  const width = grid.cols * grid.cellM;
  const depth = grid.rows * grid.cellM;
  const mesh = new THREE.Mesh(new THREE.PlaneGeometry(width, depth),
    new THREE.MeshBasicMaterial({ map: texture, transparent: true, depthWrite: false }));
  // Turned flat, the plane's lower edge (the texture's row 0) lies south.
  mesh.rotation.x = -Math.PI / 2;
  mesh.position.copy(toThree(grid.originE + width / 2, grid.originN + depth / 2, heightM));
  return mesh;
}

/**
 * Takes `mesh` out of `parent` and frees its texture, material and geometry.
 * @param {THREE.Object3D} parent
 * @param {THREE.Mesh<THREE.MeshBasicMaterial> | null} mesh
 */
function removePlane(parent, mesh) {
  if (!mesh) return;
  parent.remove(mesh);
  mesh.material.map?.dispose();
  mesh.material.dispose();
  mesh.geometry.dispose();
}

export class GroundOverlays {
  /**
   * @param {THREE.Scene} scene
   * @param {THREE.Group} plan  the proposal's group, visible while the plan is shown
   */
  constructor(scene, plan) {
    this.plan = plan;
    this.densityGroup = new THREE.Group();
    this.densityGroup.name = "proposal:density";
    scene.add(this.densityGroup);
    /** @type {Effects | null} */
    this.effects = null;
    /** @type {Season} */
    this.season = "winter";
    /** @type {DensityRun} */
    this.run = "today";
    /** @type {THREE.Mesh<THREE.MeshBasicMaterial> | null} */
    this.shadow = null;
    /** @type {THREE.Mesh<THREE.MeshBasicMaterial> | null} */
    this.density = null;
  }

  /** The run whose density lies on the ground now, or "" (for the browser tests). */
  get densityShown() { return this.density ? this.run : ""; }

  /** A version's effects (done), or none. @param {Effects | null} effects */
  setEffects(effects) {
    this.effects = effects;
    this.drawShadow();
    this.drawDensity();
  }

  /** Which solstice's added shadow lies on the ground, or none. @param {Season} season */
  setSeason(season) {
    this.season = season;
    this.drawShadow();
  }

  /** Which run's peak density lies on the ground, or none. @param {DensityRun} run */
  setDensity(run) {
    this.run = run;
    this.drawDensity();
  }

  /** @private */
  drawShadow() {
    removePlane(this.plan, this.shadow);
    this.shadow = null;
    const grid = this.effects?.shadow;
    const day = grid && this.season !== "off" ? grid[this.season] : null;
    if (!day?.addedSteps) return;
    const mesh = gridPlane(grid, shadowPixels(decodeSteps(day.addedSteps, grid.cols, grid.rows), grid.stepMin),
      SHADOW_Y);
    mesh.name = `proposal:shadow:${this.season}`;
    mesh.userData.kind = "shadow";
    this.shadow = mesh;
    this.plan.add(mesh);
  }

  /** @private */
  drawDensity() {
    removePlane(this.densityGroup, this.density);
    this.density = null;
    const grid = this.effects?.crowd?.density;  // absent from effects computed before the map was
    const cells = grid && this.run !== "off" ? grid[this.run] : null;
    if (!cells) return;
    let bytes;
    try {
      bytes = decodeDensity(cells, grid.cols, grid.rows);
    } catch (error) {
      console.warn(`The crowd density map is not drawn: ${error.message}`);
      return;
    }
    const mesh = gridPlane(grid, densityPixels(bytes), DENSITY_Y);
    mesh.renderOrder = 1;  // after the shadow, which lies just below
    mesh.name = `proposal:density:${this.run}`;
    mesh.userData.kind = "density";
    this.density = mesh;
    this.densityGroup.add(mesh);
  }
}
