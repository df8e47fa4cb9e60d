// A proposal in words and numbers (docs/planning.md): its period and state, what it changes, and its effects'
// figures: the sun its shadow takes from the roofs (the ten that lose most in a table) and the yield of its own
// roofs, the added shadow on the ground at each solstice, and the crowd's evacuation today and with the plan (with the
// switch of its density map, ui/plandensity.js, where the effects have one). Builds DOM; no requests.
import { topRoofs } from "../net/proposals.js";
import { element } from "./dom.js";
import { t } from "./i18n.js";

/** @typedef {import("../net/proposals.js").View} View */
/** @typedef {import("../net/proposals.js").Summary} Summary */
/** @typedef {import("../net/proposals.js").Effects} Effects */
/** @typedef {import("../net/proposals.js").Change} Change */

/**
 * A number in the page's language with at most `digits` decimals.
 * @param {number} value
 * @param {string} lang
 */
export function formatNumber(value, lang, digits = 0) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "–";
  return new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(value);
}

/** A signed number: "+1,200", "−3.4". @param {number} value @param {string} lang */
export function formatSigned(value, lang, digits = 0) {
  const text = formatNumber(Math.abs(value), lang, digits);
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}

/** Seconds as minutes and seconds. @param {number} seconds @param {string} lang */
export function formatDuration(seconds, lang) {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return "–";
  const whole = Math.round(seconds);
  return t("planDuration", { minutes: Math.floor(whole / 60), seconds: formatNumber(whole % 60, lang) });
}

/**
 * A day of the period: as written where the instant carries its city's offset ("2027-01-31T23:59:59+09:00" is 31
 * January wherever it is read), else on the reader's clock, as the pages show other instants.
 * @param {string} iso
 * @param {string} lang
 */
export function periodDay(iso, lang) {
  const options = /** @type {const} */ ({ year: "numeric", month: "short", day: "numeric" });
  const written = /^(\d{4}-\d\d-\d\d)T[^Z]*[+-]\d\d:?\d\d$/.exec(String(iso));
  const date = new Date(written ? `${written[1]}T00:00:00Z` : iso);
  if (Number.isNaN(date.getTime())) return iso ?? "";
  return date.toLocaleDateString(lang, written ? { ...options, timeZone: "UTC" } : options);
}

/**
 * The period and the state: "20 Nov 2026 – 31 Jan 2027 · open".
 * @param {Summary} proposal
 * @param {string} lang
 */
export function periodText(proposal, lang) {
  const states = { draft: t("planState_draft"), open: t("planState_open"), closed: t("planState_closed") };
  const period = t("planPeriod", { opens: periodDay(proposal.period?.opens, lang),
    closes: periodDay(proposal.period?.closes, lang) });
  return `${period}${t("listSeparator")}${states[proposal.state] ?? proposal.state}`;
}

/**
 * One change in words.
 * @param {Change} change
 * @param {string} lang
 */
export function changeText(change, lang) {
  const height = formatNumber(change.heightM, lang, 1);
  switch (change.kind) {
    case "add_building": return t("planChange_addBuilding", { id: change.id, height });
    case "add_model": return t("planChange_addModel", { id: change.id, height });
    case "remove_buildings": return t("planChange_removeBuildings", { count: change.ids?.length ?? 0 });
    case "close_area": return t("planChange_closeArea", { id: change.id });
    case "crowd": return t("planChange_crowd", { agents: formatNumber(change.agents, lang), exits: change.exits ?? 0 });
    default: return change.kind;
  }
}

/**
 * A table of `rows` under `headings`.
 * @param {string[]} headings
 * @param {(string | number)[][]} rows
 * @param {string} className
 */
function table(headings, rows, className) {
  return element("table", { className },
    element("thead", {}, element("tr", {}, ...headings.map((h) => element("th", { scope: "col", textContent: h })))),
    element("tbody", {},
      ...rows.map((cells) => element("tr", {}, ...cells.map((c) => element("td", { textContent: String(c) }))))));
}

/**
 * The sun on the roofs: what the plan takes and gives in a year, the ten roofs changing most, and its own roofs'.
 * @param {NonNullable<Effects["solar"]>} solar
 * @param {string} lang
 */
function solarFigures(solar, lang) {
  const kwh = (v) => formatNumber(v, lang);
  const parts = [
    element("h4", { textContent: t("planSolarHeading", { year: solar.year }) }),
    element("p", { className: "plan-solar-total",
      textContent: t("planSolarTotal", { lost: kwh(solar.lostKWh), gained: kwh(solar.gainedKWh) }) }),
  ];
  const roofs = topRoofs(solar.roofs ?? [], 10);
  if (roofs.length) {
    const headings = [t("planRoof"), t("planRoofArea"), t("planRoofBefore"), t("planRoofAfter"), t("planRoofDelta"),
      "%"];
    parts.push(table(headings,
      roofs.map((r) => [r.name || r.id, kwh(r.roofAreaM2), kwh(r.beforeKWh), kwh(r.afterKWh),
        formatSigned(r.deltaKWh, lang), formatSigned(r.deltaPercent, lang, 1)]), "plan-roofs"));
    if ((solar.roofs?.length ?? 0) > roofs.length) {
      parts.push(element("p", { className: "note", textContent: t("planRoofsMore", { count: solar.roofs.length }) }));
    }
  } else {
    parts.push(element("p", { className: "note", textContent: t("planRoofsNone") }));
  }
  for (const p of solar.proposed ?? []) {
    parts.push(element("p", { className: "plan-proposed-roof", textContent: t("planProposedRoof", {
      id: p.id, annual: kwh(p.annualKWh), area: kwh(p.roofAreaM2), perM2: kwh(p.kwhPerM2) }) }));
  }
  return parts;
}

/**
 * The added shadow at each solstice: the most hours any place gains, and how many cells gain over two.
 * @param {NonNullable<Effects["shadow"]>} shadow
 * @param {string} lang
 */
function shadowFigures(shadow, lang) {
  const parts = [element("h4", { textContent: t("planShadowHeading", { from: shadow.from, to: shadow.to }) })];
  for (const season of /** @type {const} */ (["winter", "summer"])) {
    const d = shadow[season];
    if (!d) continue;
    const cellArea = shadow.cellM * shadow.cellM;
    parts.push(element("p", { className: `plan-shadow-${season}`, textContent: t(`planShadow_${season}`, {
      date: d.date, hours: formatNumber(d.maxAddedH, lang, 1), cells: formatNumber(d.cellsOver2h, lang),
      area: formatNumber(d.cellsOver2h * cellArea, lang) }) }));
  }
  return parts;
}

/**
 * The crowd scenario run today and with the plan, and `extras` after.
 * @param {NonNullable<Effects["crowd"]>} crowd
 * @param {string} lang
 * @param {Node[]} extras
 */
function crowdFigures(crowd, lang, extras) {
  // No evacuation time: someone was still inside when the scenario ended.
  const row = (label, run) => [label, formatNumber(run?.agents, lang), formatNumber(run?.exited, lang),
    typeof run?.evacuationS === "number" ? formatDuration(run.evacuationS, lang) : t("planCrowdNotAllOut"),
    formatNumber(run?.peakDensity, lang, 1)];
  return [
    element("h4", { textContent: t("planCrowdHeading") }),
    table([" ", t("planCrowdAgents"), t("planCrowdExited"), t("planCrowdEvacuation"), t("planCrowdPeak")],
      [row(t("planToday"), crowd.today), row(t("planProposed"), crowd.proposed)], "plan-crowd"),
    element("p", { className: "note",
      textContent: t("planCrowdCell", { cell: formatNumber(crowd.densityCellM, lang, 1) }) }),
    ...extras,
  ];
}

/**
 * The effects' figures, or why there are none; `crowdExtras` (the density map's switch) after the crowd's.
 * @param {Effects} effects  done
 * @param {string} lang
 * @param {Node[]} [crowdExtras]
 * @returns {(Node | string)[]}
 */
export function figures(effects, lang, crowdExtras = []) {
  const parts = [];
  if (effects.solar) parts.push(...solarFigures(effects.solar, lang));
  if (effects.shadow) parts.push(...shadowFigures(effects.shadow, lang));
  if (effects.crowd) parts.push(...crowdFigures(effects.crowd, lang, crowdExtras));
  if (!parts.length) parts.push(element("p", { textContent: t("planNoEffects") }));
  if (typeof effects.seconds === "number") {
    const seconds = formatNumber(effects.seconds, lang, 1);
    parts.push(element("p", { className: "note", textContent: t("planComputedIn", { seconds }) }));
  }
  return parts;
}

/**
 * The effects on their way, in words.
 * @param {Effects} effects  queued or running
 */
export function progressText(effects) {
  if (effects.state === "queued") return t("planEffectsQueued");
  return t("planEffectsRunning", { percent: Math.round((effects.progress ?? 0) * 100) });
}
