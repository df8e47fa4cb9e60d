// The overview map: Gwangju's five gu from the KOSTAT boundaries, with a dot for each mirrored place.
const svgNS = "http://www.w3.org/2000/svg";

/** Draws into `svg`; `onPick(space)` runs when a place is chosen (click or Enter). */
export async function drawOverview(svg, world, lang, onPick) {
  const res = await fetch("/api/v1/boundaries/gwangju_gu_kostat2018.geojson");
  if (!res.ok) return;
  const gu = await res.json();
  svg.replaceChildren();
  const k = Math.cos((35.16 * Math.PI) / 180);
  const xy = ([lon, lat]) => [(lon - 126.65) * k * 1000, (35.28 - lat) * 1000];
  let bounds = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of gu.features) {
    const polygons = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
    let d = "";
    for (const rings of polygons) {
      for (const ring of rings) {
        d += ring.map((p, i) => {
          const [x, y] = xy(p);
          bounds = [Math.min(bounds[0], x), Math.min(bounds[1], y), Math.max(bounds[2], x), Math.max(bounds[3], y)];
          return `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
        }).join("") + "Z";
      }
    }
    const path = document.createElementNS(svgNS, "path");
    path.setAttribute("d", d);
    const title = document.createElementNS(svgNS, "title");
    title.textContent = `${f.properties.name} ${f.properties.name_eng}`;
    path.append(title);
    svg.append(path);
  }
  svg.setAttribute("viewBox", `${bounds[0] - 5} ${bounds[1] - 5} ${bounds[2] - bounds[0] + 10} ${bounds[3] - bounds[1] + 10}`);
  for (const region of world.regions) {
    for (const s of region.spaces) {
      const [x, y] = xy([s.anchor.longitude, s.anchor.latitude]);
      if (x < bounds[0] || x > bounds[2] || y < bounds[1] || y > bounds[3]) continue;
      const place = document.createElementNS(svgNS, "g");
      place.setAttribute("tabindex", "0");
      place.setAttribute("role", "button");
      const name = (lang === "en" ? s.name.en : s.name.ko).split(/ [·(]/)[0];
      place.setAttribute("aria-label", name);
      const dot = document.createElementNS(svgNS, "circle");
      dot.setAttribute("cx", String(x));
      dot.setAttribute("cy", String(y));
      dot.setAttribute("r", "2.5");
      const label = document.createElementNS(svgNS, "text");
      label.setAttribute("x", String(x + 3));
      label.setAttribute("y", String(y - 3));
      label.textContent = name;
      place.append(dot, label);
      place.addEventListener("click", () => onPick(s));
      place.addEventListener("keydown", (e) => { if (e.key === "Enter") onPick(s); });
      place.style.cursor = "pointer";
      svg.append(place);
    }
  }
}
