import { mockIPC } from "@tauri-apps/api/mocks";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { I18nProvider } from "./i18n";
import "./style.css";
import { catalogItem, catalogVersion, importReport, operator, status, activeOutage, openShiftView } from "./test/fixtures";

const q = new URLSearchParams(location.search);
const mode = q.get("mode") ?? "catalog";
const active = mode === "empty" ? null : catalogVersion();
const st = status({ operator: operator("王管理", "admin"), catalog: { active, stale: mode === "stale" }, outage: activeOutage(new Date(Date.now() - 3700e3).toISOString()), shift: openShiftView(20000) });
const items = [
  catalogItem("X0001", "注射用头孢呋辛钠", "12.5000", { spec: "0.75g" }),
  catalogItem("X0002", "注射用长春西汀", "0.0125", { spec: "10mg" }),
  catalogItem("X0003", "注射用重组人干扰素α2b", "245.80", { spec: "300万IU", category: "西药费" }),
  catalogItem("110200001", "普通门诊诊查费", "10.00", { unit: "次", category: "诊察费", is_drug: false }),
];
mockIPC((cmd) => {
  switch (cmd) {
    case "app_status": return st;
    case "catalog_versions": return active ? [active, catalogVersion({ id: "c0", month: "2026-10", file_name: "价目表2026-10.xlsx", items: 2990 })] : [];
    case "catalog_search": return items;
    case "catalog_preview": return importReport({ rows_read: 3012, good: 2998, duplicates: 4, problems: Array.from({ length: 10 }, (_, i) => ({ row: 40 + i * 17, code: `X00${40 + i}`, reason: "单价不是金额：“十二元”", reason_en: "The unit price is not an amount" })) });
    case "list_operators": return [operator()];
  }
  return null;
}, { shouldMockEvents: true });

createRoot(document.getElementById("root")!).render(<I18nProvider><App /></I18nProvider>);

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const key = (k: string, ctrl = false) => window.dispatchEvent(new KeyboardEvent("keydown", { key: k, ctrlKey: ctrl, bubbles: true }));
(async () => {
  await wait(200);
  if (mode === "help") { key("F1"); return; }
  if (mode === "home") return;
  key("p", true);
  await wait(200);
  if (q.get("file")) {
    const input = document.querySelector<HTMLInputElement>('[data-testid="catalog-file"]')!;
    const dt = new DataTransfer();
    dt.items.add(new File(["a,b"], "价目表2026-11.csv"));
    input.files = dt.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }
  if (q.get("search")) {
    const s = document.querySelector<HTMLInputElement>('[data-testid="item-search"]')!;
    s.focus();
    const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!;
    set.call(s, "zs");
    s.dispatchEvent(new Event("input", { bubbles: true }));
    await wait(100);
    s.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
  }
})();
