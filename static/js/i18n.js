// Every string the pages show, by key: t("toolbar.forward") answers it in the page's language.
// Catalogs are data files, one per language (static/i18n/<lang>.json, flat {key: text} with
// {name} placeholders). The language comes from the URL (?lang=fr, kept across reloads and
// links), else the browser's languages, else English. Numbers follow the catalog's decimal
// separator (format.js). In the browser this module loads the catalog before any module that
// imports it runs (top-level await), so t() is always synchronous.

import { setDecimal } from "./format.js";
import ENGLISH from "../i18n/en.json" with { type: "json" };

export const LANGUAGES = ["en", "fr", "de", "ro", "ru"];
/** Each language's name in itself, for the menu (never translated). */
export const NATIVE = { en: "English", fr: "Français", de: "Deutsch", ro: "Română", ru: "Русский" };

/**
 * The language to show: `?lang=` (or `lang=` in the hash), else the first supported one of
 * the browser's languages ("fr-CA" counts as fr), else English.
 */
export function chooseLanguage(search = "", hash = "", languages = []) {
  const asked = new URLSearchParams(search).get("lang") ??
    new URLSearchParams(hash.replace(/^#/, "")).get("lang");
  const wanted = [asked, ...languages].filter(Boolean).map((l) => l.toLowerCase().split(/[-_]/)[0]);
  return wanted.find((l) => LANGUAGES.includes(l)) ?? "en";
}

let catalog = ENGLISH;
let english = ENGLISH;
let plural = new Intl.PluralRules("en");
export let lang = "en";

/** Put catalogs in place (the browser loads them; tests pass them directly). */
export function useCatalog(code, own, fallback = ENGLISH) {
  lang = code;
  catalog = own;
  english = fallback;
  plural = new Intl.PluralRules(code);
  setDecimal(own["number.decimal"] || ".");
}

/**
 * The text for `key` with {placeholders} filled; English if a catalog lacks it, else
 * `fallback` (a name the API sent, for an entry no catalog knows), else the key.
 */
export function t(key, params = {}, fallback = key) {
  const text = catalog[key] ?? english[key] ?? fallback;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** A counted text: `key.one`, `key.few`, `key.many` or `key.other` as the language counts `n`. */
export function tn(key, n, params = {}) {
  const form = `${key}.${plural.select(n)}`;
  const chosen = form in catalog ? form : `${key}.other`;
  return t(chosen, { n, ...params });
}

/** A URL of this site with the page's language kept (when the URL named one). */
export function withLang(href) {
  if (typeof location === "undefined") return href;
  const asked = new URLSearchParams(location.search).get("lang");
  if (!asked) return href;
  const url = new URL(href, location.href);
  url.searchParams.set("lang", lang);
  return url.origin === location.origin ? url.pathname + url.search + url.hash : url.href;
}

const ATTRIBUTES = ["title", "aria-label", "placeholder", "alt"];

/** Translate the template's marked texts: data-i18n (text) and data-i18n-<attribute>. */
export function translateDocument(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const attr of ATTRIBUTES) {
    for (const el of root.querySelectorAll(`[data-i18n-${attr}]`)) {
      el.setAttribute(attr, t(el.getAttribute(`data-i18n-${attr}`)));
    }
  }
}

/** The top bar's language menu: switching reloads the page with ?lang= in its URL. */
function bindMenu() {
  const menu = document.getElementById("lang-menu");
  if (!menu) return;
  menu.replaceChildren(...LANGUAGES.map((code) => {
    const option = new Option(NATIVE[code], code, false, code === lang);
    option.lang = code;
    return option;
  }));
  menu.addEventListener("change", () => {
    const url = new URL(location.href);
    url.searchParams.set("lang", menu.value);
    location.assign(url.href);
  });
  for (const link of document.querySelectorAll(".topbar nav a[href^='/']")) {
    link.setAttribute("href", withLang(link.getAttribute("href")));
  }
}

async function loadCatalog(code) {
  const response = await fetch(`/static/i18n/${code}.json`, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`catalog ${code}: ${response.status}`);
  return response.json();
}

async function start() {
  const code = chooseLanguage(location.search, location.hash, navigator.languages || []);
  let own = ENGLISH;
  try {
    if (code !== "en") own = await loadCatalog(code);
  } catch { /* the catalog could not be read: the page stays in English */ }
  useCatalog(own === ENGLISH ? "en" : code, own);
  document.documentElement.lang = code;
  translateDocument();
  bindMenu();
}

if (typeof document !== "undefined" && typeof location !== "undefined") await start();
