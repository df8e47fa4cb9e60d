// The person's privacy page: their life-log timeline (opened here with their passphrase; the
// server only holds ciphertext), every staff look at their data with its proof checked in this
// browser, and erasing the account.
import { api } from "../net/api.js";
import { localEntries, merge, open, saveLocal, seal } from "../net/lifelog.js";
import { checkedAccessLog } from "../net/transparency.js";
import { element } from "./dom.js";
import { t } from "./i18n.js";

const when = (ms) => new Date(ms).toLocaleString(document.documentElement.lang);

function timeline(entries) {
  if (!entries.length) return element("p", { textContent: t("none") });
  return element("ol", { id: "timeline-list" }, ...[...entries].reverse().map((e) =>
    element("li", { textContent: `${when(e.at)} · ${t(`life_${e.kind}`)} · ${e.title}${e.space ? ` (${e.space})` : ""}` })));
}

/** Reads the server's copy, merges this browser's entries in, and writes it back sealed. */
async function sync(passphrase, status) {
  const stored = await api("GET", "/api/v1/me/vault");
  let entries = localEntries();
  if (stored?.vault) {
    const plain = await open(stored.vault, passphrase);
    entries = merge(JSON.parse(new TextDecoder().decode(plain)).entries ?? [], entries);
  }
  status.textContent = t("vaultSealing");
  const envelope = await seal(new TextEncoder().encode(JSON.stringify({ entries })), passphrase);
  const res = await fetch("/api/v1/me/vault", {
    method: "PUT",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${localStorage.getItem("bitgoeul.token")}`,
      "If-Match": `"${stored?.revision ?? 0}"` },
    body: JSON.stringify(envelope),
  });
  const body = await res.json();
  if (res.status === 412) return sync(passphrase, status);  // another device wrote meanwhile: merge again
  if (!res.ok) throw new Error(body.error?.message || `HTTP ${res.status}`);
  saveLocal(entries);
  return { entries, revision: body.revision };
}

function vaultPart() {
  const passphrase = element("input", { id: "vault-passphrase", type: "password", autocomplete: "off", minLength: 8 });
  const status = element("p", { id: "vault-status", role: "status" });
  const list = element("div", { id: "timeline" }, timeline(localEntries()));
  const button = element("button", { id: "vault-sync", type: "button", textContent: t("vaultSync") });
  button.addEventListener("click", async () => {
    if (passphrase.value.length < 8) { status.textContent = t("vaultShort"); return; }
    status.textContent = t("vaultOpening");
    try {
      const { entries, revision } = await sync(passphrase.value, status);
      list.replaceChildren(timeline(entries));
      status.textContent = t("vaultSynced", { count: entries.length, revision });
    } catch (error) {
      status.textContent = error.code ? t(`vault_${error.code}`) : error.message;
      status.className = "error";
    }
  });
  return [
    element("h2", { textContent: t("timelineTitle") }),
    element("p", { className: "warning", textContent: t("vaultWarning") }),
    element("label", {}, `${t("passphrase")} `, passphrase), button, status, list,
  ];
}

async function accessPart() {
  const body = await api("GET", "/api/v1/me/access-log");
  const { signature, entries } = await checkedAccessLog(body);
  const items = entries.length
    ? element("ul", { id: "access-list" }, ...entries.map((e) => element("li", {
      className: e.verified ? "verified" : "error",
      textContent: `${when(e.at * 1000)} · ${t(`access_${e.kind}`)} · ${e.role}${e.space ? ` · ${e.space}` : ""} · ${e.purpose}` +
        ` · ${e.verified ? t("proofOk") : t("proofFailed")}`,
    })))
    : element("p", { textContent: t("noAccess") });
  return [
    element("h2", { textContent: t("accessTitle") }),
    element("p", { textContent: t("accessAbout") }), items,
    signature === null ? element("p", { textContent: t("signatureUnchecked") }) : "",
  ];
}

function erasePart() {
  const password = element("input", { id: "erase-password", type: "password", autocomplete: "current-password" });
  const sure = element("input", { id: "erase-sure", type: "checkbox" });
  const status = element("p", { role: "status" });
  const button = element("button", { id: "erase", type: "button", textContent: t("eraseButton") });
  button.addEventListener("click", async () => {
    if (!sure.checked) { status.textContent = t("eraseConfirm"); return; }
    try {
      const done = await api("DELETE", "/api/v1/me", { password: password.value });
      localStorage.removeItem("bitgoeul.token");
      localStorage.removeItem("bitgoeul.lifelog");
      document.body.replaceChildren(element("main", {}, element("h1", { textContent: t("erased") }),
        element("p", { textContent: t("erasedDetail", { count: done.personas }) })));
    } catch (error) { status.textContent = error.message; }
  });
  return [
    element("h2", { textContent: t("eraseTitle") }), element("p", { textContent: t("eraseAbout") }),
    element("label", {}, `${t("password")} `, password), element("label", {}, sure, ` ${t("eraseSure")}`), button, status,
  ];
}

/** Fills `section` with the timeline, the access log and erasure. */
export async function showPrivacy(section) {
  section.replaceChildren(...vaultPart(), ...(await accessPart()), ...erasePart());
  section.hidden = false;
}
