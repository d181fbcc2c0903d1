// Keyboard shortcuts (listed in the help overlay, opened with "?").

export const SHORTCUTS = [
  ["f", "forward", "Forward pass"],
  ["b", "backward", "Backward pass"],
  ["u", "update", "Update the weights"],
  ["s", "step", "Full step (the phases still to run)"],
  [" ", "play", "Play / pause (step after step)"],
  ["m", "slow", "Slow motion: edge by edge"],
  ["r", "reset", "Reset to the starting weights"],
  ["t", "train", "Train the given number of epochs"],
  ["+", "faster", "Faster animations"],
  ["-", "slower", "Slower animations"],
  ["p", "presenter", "Presenter mode (large type, high contrast)"],
  ["?", "help", "This help"],
  ["Escape", "escape", "Close help, clear the selection"],
];

const KEY_LABEL = { " ": "Space", Escape: "Esc" };

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
  app.dom.shortcuts.innerHTML = SHORTCUTS.map(([key, , text]) =>
    `<tr><td><kbd>${KEY_LABEL[key] || key.toUpperCase()}</kbd></td><td>${text}</td></tr>`).join("");
}
