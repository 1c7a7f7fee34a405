//! The one place that turns fen and instants into text and typed yuan (and whole numbers)
//! back into numbers.
//! Money is an integer number of fen everywhere; nothing here uses fractional arithmetic
//! on money: fen are split with `%` and exact integer division, yuan are parsed as digits.
//! Instants arrive from the core as UTC RFC 3339 text and are shown in the station's local time.

import type { Lang } from "./i18n/catalog";

/** `123450` → `"¥1,234.50"`; negative amounts (differences) get a leading minus. */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) return "—";
  const [yuan, cents] = yuanAndCents(Math.abs(fen));
  return `${fen < 0 ? "-" : ""}¥${groupThousands(yuan)}.${cents}`;
}

/** `123450` → `"1234.50"`: the text a yuan input is preset with (the core's total in the
 *  cash field); `parseYuan` reads it back to the same fen. `""` for what is not an amount. */
export function formatYuanInput(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) return "";
  const [yuan, cents] = yuanAndCents(fen);
  return `${yuan}.${cents}`;
}

/** Whole yuan and two-digit fen of a non-negative amount, as digits. */
function yuanAndCents(abs: number): [string, string] {
  const cents = abs % 100;
  const yuan = (abs - cents) / 100; // exact: abs - cents is a multiple of 100
  return [String(yuan), String(cents).padStart(2, "0")];
}

function groupThousands(digits: string): string {
  const head = digits.length % 3 || 3;
  const groups = [digits.slice(0, head)];
  for (let i = head; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3));
  return groups.join(",");
}

const YUAN = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;

/**
 * What a person typed as yuan → integer fen, or `null` when it is not an amount.
 * Accepts `12`, `12.5`, `12.50`, `1,234.50`, `¥12` (and full-width digits from a Chinese
 * input method). No sign, at most two decimals.
 */
export function parseYuan(text: string): number | null {
  const plain = toHalfWidth(text).trim().replace(/^[¥￥]\s*/, "");
  const m = YUAN.exec(plain);
  if (!m) return null;
  const yuanDigits = m[1].replace(/,/g, "");
  const centDigits = (m[2] ?? "").padEnd(2, "0");
  const fen = Number(yuanDigits) * 100 + Number(centDigits);
  return Number.isSafeInteger(fen) ? fen : null;
}

/** A whole number a person typed (an age in years): `"35"` or `"３５"` → 35; `null` when it
 *  is not digits only. Whether it is plausible is for the core to say. */
export function parseWhole(text: string): number | null {
  const plain = toHalfWidth(text).trim();
  return /^\d{1,6}$/.test(plain) ? Number(plain) : null;
}

/** Full-width digits, point and comma (as a Chinese input method may type them) to ASCII;
 *  a typed quantity goes to the core like this, otherwise as typed. */
export function toHalfWidth(text: string): string {
  return text.replace(/[０-９．，]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Milliseconds since the epoch of an RFC 3339 instant, or `null`. Parsed by hand because
 * the core writes microseconds, which `Date.parse` is not required to accept.
 */
export function parseInstant(iso: string): number | null {
  const m = ISO.exec(iso.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = "0", frac = "", zone] = m;
  const ms = Number(frac.slice(0, 3).padEnd(3, "0"));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone === "Z") return utc;
  const offsetMinutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
  return utc - (zone[0] === "+" ? 1 : -1) * offsetMinutes * 60_000;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** `2026-11-26T01:02:03.456789Z` → `2026-11-26 09:02` (local time); `""` if unreadable. */
export function formatLocal(isoUtc: string): string {
  const ms = parseInstant(isoUtc);
  if (ms === null) return "";
  const t = new Date(ms);
  return `${t.getFullYear()}-${pad2(t.getMonth() + 1)}-${pad2(t.getDate())} ${formatClock(t)}`;
}

/** Local `HH:MM` of an instant, for "开班于 09:02"; `""` if unreadable. */
export function formatLocalTime(isoUtc: string): string {
  const ms = parseInstant(isoUtc);
  return ms === null ? "" : formatClock(new Date(ms));
}

function formatClock(t: Date): string {
  return `${pad2(t.getHours())}:${pad2(t.getMinutes())}`;
}

/**
 * Whole minutes from `fromIso` to `nowMs`: `1小时05分` / `1h 05m`, or `5分` / `5m` under an
 * hour. A start in the future (clock skew) counts as zero.
 */
export function formatElapsed(fromIso: string, nowMs: number, lang: Lang = "zh"): string {
  const from = parseInstant(fromIso);
  if (from === null) return "";
  const minutes = Math.max(0, Math.floor((nowMs - from) / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (lang === "en") return h > 0 ? `${h}h ${pad2(m)}m` : `${m}m`;
  return h > 0 ? `${h}小时${pad2(m)}分` : `${m}分`;
}
