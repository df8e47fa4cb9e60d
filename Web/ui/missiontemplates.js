// What the curators' mission editor starts from (docs/missions.md, §1): a new mission, a new checkpoint, and a task
// of each kind the editor offers, each in the shape of the mission file, to be changed in the form.

/** @typedef {import("../net/missions.js").Mission} Mission */
/** @typedef {import("../net/missions.js").Checkpoint} Checkpoint */
/** @typedef {import("../net/missions.js").Task} Task */

/** Task kinds the editor offers; a question is free text or choices. */
export const TASK_KINDS = ["reach", "question", "choice", "artwork", "meet", "scheduled"];

/**
 * A new mission for the editor: one checkpoint at the ACC, to be changed.
 * @param {string} [id]
 * @returns {Mission}
 */
export function missionTemplate(id = "new-mission") {
  return {
    format: 1, id,
    title: { ko: "새 미션", en: "New mission" },
    story: { ko: "", en: "" },
    order: "ordered",
    daylightOnly: false,
    checkpoints: [checkpointTemplate(1)],
  };
}

/**
 * A checkpoint for the editor's "add" button.
 * @param {number} n
 * @returns {Checkpoint}
 */
export function checkpointTemplate(n) {
  return {
    id: `checkpoint-${n}`,
    name: { ko: `체크포인트 ${n}`, en: `Checkpoint ${n}` },
    place: { latitude: 35.14743, longitude: 126.919358, radiusM: 35 },
    mirror: { space: "gwangju/acc-plaza", x: 0, y: 0, radiusM: 8 },
    task: { kind: "reach" },
    stamp: { ko: `스탬프 ${n}`, en: `Stamp ${n}` },
  };
}

/**
 * The editor's kind of a task: a question with choices is "choice".
 * @param {Task} task
 */
export function editorKind(task) {
  return task.kind === "question" && Array.isArray(task.choices) ? "choice" : task.kind;
}

/**
 * A task of the editor's `kind`, keeping what it can of `old` (the prompt of a question).
 * @param {string} kind
 * @param {Task} [old]
 * @returns {Task}
 */
export function taskTemplate(kind, old) {
  const prompt = old?.prompt ?? { ko: "", en: "" };
  switch (kind) {
    case "question": return { kind: "question", prompt, answers: [""] };
    case "choice": return { kind: "question", prompt, choices: [{ ko: "", en: "" }, { ko: "", en: "" }], answer: 0 };
    case "artwork": return { kind: "artwork", artwork: "" };
    case "meet": return { kind: "meet", players: 2 };
    case "scheduled": return { kind: "scheduled", at: "19:00", minutes: 30 };
    default: return { kind: "reach" };
  }
}
