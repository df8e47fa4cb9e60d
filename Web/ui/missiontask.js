// The task waiting at a checkpoint a player has arrived at (docs/missions.md, §2): a question (free text or choice
// buttons), an artwork to name from its artist and year, a meeting (how many are here: counts only, never who), or
// a scheduled opening. Shared by the 3D client's mission panel and the on-site page.
import { ANSWER_MAX } from "../net/missions.js";
import { element } from "./dom.js";
import { formatInstant, localized, t } from "./i18n.js";

/**
 * What the player sees of `task`: its lines, the input it asks for, and the choices' labels.
 * @param {import("../net/missions.js").Task} task
 * @param {string} lang
 * @returns {{ lines: string[], input: "text" | "choices" | null, choices: string[], label: string }}
 */
export function describeTask(task, lang) {
  const none = { input: null, choices: [], label: "" };
  switch (task?.kind) {
    case "question": {
      const choices = Array.isArray(task.choices) ? task.choices.map((c) => localized(c, lang)) : [];
      return { lines: [localized(task.prompt, lang)], input: choices.length ? "choices" : "text", choices,
        label: t("taskAnswer") };
    }
    case "artwork":
      return { lines: [t("taskArtwork", { artist: task.artist ?? "?", year: task.year ?? "?" })], input: "text",
        choices: [], label: t("taskArtworkTitle") };
    case "meet":
      return { lines: [t("taskMeet", { here: task.here ?? 0, needed: task.needed ?? task.players ?? 2 })], ...none };
    case "scheduled":
      return { lines: [t("taskScheduled", { opens: formatInstant(task.opensAt, lang),
        closes: formatInstant(task.closesAt, lang) })], ...none };
    case "reach": return { lines: [t("taskReach")], ...none };
    default: return { lines: [t("taskUnknown", { kind: task?.kind ?? "?" })], ...none };
  }
}

/**
 * What is wrong with a free answer before it is sent, as a locale key: nothing written but spaces, or more than the
 * server takes; null when it can be sent.
 * @param {string} text
 * @returns {string | null}
 */
export function answerProblem(text) {
  const trimmed = String(text ?? "").trim();
  if (!trimmed) return "taskWriteAnswer";
  return [...trimmed].length > ANSWER_MAX ? "taskAnswerTooLong" : null;
}

/**
 * What is wrong with a free answer before it is sent, in words; null when it can be sent.
 * @param {string} text
 */
export function answerProblemText(text) {
  const key = answerProblem(text);
  return key ? t(key, { max: ANSWER_MAX }) : null;
}

/**
 * What decides whether a shown task must be drawn again: a task with an input is kept while the player types
 * (the same checkpoint and question); a meeting or an opening changes with its counts and times.
 * @param {string} checkpoint
 * @param {import("../net/missions.js").Task} task
 */
export function taskKey(checkpoint, task) {
  const { input } = describeTask(task, "en");
  return input ? `${checkpoint}|${task.kind}|${JSON.stringify(task.prompt ?? null)}|${task.artist ?? ""}`
    : `${checkpoint}|${JSON.stringify(task)}`;
}

/**
 * Draws `task` into `root`. `onAnswer` gets `{ text }` from the text box or `{ choice }` from a choice button.
 * @param {HTMLElement} root
 * @param {import("../net/missions.js").Task} task
 * @param {string} lang
 * @param {(input: { text?: string, choice?: number }) => void} onAnswer
 * @param {string} prefix  for the elements' ids
 */
export function renderTask(root, task, lang, onAnswer, prefix) {
  const { lines, input, choices, label } = describeTask(task, lang);
  /** @type {HTMLElement[]} */
  const parts = lines.map((line) => element("p", { className: "task-line", textContent: line }));
  if (input === "text") {
    const field = element("input", { id: `${prefix}-answer`, maxLength: ANSWER_MAX, autocomplete: "off", required: true });
    const problem = element("p", { id: `${prefix}-answer-problem`, className: "task-problem error", role: "alert",
      hidden: true });
    const form = element("form", { className: "task-form" },
      element("label", { htmlFor: field.id, textContent: label }), field,
      element("button", { id: `${prefix}-send`, textContent: t("taskSend") }), problem);
    field.addEventListener("input", () => { problem.hidden = true; });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      // Only spaces: say so here instead of sending nothing.
      const text = answerProblemText(field.value);
      problem.textContent = text ?? "";
      problem.hidden = !text;
      if (text) field.focus();
      else onAnswer({ text: field.value });
    });
    parts.push(form);
  } else if (input === "choices") {
    parts.push(element("div", { className: "task-choices", role: "group", ariaLabel: label },
      ...choices.map((text, i) => {
        const button = element("button", { type: "button", textContent: text, dataset: { choice: String(i) } });
        button.addEventListener("click", () => onAnswer({ choice: i }));
        return button;
      })));
  }
  root.replaceChildren(...parts);
  root.hidden = false;
}
