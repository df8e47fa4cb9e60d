// The landing page: the map of Gwangju, and each space with its head count, a top-down plan and a way in; in a
// federation, the map of its cities.
import { fetchCities } from "../net/travel.js";
import { drawCities } from "../ui/cities.js";
import { byId } from "../ui/dom.js";
import { languageSwitch, loadLocale, t } from "../ui/i18n.js";
import { drawOverview } from "../ui/map.js";

const lang = await loadLocale();
languageSwitch(byId("lang", "select"), lang);
const list = byId("spaces", "ul");
const status = byId("status", "span");
const svgNS = "http://www.w3.org/2000/svg";

/** The cities of the federation, on their districts' map; nothing when this server is in no federation. */
async function showFederation() {
  const cities = await fetchCities();
  if (!cities) return;
  // The districts of the federation's demo cities (KOSTAT 2018); the dots and names are drawn without them too.
  const boundaries = await fetch("/api/v1/boundaries/federation_demo_sigungu_kostat2018.geojson")
    .then((res) => (res.ok ? res.json() : null)).catch(() => null);
  const map = /** @type {SVGSVGElement} */ (/** @type {unknown} */ (document.getElementById("cities-map")));
  drawCities(map, byId("cities", "ul"), boundaries, cities);
  byId("federation", "section").hidden = false;
}

/** A top-down plan of a space: x east, y north (flipped for SVG), in metres. */
async function plan(space) {
  const [region, name] = space.id.split("/");
  let polygons = [];
  // Imported footprints where the space has them (the summary lists its assets), else its schematic obstacles.
  const assets = space.assets.includes("footprints.json")
    ? await fetch(`/api/v1/spaces/${region}/${name}/assets/footprints.json`) : null;
  if (assets?.ok) {
    polygons = await assets.json();
  } else {
    const detail = await fetch(`/api/v1/spaces/${region}/${name}`);
    if (detail.ok) polygons = (await detail.json()).obstacles;
  }
  const b = space.bounds;
  const svg = document.createElementNS(svgNS, "svg");
  svg.setAttribute("class", "plan");
  svg.setAttribute("viewBox", `${b.minX} ${-b.maxY} ${b.maxX - b.minX} ${b.maxY - b.minY}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("planLabel", { name: lang === "en" ? space.name.en : space.name.ko, count: polygons.length }));
  for (const ring of polygons) {
    const p = document.createElementNS(svgNS, "polygon");
    p.setAttribute("points", ring.map(([x, y]) => `${x},${-y}`).join(" "));
    svg.append(p);
  }
  const r = Math.max(b.maxX - b.minX, b.maxY - b.minY) / 120;
  for (const [cls, points] of [["spawn", space.spawns.map((s) => s.position)], ["portal", space.portals.map((p) => p.position)]]) {
    for (const [x, y] of points) {
      const c = document.createElementNS(svgNS, "circle");
      c.setAttribute("class", cls);
      c.setAttribute("cx", String(x));
      c.setAttribute("cy", String(-y));
      c.setAttribute("r", String(r));
      svg.append(c);
    }
  }
  return svg;
}

showFederation();
try {
  const res = await fetch("/api/v1/world");
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const world = await res.json();
  await drawOverview(document.getElementById("overview"), world, lang,
    (space) => { location.href = `space.html?space=${encodeURIComponent(space.id)}`; });
  for (const region of world.regions) {
    for (const s of region.spaces) {
      const li = document.createElement("li");
      const full = s.occupancy >= s.capacity;
      li.innerHTML = `<strong></strong> <span class="meta"></span><br><span class="meta coords"></span>`;
      li.querySelector("strong").textContent = lang === "en" ? s.name.en : s.name.ko;
      if (s.allowGuests) {
        const enter = document.createElement("a");
        enter.href = `space.html?space=${encodeURIComponent(s.id)}`;
        enter.textContent = ` → ${t("enterAsGuest")}`;
        li.querySelector("strong").after(enter);
      }
      const meta = li.querySelector(".meta");
      meta.textContent = t(full ? "occupancyFull" : "occupancy", { count: s.occupancy, capacity: s.capacity });
      if (full) meta.classList.add("full");
      const area = s.areas.map((a) => `${a.name.ko} ${a.name.en}`).join(" · ");
      li.querySelector(".coords").textContent = `${s.anchor.latitude.toFixed(5)}°N ${s.anchor.longitude.toFixed(5)}°E` +
        `${area ? " · " + area : ""} · ${t(`kind_${s.kind}`)} · ${t(s.allowGuests ? "guestsWelcome" : "signInNeeded")}`;
      li.append(await plan(s));
      if (s.attribution) {
        const credit = document.createElement("div");
        credit.className = "credit";
        credit.textContent = s.attribution;
        li.append(credit);
      }
      list.append(li);
    }
  }
  status.textContent = "";
} catch (e) {
  status.textContent = t("unreachable", { message: e.message });
}
