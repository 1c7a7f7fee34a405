import { describe, expect, test } from "vitest";
import { catalogs, translate } from "./catalog";
import { en } from "./en";
import { zh } from "./zh";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("catalogs", () => {
  test("zh and en have exactly the same keys", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
  });

  test("no message is empty", () => {
    for (const catalog of Object.values(catalogs)) {
      for (const [key, text] of Object.entries(catalog)) expect(text.trim(), key).not.toBe("");
    }
  });

  test("both languages use the same placeholders", () => {
    for (const key of Object.keys(zh) as (keyof typeof zh)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(zh[key]));
    }
  });

  test("role labels are the ones staff use", () => {
    expect([zh["role.cashier"], zh["role.admissions"], zh["role.supervisor"], zh["role.finance"], zh["role.admin"]]).toEqual([
      "收费员",
      "住院处",
      "主管",
      "财务",
      "管理员",
    ]);
  });
});

describe("translate", () => {
  test("fills placeholders", () => {
    expect(translate("zh", "status.shiftOpen", { time: "09:02", float: "¥200.00" })).toBe("开班于 09:02 备用金 ¥200.00");
    expect(translate("en", "status.shiftOpen", { time: "09:02", float: "¥200.00" })).toBe("Shift since 09:02, float ¥200.00");
  });
  test("leaves an unknown placeholder visible rather than blank", () => {
    expect(translate("zh", "status.downAt", {})).toBe("停机于 {time}");
  });
});
