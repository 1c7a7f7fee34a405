import { describe, expect, test } from "vitest";
import { formatElapsed, formatFen, formatLocal, formatLocalTime, formatYuanInput, parseInstant, parseWhole, parseYuan, toHalfWidth } from "./format";

describe("formatFen", () => {
  const check = (fen: number, expected: string) => test(`${fen} → ${expected}`, () => expect(formatFen(fen)).toBe(expected));
  check(0, "¥0.00");
  check(5, "¥0.05");
  check(10, "¥0.10");
  check(99, "¥0.99");
  check(100, "¥1.00");
  check(101, "¥1.01");
  check(20050, "¥200.50");
  check(99999, "¥999.99");
  check(100000, "¥1,000.00");
  check(123450, "¥1,234.50");
  check(100000000, "¥1,000,000.00");
  check(123456789, "¥1,234,567.89");
  check(-5, "-¥0.05");
  check(-123450, "-¥1,234.50");
  check(Number.MAX_SAFE_INTEGER, "¥90,071,992,547,409.91");
  check(1.5, "—");
  check(Number.NaN, "—");
  check(Number.POSITIVE_INFINITY, "—");
});

describe("formatYuanInput", () => {
  const check = (fen: number, expected: string) => test(`${fen} → ${JSON.stringify(expected)}`, () => expect(formatYuanInput(fen)).toBe(expected));
  check(0, "0.00");
  check(5, "0.05");
  check(123450, "1234.50");
  check(Number.MAX_SAFE_INTEGER, "90071992547409.91");
  check(-5, "");
  check(1.5, "");
  test("reads back to the same fen", () => {
    for (const fen of [0, 1, 29, 110, 20050, 123456789]) expect(parseYuan(formatYuanInput(fen))).toBe(fen);
  });
});

describe("toHalfWidth", () => {
  test("full-width digits and point become ASCII; the rest stays", () => {
    expect(toHalfWidth("１２．５")).toBe("12.5");
    expect(toHalfWidth("2盒")).toBe("2盒");
  });
});

describe("parseYuan", () => {
  const check = (text: string, expected: number | null) =>
    test(`${JSON.stringify(text)} → ${expected}`, () => expect(parseYuan(text)).toBe(expected));
  check("0", 0);
  check("0.05", 5);
  check("12", 1200);
  check("12.5", 1250);
  check("12.50", 1250);
  check("200.50", 20050);
  check("0.1", 10);
  check("0.29", 29); // 0.29 * 100 is 28.999… as a float; parsed as digits it is 29
  check("1.1", 110);
  check("1,234.50", 123450);
  check("1,234,567.89", 123456789);
  check("¥12", 1200);
  check("￥12.30", 1230);
  check("¥ 5", 500);
  check("  7.5  ", 750);
  check("007", 700);
  check("１２．５０", 1250);
  check("90071992547409.91", 9007199254740991);
  check("90071992547409.92", null);
  check("", null);
  check("   ", null);
  check("¥", null);
  check("abc", null);
  check("12.505", null);
  check("12.", null);
  check(".5", null);
  check("-5", null);
  check("+5", null);
  check("1e3", null);
  check("1,23", null);
  check("12,34.5", null);
  check("1,2345", null);
  check("12 34", null);
  check("12.3.4", null);
  check("NaN", null);
  check("Infinity", null);
});

describe("parseWhole", () => {
  const check = (text: string, expected: number | null) =>
    test(`${JSON.stringify(text)} → ${expected}`, () => expect(parseWhole(text)).toBe(expected));
  check("35", 35);
  check(" 0 ", 0);
  check("３５", 35);
  check("007", 7);
  check("", null);
  check("3.5", null);
  check("-1", null);
  check("35岁", null);
  check("1e2", null);
});

describe("instants", () => {
  test("parses the core's microsecond stamps and offsets", () => {
    expect(parseInstant("2026-11-26T01:02:03.456789Z")).toBe(Date.UTC(2026, 10, 26, 1, 2, 3, 456));
    expect(parseInstant("2026-11-26T09:02:03+08:00")).toBe(Date.UTC(2026, 10, 26, 1, 2, 3));
    expect(parseInstant("2026-11-26T01:02Z")).toBe(Date.UTC(2026, 10, 26, 1, 2));
    expect(parseInstant("2026-11-25T20:00:00-05:30")).toBe(Date.UTC(2026, 10, 26, 1, 30));
    expect(parseInstant("yesterday")).toBeNull();
    expect(parseInstant("2026-11-26 01:02")).toBeNull();
  });

  // The test run pins TZ=Asia/Shanghai (UTC+8, no daylight saving), where the counters are.
  test("formatLocal shows local date and minutes", () => {
    expect(formatLocal("2026-11-26T01:02:03.456789Z")).toBe("2026-11-26 09:02");
    expect(formatLocal("2026-11-26T16:30:00Z")).toBe("2026-11-27 00:30");
    expect(formatLocal("2026-12-31T23:59:59.999999Z")).toBe("2027-01-01 07:59");
    expect(formatLocal("garbage")).toBe("");
  });

  test("formatLocalTime shows HH:MM", () => {
    expect(formatLocalTime("2026-11-26T01:02:03.456789Z")).toBe("09:02");
    expect(formatLocalTime("")).toBe("");
  });
});

describe("formatElapsed", () => {
  const from = "2026-11-26T00:30:00.000000Z";
  const start = Date.UTC(2026, 10, 26, 0, 30);
  const check = (minutes: number, zh: string, en: string) =>
    test(`${minutes} min → ${zh} / ${en}`, () => {
      const now = start + minutes * 60_000 + 59_000; // seconds never round up
      expect(formatElapsed(from, now)).toBe(zh);
      expect(formatElapsed(from, now, "en")).toBe(en);
    });
  check(0, "0分", "0m");
  check(5, "5分", "5m");
  check(59, "59分", "59m");
  check(60, "1小时00分", "1h 00m");
  check(65, "1小时05分", "1h 05m");
  check(125, "2小时05分", "2h 05m");
  check(26 * 60 + 7, "26小时07分", "26h 07m");

  test("a start in the future counts as zero", () => {
    expect(formatElapsed(from, start - 10 * 60_000)).toBe("0分");
  });
  test("an unreadable start shows nothing", () => {
    expect(formatElapsed("soon", start)).toBe("");
  });
});
