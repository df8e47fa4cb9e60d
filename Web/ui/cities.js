// The landing page's map of the federation: the cities' districts from the KOSTAT 2018 boundaries, a dot and a name
// for this city and each peer (where its server says it lies), each peer with its state and a link to its page.
import { element } from "./dom.js";
import { t } from "./i18n.js";

const svgNS = "http://www.w3.org/2000/svg";

/**
 * @typedef {{ project: (lonLat: number[]) => number[], viewBox: string, unit: number }} Projection
 */

/**
 * A plain equirectangular projection fitted to `points` ([longitude, latitude] pairs): longitude scaled by the
 * cosine of the middle latitude, north up, 1000 units to a degree of latitude. The view box holds every point
 * with a margin of `margin` of the larger side; `unit` is a hundredth of that side, to size dots and labels.
 * @param {number[][]} points
 * @param {number} [margin]
 * @returns {Projection}
 */
export function fitProjection(points, margin = 0.08) {
  const lons = points.map((p) => p[0]);
  const lats = points.map((p) => p[1]);
  const [west, east] = [Math.min(...lons), Math.max(...lons)];
  const [south, north] = [Math.min(...lats), Math.max(...lats)];
  const k = Math.cos((((south + north) / 2) * Math.PI) / 180);
  const project = ([lon, lat]) => [(lon - west) * k * 1000, (north - lat) * 1000];
  const [width, height] = project([east, south]);
  const side = Math.max(width, height, 1);
  const m = side * margin;
  return { project, viewBox: `${fmt(-m)} ${fmt(-m)} ${fmt(width + 2 * m)} ${fmt(height + 2 * m)}`, unit: side / 100 };
}

/** @param {number} v */
function fmt(v) { return v.toFixed(1); }

/**
 * Every [longitude, latitude] of a Polygon or MultiPolygon.
 * @param {{ type: string, coordinates: any }} geometry
 * @returns {number[][]}
 */
export function positions(geometry) {
  return polygonsOf(geometry).flat(2);
}

/**
 * The polygons (each a list of rings) of a Polygon or MultiPolygon; none for another geometry.
 * @param {{ type: string, coordinates: any }} geometry
 * @returns {number[][][][]}
 */
function polygonsOf(geometry) {
  if (geometry.type === "Polygon") return [geometry.coordinates];
  return geometry.type === "MultiPolygon" ? geometry.coordinates : [];
}

/**
 * An SVG path (`d`) of a Polygon or MultiPolygon: each ring closed.
 * @param {{ type: string, coordinates: any }} geometry
 * @param {(lonLat: number[]) => number[]} project
 */
export function pathOf(geometry, project) {
  let d = "";
  for (const rings of polygonsOf(geometry)) {
    for (const ring of rings) {
      d += ring.map((p, i) => {
        const [x, y] = project(p);
        return `${i ? "L" : "M"}${fmt(x)},${fmt(y)}`;
      }).join("") + "Z";
    }
  }
  return d;
}

/**
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number>} attributes
 * @returns {SVGElementTagNameMap[K]}
 */
function svgElement(tag, attributes) {
  const e = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, String(v));
  return e;
}

/**
 * Draws the federation into `svg` (the districts of `boundaries`, when there are any, and a dot per city that has
 * a place) and lists the cities in `list`: this one first, then each peer linked to its page, with its state.
 * @param {SVGSVGElement} svg
 * @param {HTMLElement} list
 * @param {{ features: { geometry: any, properties: Record<string, any> }[] } | null} boundaries
 * @param {import("../net/travel.js").Cities} cities
 */
export function drawCities(svg, list, boundaries, cities) {
  const features = boundaries?.features ?? [];
  const places = [
    { name: t("thisCity", { name: cities.me.name }), place: cities.me.place, status: "me", url: null },
    ...cities.cities.map((c) => ({ name: c.name, place: c.place, status: c.status, url: c.url })),
  ];
  const points = [...features.flatMap((f) => positions(f.geometry)), ...places.filter((p) => p.place)
    .map((p) => [p.place.longitude, p.place.latitude])];
  svg.replaceChildren();
  if (points.length) {
    const { project, viewBox, unit } = fitProjection(points);
    svg.setAttribute("viewBox", viewBox);
    for (const f of features) {
      const path = svgElement("path", { d: pathOf(f.geometry, project) });
      const title = svgElement("title", {});
      title.textContent = `${f.properties.name ?? ""} ${f.properties.name_eng ?? ""}`.trim();
      path.append(title);
      svg.append(path);
    }
    for (const p of places.filter((c) => c.place)) {
      const [x, y] = project([p.place.longitude, p.place.latitude]);
      const dot = svgElement("circle", { cx: fmt(x), cy: fmt(y), r: fmt(unit * 1.4), class: `city ${p.status}` });
      const label = svgElement("text", { x: fmt(x + unit * 2.2), y: fmt(y + unit * 1.2), "font-size": fmt(unit * 3.6) });
      label.textContent = p.url ? `${p.name} · ${t(`cityStatus_${p.status}`)}` : p.name;
      const mark = p.url ? svgElement("a", { href: p.url }) : svgElement("g", {});
      mark.append(dot, label);
      svg.append(mark);
    }
  }
  list.replaceChildren(...places.map((p) => p.url
    ? element("li", {}, element("a", { href: p.url, textContent: p.name }), " ",
      element("span", { className: `meta status-${p.status}`, textContent: t(`cityStatus_${p.status}`) }))
    : element("li", { textContent: p.name })));
}
