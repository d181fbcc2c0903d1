// static/i18n/<lang>.json and static/js/i18n.js: every key in every language, nothing empty,
// the same {placeholders} and HTML tags everywhere, every key the code asks for defined, and
// numbers written with the language's decimal separator.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LANGUAGES, chooseLanguage, t, tn, useCatalog } from "../../static/js/i18n.js";
import { fmt, fmtFixed, fmtLong, sci, setDecimal } from "../../static/js/format.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const load = (lang) => JSON.parse(readFileSync(`${ROOT}static/i18n/${lang}.json`, "utf8"));
const CATALOGS = Object.fromEntries(LANGUAGES.map((lang) => [lang, load(lang)]));
const EN = CATALOGS.en;
const PLURAL = /\.(zero|one|two|few|many|other)$/;

const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const tags = (text) => [...text.matchAll(/<\/?([a-z]+)[^>]*>/g)].map((m) => m[0].replace(/\s.*>$/, ">")).sort();
/** The plural forms a language needs for whole numbers (Russian: one, few, many). */
const formsOf = (lang) => {
  const rules = new Intl.PluralRules(lang);
  return new Set(Array.from({ length: 1001 }, (_, n) => rules.select(n)));
};

test("the catalogs are the five languages of the source articles", () => {
  assert.deepEqual(readdirSync(`${ROOT}static/i18n`).sort(), ["de.json", "en.json", "fr.json", "ro.json", "ru.json"]);
  for (const lang of LANGUAGES) assert.ok(Object.keys(CATALOGS[lang]).length > 300, lang);
});

test("every key exists in every language, with no empty value and no extra key", () => {
  const base = (key) => key.replace(PLURAL, "");
  const enKeys = new Set(Object.keys(EN).map(base));
  for (const lang of LANGUAGES) {
    const own = CATALOGS[lang];
    const keys = new Set(Object.keys(own).map(base));
    assert.deepEqual([...enKeys].filter((k) => !keys.has(k)), [], `${lang} lacks these keys`);
    assert.deepEqual([...keys].filter((k) => !enKeys.has(k)), [], `${lang} has keys English lacks`);
    for (const [key, value] of Object.entries(own)) {
      assert.equal(typeof value, "string", `${lang} ${key}`);
      assert.ok(value.trim().length > 0, `${lang} ${key} is empty`);
    }
  }
});

test("counted texts have every plural form the language needs", () => {
  const counted = new Set(Object.keys(EN).filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, "")));
  assert.ok(counted.size >= 4);
  for (const lang of LANGUAGES) {
    for (const key of counted) {
      for (const form of formsOf(lang)) assert.ok(`${key}.${form}` in CATALOGS[lang], `${lang} ${key}.${form}`);
    }
  }
});

test("placeholders and HTML tags match English in every language", () => {
  for (const lang of LANGUAGES) {
    for (const [key, value] of Object.entries(CATALOGS[lang])) {
      const english = EN[key] ?? EN[key.replace(PLURAL, ".other")];
      assert.deepEqual(placeholders(value), placeholders(english), `${lang} ${key}: ${value}`);
      assert.deepEqual(tags(value), tags(english), `${lang} ${key}: ${value}`);
    }
  }
});

test("translations are translated: the field's own terms, decimal commas", () => {
  assert.equal(EN["number.decimal"], ".");
  for (const lang of ["fr", "de", "ro", "ru"]) {
    assert.equal(CATALOGS[lang]["number.decimal"], ",", lang);
    assert.notEqual(CATALOGS[lang]["toolbar.forward"], EN["toolbar.forward"], lang);
    assert.notEqual(CATALOGS[lang]["narrate.update"], EN["narrate.update"], lang);
  }
  const all = (lang) => Object.values(CATALOGS[lang]).join(" ");
  assert.match(all("fr"), /rétropropagation/i);
  assert.match(all("de"), /Backpropagation|Rückwärtspropagierung/);
  assert.match(all("ro"), /retropropagare/i);
  assert.match(all("ru"), /обратное распространение ошибки/i);
  assert.doesNotMatch(Object.values(CATALOGS.ru).join(" "), /\b(the|and|of|with|is)\b/);
});

/** Every literal key the code and the templates ask for. */
function keysInSource() {
  const files = [];
  for (const dir of ["static/js", "static/js/circuit"]) {
    for (const name of readdirSync(`${ROOT}${dir}`)) if (name.endsWith(".js")) files.push(`${dir}/${name}`);
  }
  for (const name of readdirSync(`${ROOT}templates`)) files.push(`templates/${name}`);
  const keys = new Set();
  for (const file of files) {
    const text = readFileSync(`${ROOT}${file}`, "utf8");
    for (const m of text.matchAll(/\bt\(\s*"([a-z_]+\.[a-z0-9_.]+)"/g)) keys.add(m[1]);
    for (const m of text.matchAll(/\btn\(\s*"([a-z_]+\.[a-z0-9_.]+)"/g)) keys.add(`${m[1]}.other`);
    for (const m of text.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"/g)) keys.add(m[1]);
  }
  return keys;
}

test("every key the pages ask for is in the English catalog", () => {
  const keys = keysInSource();
  assert.ok(keys.size > 150, `only ${keys.size} keys found`);
  assert.deepEqual([...keys].filter((k) => !(k in EN)).sort(), []);
});

test("the language: ?lang= first, then the browser's languages, else English", () => {
  assert.equal(chooseLanguage("?lang=ru", "", ["fr-FR"]), "ru");
  assert.equal(chooseLanguage("", "#preset=xor&lang=de", []), "de");
  assert.equal(chooseLanguage("", "", ["fr-CA", "en"]), "fr");
  assert.equal(chooseLanguage("?lang=xx", "", ["it", "ro-RO"]), "ro");
  assert.equal(chooseLanguage("", "", ["it", "es"]), "en");
  assert.equal(chooseLanguage("?lang=DE", "", []), "de");
});

test("t fills placeholders, tn picks the plural form, numbers follow the catalog", () => {
  try {
    useCatalog("ru", CATALOGS.ru, EN);
    assert.equal(tn("circuit.gates", 1), "1 вентиль");
    assert.equal(tn("circuit.gates", 3), "3 вентиля");
    assert.equal(tn("circuit.gates", 5), "5 вентилей");
    assert.equal(t("status.step", { step: 4 }), "шаг 4");
    assert.equal(fmt(0.19143), "0,191");
    assert.equal(fmt(-0.68765), "\u22120,688");
    assert.equal(fmtLong(-0.68765), "\u22120,68765");
    assert.equal(fmtFixed(0.8808, 4), "0,8808");
    assert.equal(sci(7.21e11, 1), "7,2\u00d710\u00b9\u00b9");
    assert.equal(t("no.such.key"), "no.such.key");
    useCatalog("fr", CATALOGS.fr, EN);
    assert.equal(fmt(0.191), "0,191");
    assert.equal(tn("circuit.wires", 1), "1 fil");
    useCatalog("en", EN, EN);
    assert.equal(fmt(0.19143), "0.191");
    assert.equal(tn("circuit.gates", 1), "1 gate");
  } finally {
    useCatalog("en", EN, EN);
    setDecimal(".");
  }
});
