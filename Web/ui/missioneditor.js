// The curators' mission form (docs/missions.md, §1): every field of a mission file as a control bound to its path in
// the mission ("checkpoints[2].place.radiusM", the same path the server names in a 422), and the raw JSON beside it,
// kept in step both ways. The server checks the mission when it is saved; the form only shapes it.
import { REWARDS } from "../net/missions.js";
import { element } from "./dom.js";
import { t } from "./i18n.js";
import { controlFor, getPath, setPath } from "./missionfields.js";
import { TASK_KINDS, checkpointTemplate, editorKind, taskTemplate } from "./missiontemplates.js";

/** @typedef {import("../net/missions.js").Mission} Mission */

export class MissionForm {
  /**
   * @param {HTMLElement} root  where the form's controls go
   * @param {HTMLTextAreaElement} json  the raw JSON, kept in step
   * @param {HTMLElement} jsonNote  where a JSON syntax error, or a mission the form cannot draw, is shown
   * @param {{ id: string, name: { ko: string, en: string } }[]} spaces  the world's spaces, offered for the mirrors
   */
  constructor(root, json, jsonNote, spaces) {
    this.root = root;
    this.json = json;
    this.jsonNote = jsonNote;
    this.spaces = spaces;
    /** @type {any} */
    this.mission = null;
    json.addEventListener("input", () => this.fromJson());
  }

  /** Shows `mission` (a copy; the form changes its own). @param {Mission} mission */
  set(mission) {
    this.mission = structuredClone(mission);
    this.toJson();
    this.draw();
  }

  /** The mission as the form has it. @returns {Mission} */
  value() { return structuredClone(this.mission); }

  /** @private */
  toJson() {
    this.json.value = JSON.stringify(this.mission, null, 2);
    this.jsonNote.textContent = "";
  }

  /** @private */
  fromJson() {
    let parsed;
    try {
      parsed = JSON.parse(this.json.value);
    } catch (error) {
      this.jsonNote.textContent = t("editorJsonError", { message: error.message });
      return;
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      this.jsonNote.textContent = t("editorNotObject");
      return;
    }
    this.mission = parsed;
    if (!Array.isArray(this.mission.checkpoints)) this.mission.checkpoints = [];
    this.jsonNote.textContent = "";
    this.draw();
  }

  /**
   * Draws the form; a mission it cannot draw (valid JSON in a shape the form does not know, such as a checkpoint that
   * is no object) leaves the form empty, so that no control of the last drawing writes over the JSON, and says so.
   * @private
   */
  draw() {
    try {
      this.render();
    } catch {
      this.root.replaceChildren();
      this.jsonNote.textContent = t("editorFormError");
    }
  }

  /**
   * Marks the control of a 422's field and brings it into view; returns whether there was one.
   * @param {string} field
   */
  mark(field) {
    for (const old of this.root.querySelectorAll(".invalid")) old.classList.remove("invalid");
    const controls = /** @type {HTMLElement[]} */ ([...this.root.querySelectorAll("[data-field]")]);
    const path = controlFor(controls.map((c) => c.dataset.field), field);
    const control = controls.find((c) => c.dataset.field === path);
    if (!control) return false;
    control.classList.add("invalid");
    control.closest("details")?.setAttribute("open", "");
    control.scrollIntoView({ block: "center" });
    control.focus();
    return true;
  }

  /** @private a change from a control: into the mission and the JSON */
  changed(path, value) {
    setPath(this.mission, path, value);
    this.toJson();
  }

  /**
   * A labelled control for `path`.
   * @private
   * @param {string} path
   * @param {string} label
   * @param {"text" | "number" | "textarea" | "checkbox" | "lines"} kind
   * @param {Record<string, any>} [props]
   */
  field(path, label, kind, props = {}) {
    const value = getPath(this.mission, path);
    const id = `f-${path.replace(/[^a-zA-Z0-9]+/g, "-")}`;
    /** @type {HTMLInputElement | HTMLTextAreaElement} */
    let control;
    if (kind === "textarea" || kind === "lines") {
      control = element("textarea", { id, rows: kind === "lines" ? 3 : 4, ...props,
        value: kind === "lines" ? (Array.isArray(value) ? value.join("\n") : "") : value ?? "" });
    } else if (kind === "checkbox") {
      control = element("input", { id, type: "checkbox", checked: !!value, ...props });
    } else {
      control = element("input", { id, type: kind === "number" ? "number" : "text", step: "any", ...props,
        value: value ?? "" });
    }
    control.dataset.field = path;
    control.addEventListener("input", () => {
      if (kind === "checkbox") this.changed(path, /** @type {HTMLInputElement} */ (control).checked);
      else if (kind === "number") {
        const n = /** @type {HTMLInputElement} */ (control).valueAsNumber;
        this.changed(path, Number.isFinite(n) ? n : null);
      } else if (kind === "lines") this.changed(path, control.value.split("\n").map((s) => s.trim()).filter(Boolean));
      else this.changed(path, control.value);
    });
    return element("label", { className: `field ${kind}` }, element("span", { textContent: label }), control);
  }

  /**
   * A labelled <select> for `path`; `onPick` instead of setting the value when given.
   * @private
   * @param {string} path
   * @param {string} label
   * @param {{ value: string, label: string }[]} options
   * @param {string} current
   * @param {(value: string) => void} [onPick]
   */
  select(path, label, options, current, onPick) {
    const id = `f-${path.replace(/[^a-zA-Z0-9]+/g, "-")}`;
    const control = element("select", { id }, ...options.map((o) => element("option", { value: o.value, textContent: o.label })));
    control.value = current;
    control.dataset.field = path;
    control.addEventListener("change", () => (onPick ? onPick(control.value) : this.changed(path, control.value)));
    return element("label", { className: "field select" }, element("span", { textContent: label }), control);
  }

  /**
   * The `{ko, en}` pair at `path`.
   * @private
   * @param {string} path
   * @param {string} label
   * @param {"text" | "textarea"} [kind]
   * @param {Record<string, any>} [props]
   */
  pair(path, label, kind = "text", props = {}) {
    return [this.field(`${path}.ko`, t("editorInKorean", { label }), kind, props),
      this.field(`${path}.en`, t("editorInEnglish", { label }), kind, props)];
  }

  /** Draws every control from the mission. */
  render() {
    const m = this.mission;
    if (!m) return;
    const hasWindow = !!m.window;
    const windowToggle = element("input", { type: "checkbox", id: "f-has-window", checked: hasWindow });
    windowToggle.addEventListener("change", () => {
      const now = new Date();
      const iso = (d) => `${d.toISOString().slice(0, 19)}Z`;
      this.changed("window", windowToggle.checked
        ? { opens: iso(now), closes: iso(new Date(now.getTime() + 30 * 86400000)) } : undefined);
      this.draw();
    });
    const rewards = [{ value: "", label: t("editorNoReward") }, ...REWARDS.map((r) => ({ value: r, label: t(`acc_${r}`) }))];
    const addCheckpoint = element("button", { type: "button", id: "editor-add-checkpoint", textContent: t("editorAddCheckpoint") });
    addCheckpoint.addEventListener("click", () => {
      m.checkpoints.push(checkpointTemplate(m.checkpoints.length + 1));
      this.toJson();
      this.draw();
    });
    this.root.replaceChildren(
      element("fieldset", {}, element("legend", { textContent: t("editorMission") }),
        this.field("id", t("editorId"), "text", { pattern: "[a-z0-9-]{3,40}", required: true }),
        ...this.pair("title", t("editorTitle"), "text", { maxLength: 120 }),
        ...this.pair("story", t("editorStory"), "textarea", { maxLength: 2000 }),
        this.select("order", t("editorOrder"), [{ value: "ordered", label: t("editorOrdered") },
          { value: "free", label: t("editorFree") }], m.order ?? "ordered"),
        this.field("daylightOnly", t("editorDaylightOnly"), "checkbox"),
        this.select("reward.accessory", t("editorReward"), rewards, m.reward?.accessory ?? "",
          (value) => { this.changed("reward", value ? { accessory: value } : undefined); }),
        element("label", { className: "field checkbox" }, windowToggle, ` ${t("editorWindow")}`),
        ...(hasWindow ? [this.field("window.opens", t("editorOpens"), "text", { placeholder: "2026-09-05T00:00:00+09:00" }),
          this.field("window.closes", t("editorCloses"), "text", { placeholder: "2026-11-16T00:00:00+09:00" })] : [])),
      ...m.checkpoints.map((_, i) => this.checkpoint(i)),
      addCheckpoint,
      element("datalist", { id: "editor-spaces" }, ...this.spaces.map((s) =>
        element("option", { value: s.id, textContent: `${s.name.ko} · ${s.name.en}` }))));
  }

  /**
   * One checkpoint's controls, with buttons to move it and to remove it.
   * @private
   * @param {number} i
   */
  checkpoint(i) {
    const m = this.mission;
    const base = `checkpoints[${i}]`;
    const cp = m.checkpoints[i];
    const button = (label, action, disabled = false) => {
      const b = element("button", { type: "button", textContent: label, disabled });
      b.addEventListener("click", () => {
        action();
        this.toJson();
        this.draw();
      });
      return b;
    };
    const move = (to) => () => {
      const [moved] = m.checkpoints.splice(i, 1);
      m.checkpoints.splice(to, 0, moved);
    };
    const kind = cp.task ? editorKind(cp.task) : "reach";
    const kinds = TASK_KINDS.map((k) => ({ value: k, label: t(`editorTask_${k}`) }));
    const space = this.field(`${base}.mirror.space`, t("editorMirrorSpace"), "text");
    space.querySelector("input").setAttribute("list", "editor-spaces");
    return element("fieldset", { className: "checkpoint", dataset: { index: String(i) } },
      element("legend", { textContent: t("editorCheckpoint", { number: i + 1 }) }),
      element("div", { className: "row-actions" },
        button(t("editorUp"), move(i - 1), i === 0), button(t("editorDown"), move(i + 1), i === m.checkpoints.length - 1),
        button(t("editorRemove"), () => m.checkpoints.splice(i, 1), m.checkpoints.length === 1)),
      this.field(`${base}.id`, t("editorId"), "text", { pattern: "[a-z0-9-]{1,40}", required: true }),
      ...this.pair(`${base}.name`, t("editorName")),
      element("div", { className: "group" }, element("span", { className: "group-title", textContent: t("editorPlace") }),
        this.field(`${base}.place.latitude`, t("editorLatitude"), "number", { min: -90, max: 90 }),
        this.field(`${base}.place.longitude`, t("editorLongitude"), "number", { min: -180, max: 180 }),
        this.field(`${base}.place.radiusM`, t("editorRadius"), "number", { min: 0, max: 500 })),
      element("div", { className: "group" }, element("span", { className: "group-title", textContent: t("editorMirror") }),
        space,
        this.field(`${base}.mirror.x`, t("editorMirrorX"), "number"),
        this.field(`${base}.mirror.y`, t("editorMirrorY"), "number"),
        this.field(`${base}.mirror.radiusM`, t("editorRadius"), "number", { min: 0, max: 500 })),
      element("div", { className: "group" }, element("span", { className: "group-title", textContent: t("editorTask") }),
        this.select(`${base}.task.kind`, t("editorTaskKind"), kinds, kind, (value) => {
          cp.task = taskTemplate(value, cp.task);
          this.toJson();
          this.draw();
        }),
        ...this.task(base, cp.task ?? { kind: "reach" })),
      ...this.pair(`${base}.stamp`, t("editorStamp"), "text", { maxLength: 120 }));
  }

  /**
   * The controls of a task of its kind.
   * @private
   * @param {string} base
   * @param {import("../net/missions.js").Task} task
   * @returns {HTMLElement[]}
   */
  task(base, task) {
    const path = `${base}.task`;
    switch (editorKind(task)) {
      case "question":
        return [...this.pair(`${path}.prompt`, t("editorPrompt")),
          this.field(`${path}.answers`, t("editorAnswers"), "lines")];
      case "choice": {
        const choices = task.choices ?? [];
        const add = element("button", { type: "button", textContent: t("editorAddChoice"), disabled: choices.length >= 6 });
        add.addEventListener("click", () => {
          choices.push({ ko: "", en: "" });
          this.toJson();
          this.draw();
        });
        const rows = choices.map((_, j) => {
          const remove = element("button", { type: "button", textContent: t("editorRemove"), disabled: choices.length <= 2 });
          remove.addEventListener("click", () => {
            choices.splice(j, 1);
            if ((task.answer ?? 0) >= choices.length) task.answer = 0;
            this.toJson();
            this.draw();
          });
          return element("div", { className: "choice" }, ...this.pair(`${path}.choices[${j}]`, t("editorChoice", { number: j + 1 })),
            remove);
        });
        const right = choices.map((_, j) => ({ value: String(j), label: t("editorChoice", { number: j + 1 }) }));
        return [...this.pair(`${path}.prompt`, t("editorPrompt")), ...rows, add,
          this.select(`${path}.answer`, t("editorRightChoice"), right, String(task.answer ?? 0),
            (value) => this.changed(`${path}.answer`, Number(value)))];
      }
      case "artwork": return [this.field(`${path}.artwork`, t("editorArtwork"), "text")];
      case "meet": return [this.field(`${path}.players`, t("editorPlayers"), "number", { min: 2, max: 20, step: 1 })];
      case "scheduled":
        return [this.field(`${path}.at`, t("editorAt"), "text", { placeholder: "19:00", pattern: "[0-2][0-9]:[0-5][0-9]" }),
          this.field(`${path}.minutes`, t("editorMinutes"), "number", { min: 1, max: 720, step: 1 })];
      default: return [];
    }
  }
}
