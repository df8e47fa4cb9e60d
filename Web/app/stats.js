// Planners' view of the city's visits: hourly noisy releases per space (counts, mean dwell, the ε
// each cost against the day's budget) and one hour's heatmap; and each mission's day of stamps, per checkpoint, as
// noisy as the visits. Nobody can see a person here.
import { api } from "../net/api.js";
import { listMissions, missionStats } from "../net/missions.js";
import { byId, element } from "../ui/dom.js";
import { errorText } from "../ui/errors.js";
import { languageSwitch, loadLocale, localized, t } from "../ui/i18n.js";

const lang = await loadLocale();
languageSwitch(byId("lang", "select"), lang);
const $ = (id) => document.getElementById(id);
const space = byId("space", "select");
const date = byId("date", "input");
const hour = byId("hour", "input");
const svgNS = "http://www.w3.org/2000/svg";
const fmt = (x, digits = 0) => (x === null || x === undefined ? t("suppressed") : x.toFixed(digits));

function seoulDate(d = new Date()) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Seoul" }).format(d);  // yyyy-MM-dd
}
const seoulMinute = (iso) => new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Seoul", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
const seoulHour = (iso) => Number(new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Seoul", hour: "2-digit", hourCycle: "h23" }).format(new Date(iso)));

// Only the latest request draws: changing space or date quickly must not mix two answers.
let dayRequest = 0;
let heatRequest = 0;

async function showDay() {
  const mine = ++dayRequest;
  $("budget").className = "meta";
  try {
    const day = await api("GET", `/api/v1/stats/visits?space=${encodeURIComponent(space.value)}&date=${date.value}`);
    if (mine !== dayRequest) return;
    $("budget").textContent = t("budgetLine", { spent: day.epsilonSpent.toFixed(2), cap: day.dailyCap, threshold: day.threshold,
      count: day.notReleased.length });
    const head = `<tr><th>${t("hour")}</th><th>${t("visits")}</th><th>${t("dwell")}</th><th>ε</th><th>${t("noiseScale")}</th></tr>`;
    const table = byId("hours", "table");
    table.innerHTML = head;
    for (const h of day.hours) {
      const row = table.insertRow();
      // A partly counted hour (the space started, or moved to another server, during it) says so.
      const label = `${seoulHour(h.hourStart)}:00` + (h.counted ? ` ${t("partialHour", { from: seoulMinute(h.counted.from), until: seoulMinute(h.counted.until) })}` : "");
      for (const text of [label, fmt(h.visits), fmt(h.dwellMinutesMean, 1), h.epsilon, `±${h.scales.visits.toFixed(1)}`]) {
        row.insertCell().textContent = text;
      }
    }
    if (day.hours.length) {
      hour.value = String(seoulHour(day.hours[day.hours.length - 1].hourStart));
      await showHeat();
    }
  } catch (error) {
    $("budget").textContent = errorText(error);
    $("budget").className = "error";
  }
}

async function showHeat() {
  const mine = ++heatRequest;
  const svg = $("heat");
  try {
    const map = await api("GET",
      `/api/v1/stats/heatmap?space=${encodeURIComponent(space.value)}&date=${date.value}&hour=${hour.value}`);
    if (mine !== heatRequest) return;
    svg.replaceChildren();
    const g = map.grid;
    svg.setAttribute("viewBox", `0 0 ${g.columns} ${g.rows}`);
    const top = Math.max(1, ...map.cells.map((c) => c.visitors));
    for (const c of map.cells) {
      const r = document.createElementNS(svgNS, "rect");
      Object.entries({ x: c.column, y: g.rows - 1 - c.row, width: 1, height: 1,
        fill: `rgba(255, 140, 60, ${(0.25 + 0.75 * c.visitors / top).toFixed(2)})` }).forEach(([k, v]) => r.setAttribute(k, v));
      const title = document.createElementNS(svgNS, "title");
      title.textContent = `≈ ${c.visitors.toFixed(0)}`;
      r.append(title);
      svg.append(r);
    }
    $("heat-note").textContent = t("heatNote", { cell: g.cellM.toFixed(0), count: map.cells.length, threshold: map.heatThreshold.toFixed(1),
      scale: map.scale.toFixed(1) });
  } catch (error) {
    if (mine !== heatRequest) return;
    svg.replaceChildren();
    $("heat-note").textContent = errorText(error);
  }
}

let missionRequest = 0;
/** @type {import("../net/missions.js").Mission[]} */
let missions = [];

/** The chosen mission's stamps of the chosen day per checkpoint: released once the day is over, with noise. */
async function showMissionDay() {
  const mine = ++missionRequest;
  const mission = missions.find((m) => m.id === byId("mission", "select").value);
  const budget = byId("mission-budget", "p");
  const table = byId("mission-counts", "table");
  if (!mission) return;
  try {
    const day = await missionStats(mission.id, date.value);
    if (mine !== missionRequest) return;
    budget.className = "meta";
    const release = day.release;
    budget.textContent = [t("statsMissionBudget", { spent: Number(day.epsilonSpent).toFixed(2), cap: day.dailyCap }),
      release ? t("statsMissionRelease", { scale: Number(release.scale).toFixed(1), threshold: release.threshold })
        : t("statsMissionNoRelease")].join(" ");
    table.replaceChildren(element("tr", {}, element("th", { textContent: t("playCheckpoint") }),
      element("th", { textContent: t("statsStamps") })),
    ...(release ? mission.checkpoints.map((c) => element("tr", {}, element("td", { textContent: localized(c.name, lang) }),
      element("td", { textContent: fmt(release.checkpoints?.[c.id], 1) }))) : []));
  } catch (error) {
    if (mine !== missionRequest) return;
    table.replaceChildren();
    budget.textContent = errorText(error);
    budget.className = "error";
  }
}

/** The missions to choose from; the section stays hidden when there are none. */
async function loadMissions() {
  try {
    missions = (await listMissions()).filter((m) => Array.isArray(m.checkpoints));
  } catch {
    return;  // the visits are the page; missions are extra
  }
  if (!missions.length) return;
  const select = byId("mission", "select");
  select.replaceChildren(...missions.map((m) => element("option", { value: m.id, textContent: localized(m.title, lang) })));
  select.addEventListener("change", showMissionDay);
  date.addEventListener("change", showMissionDay);
  byId("mission-stats", "section").hidden = false;
  await showMissionDay();
}

const world = await (await fetch("/api/v1/world")).json();
for (const region of world.regions) {
  for (const s of region.spaces) {
    space.append(Object.assign(document.createElement("option"), { value: s.id, textContent: s.name?.[lang] || s.id }));
  }
}
const wanted = new URLSearchParams(location.search).get("space");
if (wanted) space.value = wanted;
date.value = seoulDate();
date.max = seoulDate();
space.addEventListener("change", showDay);
date.addEventListener("change", showDay);
hour.addEventListener("change", showHeat);
await showDay();
await loadMissions();
