// Exhibitions in a gallery space: a frame for each work where it hangs (with a label), and the
// artwork panel shown when the visitor comes near one. Images are not in the catalogue (only CC0
// metadata), so a frame shows the title card, not the picture.
import * as THREE from "three";
import { nameTag } from "./avatars.js";

export class Gallery {
  constructor(scene) {
    this.scene = scene;
    this.group = new THREE.Group();
    scene.add(this.group);
    this.works = [];
  }

  /** Loads and draws the exhibitions of `spaceId`; returns them. */
  async load(spaceId) {
    this.group.clear();
    this.works = [];
    const { exhibitions } = await (await fetch(`/api/v1/exhibitions?space=${encodeURIComponent(spaceId)}`)).json();
    for (const summary of exhibitions) {
      const full = await (await fetch(`/api/v1/exhibitions/${summary.id}`)).json();
      for (const { placement: p, artwork } of full.works) {
        this.works.push({ ...p, artwork, exhibition: full.exhibition });
        const frame = new THREE.Mesh(new THREE.BoxGeometry(p.width, p.height, 0.06),
          new THREE.MeshStandardMaterial({ color: 0x24262b, emissive: 0x0c1a2a }));
        // The work faces `heading` (radians from east); three.js: x east, y up, -z north.
        frame.position.set(p.x, p.z, -p.y);
        frame.rotation.y = p.heading - Math.PI / 2;
        const label = nameTag(`${artwork.title} — ${artwork.artist}`);
        label.position.set(p.x + Math.cos(p.heading) * 0.3, p.z - p.height / 2 - 0.25, -(p.y + Math.sin(p.heading) * 0.3));
        frame.userData.artwork = artwork.id;
        this.group.add(frame, label);
      }
    }
    return exhibitions;
  }

  /** Lights the frame of the tour's current stop (and dims the others). */
  highlight(artworkId) {
    for (const child of this.group.children) {
      if (!child.userData.artwork) continue;
      const frame = /** @type {THREE.Mesh<THREE.MeshStandardMaterial>} */ (child);  // only frames name an artwork
      frame.material.emissive.setHex(frame.userData.artwork === artworkId ? 0xffc84a : 0x0c1a2a);
    }
  }

  /** The work nearest to (x, y) within `radius` metres, or null. */
  nearest(x, y, radius = 4.5) {
    let best = null;
    let bestD = radius;
    for (const w of this.works) {
      const d = Math.hypot(w.x - x, w.y - y);
      if (d <= bestD) { best = w; bestD = d; }
    }
    return best;
  }
}
