// The density overlay of a simulated crowd: the latest density grid of each crowd running in the
// space, drawn on the ground in Fruin's level-of-service colours (A blue … F red), refreshed every 2 s.
import * as THREE from "three";
import { FRUIN_LEVELS, levelIndex } from "./densitymap.js";

export class CrowdOverlay {
  constructor(scene) {
    this.scene = scene;
    this.meshes = new Map();
    this.timer = null;
  }

  /** Starts (or with `enabled` false stops) showing the crowds of `spaceId`. */
  show(spaceId, enabled) {
    clearInterval(this.timer);
    this.clear();
    if (!enabled) return;
    const refresh = () => this.refresh(spaceId).catch(() => {});
    refresh();
    this.timer = setInterval(refresh, 2000);
  }

  clear() {
    for (const mesh of this.meshes.values()) {
      this.scene.remove(mesh);
      mesh.material.map?.dispose();
      mesh.geometry.dispose();
    }
    this.meshes.clear();
  }

  async refresh(spaceId) {
    const [region, name] = spaceId.split("/");
    const base = `/api/v1/spaces/${region}/${name}/simulations`;
    const { simulations } = await (await fetch(base)).json();
    const running = simulations.filter((s) => s.running).map((s) => s.state.id);
    for (const [id, mesh] of this.meshes) {
      if (!running.includes(id)) { this.scene.remove(mesh); this.meshes.delete(id); }
    }
    for (const id of running) {
      const crowd = await (await fetch(`${base}/${id}`)).json();
      if (crowd.density) this.draw(id, crowd.density);
    }
  }

  draw(id, grid) {
    const pixels = new Uint8Array(grid.cols * grid.rows * 4);
    grid.personsPerM2.forEach((d, i) => {
      if (d <= 0) return;
      pixels.set([...FRUIN_LEVELS[levelIndex(d)].rgb, 170], i * 4);
    });
    const texture = new THREE.DataTexture(pixels, grid.cols, grid.rows);
    texture.magFilter = THREE.NearestFilter;
    texture.needsUpdate = true;
    let mesh = this.meshes.get(id);
    if (!mesh) {
      const width = grid.cols * grid.cellM;
      const depth = grid.rows * grid.cellM;
      mesh = new THREE.Mesh(new THREE.PlaneGeometry(width, depth),
        new THREE.MeshBasicMaterial({ transparent: true, depthWrite: false }));
      // Ground plane: x east, y north → three.js x, -z; texture row 0 is the south edge.
      mesh.rotation.x = -Math.PI / 2;
      mesh.position.set(grid.minX + width / 2, 0.03, -(grid.minY + depth / 2));
      this.scene.add(mesh);
      this.meshes.set(id, mesh);
    }
    mesh.material.map?.dispose();
    mesh.material.map = texture;
    mesh.material.needsUpdate = true;
  }
}
