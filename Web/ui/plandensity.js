// The plans panel's switch for the crowd density map (docs/planning.md, "Effects"): the peak density of the crowd
// scenario on the ground, today, with the plan or off, and a legend of Fruin's levels of service for walkways. The map
// follows the layer you see (switching between today and the plan switches it too) unless it is off; in between you
// may pick the other run to compare the two where you stand.
import { FRUIN_LEVELS, cssColour } from "../world/densitymap.js";
import { element } from "./dom.js";
import { t } from "./i18n.js";
import { formatNumber } from "./planfigures.js";

/** @typedef {import("../world/groundoverlays.js").DensityRun} DensityRun */

/**
 * The legend: a swatch and the limits of each level, in persons/m².
 * @param {string} lang
 */
export function densityLegend(lang) {
  const items = FRUIN_LEVELS.map((l, i) => {
    const text = Number.isFinite(l.below)
      ? t("planDensityBelow", { level: l.level, limit: formatNumber(l.below, lang, 2) })
      : t("planDensityAtLeast", { level: l.level, limit: formatNumber(FRUIN_LEVELS[i - 1].below, lang, 2) });
    const swatch = element("span", { className: "plan-density-swatch" });
    swatch.setAttribute("aria-hidden", "true");
    swatch.style.backgroundColor = cssColour(l);
    return element("li", { dataset: { level: l.level } }, swatch, text);
  });
  return element("figure", { id: "plan-density-legend", className: "plan-density-legend" },
    element("figcaption", { className: "note", textContent: t("planDensityLegend") }),
    element("ul", {}, ...items));
}

export class DensitySwitch {
  /**
   * A switch showing the layer's run (or off), set on the layer at once: before the effects reach it.
   * @param {{ densityRun: DensityRun, setDensity: (run: DensityRun) => void }} layer  the proposal layer
   * @param {"today" | "proposed"} shown  the layer the page shows now
   * @param {string} lang
   */
  constructor(layer, shown, lang) {
    this.layer = layer;
    this.select = element("select", { id: "plan-density" },
      element("option", { value: "today", textContent: t("planDensityToday") }),
      element("option", { value: "proposed", textContent: t("planDensityProposed") }),
      element("option", { value: "off", textContent: t("planDensityOff") }));
    this.select.value = layer.densityRun === "off" ? "off" : shown;
    this.select.addEventListener("change", () => this.apply());
    this.legend = densityLegend(lang);
    this.root = element("div", { className: "plan-density" },
      element("p", {}, element("label", {}, `${t("planDensityLabel")} `, this.select)), this.legend);
    this.apply();
  }

  /** Draws the run chosen (once the effects are on the layer) and shows the legend with it. */
  apply() {
    const run = /** @type {DensityRun} */ (this.select.value);
    this.layer.setDensity(run);
    this.legend.hidden = run === "off";
  }

  /**
   * The page switched to today or the plan: the map follows, unless it is off.
   * @param {"today" | "proposed"} shown
   */
  follow(shown) {
    if (this.select.value === "off" || this.select.value === shown) return;
    this.select.value = shown;
    this.apply();
  }
}
