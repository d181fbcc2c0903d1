// Keyboard shortcuts (listed in the help overlay, opened with "?").

import { t } from "./i18n.js";

/** [key, action]: the help overlay says each as t(`keys.<action>`). */
export const SHORTCUTS = [
  ["f", "forward"], ["b", "backward"], ["u", "update"], ["s", "step"], [" ", "play"],
  ["m", "slow"], ["r", "reset"], ["t", "train"], ["+", "faster"], ["-", "slower"],
  ["p", "presenter"], ["?", "help"], ["Escape", "escape"],
];

const KEY_LABEL = { " ": "key.space", Escape: "key.escape" };

/** Listen for shortcuts unless the user is typing in a field. */
export function bindKeys(app, actions) {
  const byKey = new Map(SHORTCUTS.map(([key, action]) => [key, action]));
  byKey.set("=", "faster");
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const typing = event.target.closest?.("input, select, textarea, [contenteditable]");
    if (typing && event.key !== "Escape") return;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    const action = byKey.get(key);
    if (!action) return;
    event.preventDefault();
    actions[action]();
  });
  app.dom.shortcuts.innerHTML = SHORTCUTS.map(([key, action]) =>
    `<tr><td><kbd>${KEY_LABEL[key] ? t(KEY_LABEL[key]) : key.toUpperCase()}</kbd></td><td>${t(`keys.${action}`)}</td></tr>`).join("");
}
