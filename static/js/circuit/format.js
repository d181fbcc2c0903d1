// The circuit page uses the network page's formatter (one place for "−" and rounding).

export { fmtFixed as fmt } from "../format.js";
