// Sign in or register, then create and edit up to five personas with a live 3D preview. A persona that completed a
// mission with a reward may wear it (the server refuses a reward accessory to any other).
import * as THREE from "three";
import { figure } from "../world/figure.js";
import { languageSwitch, loadLocale, t } from "../ui/i18n.js";
import { api } from "../net/api.js";
import { REWARDS, personaStamps } from "../net/missions.js";
import { byId, element } from "../ui/dom.js";
import { errorText } from "../ui/errors.js";
import { showSafety } from "../ui/safety.js";
import { showPrivacy } from "../ui/privacy.js";

languageSwitch(byId("lang", "select"), await loadLocale());
const $ = (id) => document.getElementById(id);
const preview = byId("preview", "canvas");
const nameInput = byId("name", "input");
const username = byId("username", "input");
const password = byId("password", "input");
/** The look's controls, named as the API names the appearance's fields. */
const look = {
  bodyShape: byId("bodyShape", "select"), accessory: byId("accessory", "select"), skinColor: byId("skinColor", "input"),
  primaryColor: byId("primaryColor", "input"), secondaryColor: byId("secondaryColor", "input"),
};
let token = localStorage.getItem("bitgoeul.token");
let editing = null;  // the persona id being edited, or null for a new one

function say(text, error = false) {
  $("status").textContent = text;
  $("status").className = error ? "error" : "";
}

/** This page's fields with the rules a refused value broke, in words (the server's reason is in English). */
const FIELD_KEYS = {
  username: "invalidField_username", password: "invalidField_password", name: "invalidField_personaName",
  "appearance.accessory": "invalidField_rewardAccessory",
};

/**
 * Says why a request failed; a session that has ended (401 unauthorized) goes back to the sign-in form.
 * @param {any} error
 */
function failed(error) {
  if (error?.code === "unauthorized") {
    token = null;
    localStorage.removeItem("bitgoeul.token");
    $("signin").hidden = false;
    $("editor").hidden = true;
  }
  say(errorText(error, { unauthorized: "sessionEnded" }, FIELD_KEYS), true);
}

// The preview: the figure turning slowly under soft light.
const renderer = new THREE.WebGLRenderer({ canvas: preview, antialias: true, preserveDrawingBuffer: true });
const scene = new THREE.Scene();
scene.background = new THREE.Color(0x223650);
scene.add(new THREE.HemisphereLight(0xffffff, 0x445566, 2));
const camera = new THREE.PerspectiveCamera(35, 1, 0.1, 50);
camera.position.set(0, 1.3, 4.8);
camera.lookAt(0, 0.9, 0);
let shown = null;

function appearance() {
  return {
    bodyShape: look.bodyShape.value, accessory: look.accessory.value, skinColor: look.skinColor.value,
    primaryColor: look.primaryColor.value, secondaryColor: look.secondaryColor.value,
  };
}

function redraw() {
  if (shown) scene.remove(shown);
  shown = figure(appearance());
  scene.add(shown);
}
for (const control of Object.values(look)) control.addEventListener("input", redraw);
redraw();
renderer.setAnimationLoop((time) => {
  const size = preview.clientWidth;
  if (renderer.domElement.width !== size) renderer.setSize(size, size, false);
  if (shown) shown.rotation.y = time / 1500;
  renderer.render(scene, camera);
});

/** Counts the stamp requests, so that only the latest is shown. */
let rewardRequest = 0;

/**
 * Offers the reward accessories persona `id` has earned on missions, each marked as earned; none for a new persona.
 * A reply for a persona no longer being edited (another was chosen meanwhile) is ignored.
 * @param {number | null} id
 */
async function offerRewards(id) {
  const mine = ++rewardRequest;
  const clear = () => { for (const old of look.accessory.querySelectorAll("option[data-reward]")) old.remove(); };
  clear();
  if (!id) return;
  let rewards = [];
  try {
    rewards = (await personaStamps(id)).rewards ?? [];
  } catch {
    return;  // without its stamps the persona is offered the ordinary accessories
  }
  if (mine !== rewardRequest || editing !== id) return;
  clear();
  for (const name of rewards.filter((r) => REWARDS.includes(r))) {
    look.accessory.append(element("option", { value: name, textContent: t("rewardAccessory", { name: t(`acc_${name}`) }),
      dataset: { reward: name } }));
  }
}

async function showPersonas() {
  const { personas, max } = await api("GET", "/api/v1/personas");
  $("signin").hidden = true;
  $("editor").hidden = false;
  const list = $("personas");
  list.replaceChildren();
  for (const p of personas) {
    const li = document.createElement("li");
    const name = document.createElement("strong");
    name.textContent = p.name;
    const enter = document.createElement("a");
    enter.href = `space.html?space=gwangju/chungjangro&persona=${p.id}`;
    enter.textContent = ` ${t("enter")}`;
    const edit = document.createElement("button");
    edit.textContent = t("edit");
    edit.onclick = async () => {
      editing = p.id;
      await offerRewards(p.id);
      if (editing !== p.id) return;  // another persona was chosen while its rewards came
      nameInput.value = p.name;
      for (const [k, control] of Object.entries(look)) control.value = p.appearance[k];
      redraw();
    };
    const remove = document.createElement("button");
    remove.textContent = t("delete");
    remove.onclick = async () => {
      try {
        await api("DELETE", `/api/v1/personas/${p.id}`);
        await showPersonas();
      } catch (error) { failed(error); }
    };
    li.append(name, enter, " ", edit, " ", remove);
    list.append(li);
  }
  say(t("personaCount", { count: personas.length, max }));
  await showSafety($("safety"));
  await showPrivacy($("privacy"));
}

$("account").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    const session = await api("POST", "/api/v1/sessions", { username: username.value, password: password.value });
    token = session.token;
    localStorage.setItem("bitgoeul.token", token);
    await showPersonas();
  } catch (error) { failed(error); }
});

$("register").addEventListener("click", async () => {
  try {
    await api("POST", "/api/v1/accounts", { username: username.value, password: password.value });
    byId("account", "form").requestSubmit();
  } catch (error) { failed(error); }
});

$("persona").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    const body = { name: nameInput.value, appearance: appearance() };
    if (editing) await api("PUT", `/api/v1/personas/${editing}`, body); else await api("POST", "/api/v1/personas", body);
    editing = null;
    nameInput.value = "";
    await offerRewards(null);
    redraw();
    await showPersonas();
  } catch (error) { failed(error); }
});

if (token) showPersonas().catch(() => { token = null; localStorage.removeItem("bitgoeul.token"); });
