// The crowd density map of a proposal's effects without a browser (docs/planning.md, "Effects"): its bytes, Fruin's
// levels and their colours, the legend's words, and the switch that follows the layer unless it is off. Run with
// `node --test`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { useStrings } from "../ui/i18n.js";
import { DensitySwitch, densityLegend } from "../ui/plandensity.js";
import {
  DENSITY_UNIT, FRUIN_LEVELS, decodeDensity, densityPixels, levelCounts, levelIndex, personsPerM2,
} from "../world/densitymap.js";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const locale = (lang) => JSON.parse(readFileSync(join(web, "locales", `${lang}.json`), "utf8"));

/** Just enough of a document for ui/dom.js's `element`: elements as plain objects keeping their children. */
globalThis.document = /** @type {any} */ ({
  createElement: (localName) => ({
    localName, dataset: {}, style: {}, children: [], attributes: {}, listeners: {},
    append(...nodes) { this.children.push(...nodes); },
    setAttribute(name, value) { this.attributes[name] = value; },
    addEventListener(type, listener) { this.listeners[type] = listener; },
  }),
});

/** All text of a fake element and its children. */
const text = (e) => (typeof e === "string" ? e : `${e.textContent ?? ""}${e.children.map(text).join("")}`);

test("the map is one unsigned byte a cell, in 0.05 persons/m², checked against its size", () => {
  const bytes = decodeDensity(Buffer.from([0, 1, 40, 255, 6, 7]).toString("base64"), 3, 2);
  assert.deepEqual([...bytes], [0, 1, 40, 255, 6, 7]);
  assert.equal(DENSITY_UNIT, 0.05);
  assert.equal(personsPerM2(40), 2);
  assert.equal(personsPerM2(255), 12.75);
  assert.throws(() => decodeDensity(Buffer.from([1, 2]).toString("base64"), 3, 2), /2 cells, not 3 × 2/);
});

test("Fruin's levels for walkways: A < 0.31, B < 0.43, C < 0.72, D < 1.08, E < 2.17, F from 2.17", () => {
  const level = (d) => FRUIN_LEVELS[levelIndex(d)]?.level ?? "none";
  assert.deepEqual([0, 0.3, 0.31, 0.42, 0.43, 0.71, 0.72, 1.07, 1.08, 2.16, 2.17, 12.75].map(level),
    ["none", "A", "B", "B", "C", "C", "D", "D", "E", "E", "F", "F"]);
  // Each byte's level: 6 (0.30) is A, 7 (0.35) B, 9 (0.45) C, 15 (0.75) D, 22 (1.10) E, 44 (2.20) F.
  const bytes = Uint8Array.from([0, 1, 6, 7, 8, 9, 14, 15, 21, 22, 43, 44, 255]);
  assert.deepEqual(levelCounts(bytes), { A: 2, B: 2, C: 2, D: 2, E: 2, F: 2 });
});

test("the pixels are coloured by level, more opaque as it fills, and clear where no one was", () => {
  const pixels = densityPixels(Uint8Array.from([0, 1, 8, 12, 20, 30, 255]));
  const rgba = (i) => [...pixels.subarray(i * 4, i * 4 + 4)];
  assert.deepEqual(rgba(0), [0, 0, 0, 0], "nobody");
  FRUIN_LEVELS.forEach((l, k) => assert.deepEqual(rgba(k + 1), [...l.rgb, l.alpha], l.level));
  for (let k = 2; k <= 6; k++) assert.ok(rgba(k)[3] > rgba(k - 1)[3], "denser, more opaque");
});

test("the legend names each level's limits in the page's language", () => {
  useStrings("en", locale("en"));
  const legend = densityLegend("en");
  const items = legend.children[1].children;
  assert.deepEqual(items.map((li) => li.dataset.level), ["A", "B", "C", "D", "E", "F"]);
  assert.deepEqual(items.map(text), ["A: under 0.31", "B: under 0.43", "C: under 0.72", "D: under 1.08", "E: under 2.17",
    "F: 2.17 or more"]);
  assert.equal(items[0].children[0].style.backgroundColor, "rgb(44 123 182)");
  useStrings("ko", locale("ko"));
  assert.equal(text(densityLegend("ko").children[1].children[5]), "F: 2.17 이상");
});

test("the switch shows the layer's run, follows the layer and stays off once off", () => {
  useStrings("en", locale("en"));
  const runs = [];
  const layer = { densityRun: "today", setDensity(run) { this.densityRun = run; runs.push(run); } };
  const shown = new DensitySwitch(layer, "today", "en");
  assert.equal(shown.select.id, "plan-density");
  assert.deepEqual(shown.select.children.map((o) => o.value), ["today", "proposed", "off"]);
  assert.deepEqual(runs, ["today"], "set on the layer at once");
  shown.follow("proposed");
  assert.equal(shown.select.value, "proposed");
  shown.select.value = "today";  // compared with today while the plan is shown
  shown.select.listeners.change();
  assert.equal(layer.densityRun, "today");
  assert.equal(shown.legend.hidden, false);
  shown.select.value = "off";
  shown.select.listeners.change();
  assert.equal(shown.legend.hidden, true);
  shown.follow("today");
  assert.equal(shown.select.value, "off", "off stays off");
  assert.equal(new DensitySwitch(layer, "proposed", "en").select.value, "off", "and for the next plan");
  layer.densityRun = "today";
  assert.equal(new DensitySwitch(layer, "proposed", "en").select.value, "proposed");
  assert.deepEqual(runs, ["today", "proposed", "today", "off", "off", "proposed"]);
});
