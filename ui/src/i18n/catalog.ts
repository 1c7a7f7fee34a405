//! The message catalogs and the one interpolation rule: `{name}` is replaced by `vars.name`.

import { zh } from "./zh";
import { en } from "./en";

export type Lang = "zh" | "en";
export type MsgKey = keyof typeof zh;
export type Catalog = Record<MsgKey, string>;
export type Vars = Record<string, string | number>;

export const catalogs: Record<Lang, Catalog> = { zh, en };

export function translate(lang: Lang, key: MsgKey, vars?: Vars): string {
  const text = catalogs[lang][key];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
