// Follow mode: the teacher's network on every student's device, as reveal.js' multiplex does
// for slides. The teacher's side opens a room (a code, a link, a QR code drawn by the server);
// a student's page at /join/CODE reads the room's Server-Sent Events and replays them through
// the same drawing code a local step uses: `state` rebuilds or restyles, `trace` animates the
// phase, `progress` moves the training bar, the curve and the boundary. The student drives
// nothing (Session.readOnly) until "Explore on my own" forks a private copy.

import { t } from "./i18n.js";
import * as api from "./api.js";
import { store } from "./store.js";
import { toHash } from "./state.js";

/** The server's reasons for a closed room, by their catalog keys (other reasons show as sent). */
const REASONS = { "the network is gone": "follow.reason_gone", "the teacher closed the room": "follow.reason_closed" };

const FOLLOWERS_EVERY_MS = 3000;
const TOKENS = "backprop-viz-rooms";  // sessionStorage: this tab's rooms and their tokens

// ---------------------------------------------------------------- the teacher's side

function savedRooms() {
  try {
    return JSON.parse(sessionStorage.getItem(TOKENS) || "{}");
  } catch {
    return {};
  }
}

function saveRoom(networkId, room) {
  const rooms = savedRooms();
  if (room) rooms[networkId] = { code: room.code, token: room.teacher_token };
  else delete rooms[networkId];
  sessionStorage.setItem(TOKENS, JSON.stringify(rooms));
}

/** "Share with class": open (or show again) this network's room in a dialog. */
export function bindShare(app) {
  const button = document.getElementById("btn-share");
  const dialog = document.getElementById("share-dialog");
  if (!button || !dialog) return;
  const part = (role) => dialog.querySelector(`[data-role="${role}"]`);
  let room = null;
  let timer = null;
  let polling = null;  // the followers poll in flight, if any

  const show = (opened) => {
    room = opened;
    part("code").textContent = room.code;
    part("link").href = room.join_url;
    part("link").textContent = room.join_url;
    part("join").textContent = new URL("/join", room.join_url).href;
    part("qr").src = room.qr_svg_url;
    part("followers").value = String(room.followers ?? 0);
    button.textContent = t("follow.sharing", { code: room.code });
    button.setAttribute("aria-pressed", "true");
    if (!dialog.open) dialog.showModal();
    clearInterval(timer);
    timer = setInterval(() => {
      polling = api.getRoom(room.code).then((now) => {
        part("followers").value = String(now.followers);
      }, (err) => {
        if (err.status === 404) ended();
      });
    }, FOLLOWERS_EVERY_MS);
  };

  const ended = () => {
    clearInterval(timer);
    if (room) saveRoom(store.state.network?.id, null);
    room = null;
    button.textContent = t("follow.share");
    button.setAttribute("aria-pressed", "false");
    if (dialog.open) dialog.close();
  };

  button.addEventListener("click", async () => {
    const id = store.state.network?.id;
    if (!id) return;
    if (room) return dialog.showModal();
    const saved = savedRooms()[id];
    try {
      if (saved) {
        const existing = await api.getRoom(saved.code).catch(() => null);
        if (existing) return show({ ...existing, teacher_token: saved.token });
      }
      const opened = await api.openRoom(id);
      saveRoom(id, opened);
      show(opened);
    } catch (err) {
      app.view.error(t("follow.could_not_open", { message: err.message }));
    }
  });
  part("hide").addEventListener("click", () => dialog.close());
  part("close-room").addEventListener("click", async () => {
    const saved = savedRooms()[store.state.network?.id];
    clearInterval(timer);  // no followers poll may reach the room after it is gone (a 404)
    await polling;
    if (room && saved) await api.closeRoom(room.code, saved.token).catch(() => {});
    ended();
  });
  // A new network (another preset, a reset of the setup) is not the one the room follows.
  store.subscribe((state, changed) => {
    if (changed.includes("network") && room && state.network?.id &&
        savedRooms()[state.network.id]?.code !== room.code) ended();
  });
}

// ---------------------------------------------------------------- the student's side

/** A student's page: follow the room `code` (or ask for one when there is none). */
export function startFollowing(app, code) {
  const bar = document.getElementById("follow-bar");
  const part = (role) => bar.querySelector(`[data-role="${role}"]`);
  const say = (text) => { part("text").textContent = text; };
  bar.hidden = false;
  document.body.classList.add("following");

  if (!code) {
    say(t("follow.join_prompt"));
    const form = part("join");
    form.hidden = false;
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const typed = form.elements.code.value.toUpperCase().replace(/[^A-Z0-9]/g, "");
      if (typed) location.assign(`/join/${encodeURIComponent(typed)}`);
    });
    form.elements.code.focus();
    return null;
  }

  const follower = new Follower(app, code, say);
  part("fork").addEventListener("click", () => follower.fork());
  part("refollow").addEventListener("click", () => follower.follow());
  follower.follow();
  return follower;
}

const part = (root, role) => root.querySelector(`[data-role="${role}"]`);

class Follower {
  constructor(app, code, say) {
    this.app = app;
    this.code = code;
    this.say = say;
    this.source = null;
    this.chain = Promise.resolve();  // events replay in order, one animation at a time
    this.waiting = 0;
  }

  get session() { return this.app.session; }

  buttons(following) {
    const bar = document.getElementById("follow-bar");
    bar.querySelector('[data-role="fork"]').hidden = !following;
    bar.querySelector('[data-role="refollow"]').hidden = following;
    document.body.classList.toggle("following", following);
    this.session.readOnly = following;
  }

  follow() {
    this.source?.close();
    this.buttons(true);
    this.say(t("follow.connecting", { code: this.code }));
    const source = new EventSource(api.roomEventsUrl(this.code));
    this.source = source;
    const on = (name, fn) => source.addEventListener(name, (ev) => {
      const data = JSON.parse(ev.data);
      this.play(() => fn(data));
    });
    on("state", (state) => this.showState(state));
    on("trace", (trace) => this.session.showTrace(trace.phase, trace));
    on("progress", (ev) => this.session.onProgress(ev, ev.epochs));
    on("closed", (ev) => this.closed(REASONS[ev.reason] ? t(REASONS[ev.reason]) : ev.reason));
    source.onopen = () => this.say(t("follow.live", { code: this.code }));
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) this.closed(t("follow.not_open"));
      else this.say(t("follow.reconnecting", { code: this.code }));
    };
  }

  /**
   * Replay one event after those before it. When events arrive faster than they animate
   * (the teacher presses quickly), the running animation jumps to its end: followers keep
   * up with the teacher instead of lagging further behind.
   */
  play(task) {
    this.waiting += 1;
    if (this.waiting > 1) this.session.finishAnimation();
    this.chain = this.chain.then(() => {
      this.session.hurry = this.waiting > 1;
      return task();
    }).catch((err) => this.session.fail(err)).finally(() => { this.waiting -= 1; });
  }

  showState(state) {
    const model = this.session.model;
    const sameShape = model && JSON.stringify(model.layers) === JSON.stringify(state.layers);
    if (sameShape) this.session.refresh(state);
    else this.session.adopt(state);
    document.body.dataset.ready = "true";
    document.body.dataset.followStep = String(state.step);
  }

  /** The room is over: the last state stays on screen to read; nothing here drives it. */
  closed(reason) {
    this.source?.close();
    this.source = null;
    const bar = document.getElementById("follow-bar");
    bar.querySelector('[data-role="fork"]').hidden = true;
    bar.querySelector('[data-role="refollow"]').hidden = true;
    this.say(t("follow.ended", { code: this.code, reason }));
    const own = document.createElement("a");
    own.href = "/";
    own.textContent = t("follow.open_own");
    part(bar, "text").append(" ", own);
  }

  /** "Explore on my own": a private copy at the teacher's current state, fully driveable. */
  async fork() {
    try {
      const state = await api.forkRoom(this.code);
      this.source?.close();
      this.source = null;
      await this.chain;
      this.buttons(false);
      this.session.adopt(state);
      store.updateSetup({ net: state.id });
      // The copy's own address: a reload reopens it, not the room.
      history.replaceState(null, "", `/${toHash(store.state.setup)}`);
      this.say(t("follow.own_copy", { code: this.code }));
    } catch (err) {
      this.session.fail(err);
    }
  }
}
