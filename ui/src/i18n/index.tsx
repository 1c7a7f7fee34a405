//! Language context: Simplified Chinese by default, English on request (Ctrl+L or the
//! status-bar button); the choice is remembered on this computer.

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import type { FeeCategory } from "../bindings/FeeCategory";
import type { Role } from "../bindings/Role";
import { translate, type Lang, type MsgKey, type Vars } from "./catalog";

export type { Lang, MsgKey } from "./catalog";
export type T = (key: MsgKey, vars?: Vars) => string;

const STORAGE_KEY = "downtime-desk.lang";

interface LangState {
  lang: Lang;
  toggle: () => void;
}

const LangContext = createContext<LangState>({ lang: "zh", toggle: () => {} });

function storedLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "zh";
  } catch {
    return "zh";
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLang] = useState<Lang>(storedLang);
  const toggle = useCallback(() => {
    setLang((old) => {
      const next = old === "zh" ? "en" : "zh";
      try {
        localStorage.setItem(STORAGE_KEY, next);
      } catch {
        // A locked-down profile without storage still switches for this session.
      }
      return next;
    });
  }, []);
  useEffect(() => {
    // Lets the platform pick CJK glyph shapes for Simplified Chinese.
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  }, [lang]);
  const value = useMemo(() => ({ lang, toggle }), [lang, toggle]);
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

export function useLang(): LangState {
  return useContext(LangContext);
}

export function useT(): T {
  const { lang } = useLang();
  return useCallback((key: MsgKey, vars?: Vars) => translate(lang, key, vars), [lang]);
}

/** Catalog key of a role's label (收费员, 主管, …). */
export function roleKey(role: Role): MsgKey {
  return `role.${role}`;
}

/** Catalog key of a receipt fee category's label (诊查费, 西药费, …). */
export function feeCategoryKey(c: FeeCategory): MsgKey {
  return `feeCat.${c}`;
}
