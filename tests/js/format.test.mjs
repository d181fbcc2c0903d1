// static/js/format.js: one number form everywhere (7.2×10¹¹, 1×10⁻⁸), a non-zero number never 0.
import { test } from "node:test";
import assert from "node:assert/strict";
import { esc, exact, factor, fmt, fmtFixed, fmtLong, fmtTight, sci } from "../../static/js/format.js";

test("fmt: about three decimals, trailing zeros dropped, typographic minus", () => {
  assert.equal(fmt(0.19143), "0.191");
  assert.equal(fmt(-0.68765), "\u22120.688");
  assert.equal(fmt(0.5), "0.5");
  assert.equal(fmt(12.345), "12.35");
  assert.equal(fmt(123.45), "123.5");
  assert.equal(fmt(0), "0");
  assert.equal(fmt(-0.0001), "\u22121\u00d710\u207b\u2074");
  assert.equal(fmt(null), "\u2014");
});

test("huge and tiny numbers read as by hand, never JavaScript's 7.2e+11, never 0", () => {
  assert.equal(fmt(7.2e11), "7.2\u00d710\u00b9\u00b9");
  assert.equal(fmt(1e-8), "1\u00d710\u207b\u2078");
  assert.equal(fmt(2e36), "2\u00d710\u00b3\u2076");
  assert.equal(fmtTight(72000), "7\u00d710\u2074");
  assert.equal(fmtTight(9999), "9999");
  assert.equal(sci(-1e-8, 1), "\u22121\u00d710\u207b\u2078");
  for (const v of [1e-300, 5e-13, -3e-7]) assert.notEqual(fmt(v), "0");
  for (const v of [1e9, 2e18, 1e-8, 5e-13]) assert.doesNotMatch(fmt(v), /\de[+-]?\d/);
});

test("fmtLong keeps seven significant digits for the chain rule", () => {
  assert.equal(fmtLong(-0.687654321), "\u22120.6876543");
  assert.equal(fmtLong(0.85), "0.85");
  assert.equal(fmtLong(1e9), "1\u00d710\u2079");
  assert.equal(fmtLong(-0), "0");
});

test("tables, factors, edit fields and HTML escaping", () => {
  assert.equal(fmtFixed(0.8808), "0.8808");
  assert.equal(fmtFixed(-0.105), "\u22120.1050");
  assert.equal(fmtFixed(7.2e8 * 1e3), "7.2\u00d710\u00b9\u00b9");
  assert.equal(factor(-0.809), "(\u22120.809)");
  assert.equal(factor(0.85), "0.85");
  assert.equal(exact(1e-8), "1e-8");
  assert.equal(exact(NaN), "");
  assert.equal(esc(`<b a="1">&'`), "&#60;b a=&#34;1&#34;&#62;&#38;&#39;");
});
