//! 价目表 (Ctrl+P): the version in use (and whether it is old), importing a new one, the
//! versions imported so far, and a price lookup with the picker the charging screens use.
//! The focus starts in the lookup, or on the file input while there is no price list.

import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import type { CatalogItemView } from "../bindings/CatalogItemView";
import type { CatalogStatusView } from "../bindings/CatalogStatusView";
import type { CatalogVersionView } from "../bindings/CatalogVersionView";
import { ErrorText } from "../components/ErrorText";
import { ItemPicker, priceText } from "../components/ItemPicker";
import { formatLocal } from "../format";
import { useSubmit } from "../hooks/useSubmit";
import { useT, type MsgKey } from "../i18n";
import { CatalogImport } from "./CatalogImport";

/** Keys this screen adds to the shell's, for the key bar and the F1 help. */
export const CATALOG_KEYS: { key: string; label: MsgKey }[] = [
  { key: "↑ ↓", label: "fkey.move" },
  { key: "Enter", label: "fkey.pick" },
  { key: "Tab", label: "fkey.tab" },
  { key: "Esc", label: "fkey.home" },
];

interface Props {
  status: AppStatus;
  onStatus: (s: AppStatus) => void;
}

export function CatalogScreen({ status, onStatus }: Props) {
  const t = useT();
  const search = useRef<HTMLInputElement>(null);
  const fileInput = useRef<HTMLButtonElement>(null);
  const [versions, setVersions] = useState<CatalogVersionView[] | null>(null);
  const [picked, setPicked] = useState<CatalogItemView | null>(null);
  const list = useSubmit();
  const refresh = useSubmit();
  const loadVersions = useCallback(() => list.run(async () => setVersions(await api.catalogVersions())), [list.run]);
  useEffect(() => {
    void loadVersions();
  }, [loadVersions]);

  const activeId = status.catalog.active?.id ?? null;
  useEffect(() => {
    (activeId ? search.current : fileInput.current)?.focus();
  }, [activeId]);

  function imported() {
    void loadVersions();
    // The status bar and the picker learn about the new version from the core.
    void refresh.run(async () => onStatus(await api.appStatus()));
  }

  return (
    <main className="screen" data-testid="catalog-screen">
      <h1>{t("catalog.title")}</h1>
      <ActiveVersion catalog={status.catalog} />
      {refresh.problem && <ErrorText problem={refresh.problem} testId="catalog-refresh-error" />}
      <div className="catalog-cols">
        <div className="catalog-col">
          <CatalogImport onImported={imported} fileRef={fileInput} />
          <section className="panel">
            <h2>{t("catalog.versionsTitle")}</h2>
            {list.problem && <ErrorText problem={list.problem} testId="catalog-versions-error" />}
            {versions && <Versions versions={versions} inForce={status.catalog.parts.map((p) => p.id)} onActivated={imported} />}
          </section>
        </div>
        <section className="panel lookup">
          <h2>{t("catalog.lookupTitle")}</h2>
          <p className="field-hint">{t("catalog.lookupHint")}</p>
          <ItemPicker
            ref={search}
            catalog={status.catalog}
            onPick={(item) => {
              setPicked(item);
              search.current?.focus();
            }}
          />
          {picked && <PickedItem item={picked} />}
        </section>
      </div>
    </main>
  );
}

function ActiveVersion({ catalog }: { catalog: CatalogStatusView }) {
  const t = useT();
  const v = catalog.active;
  const several = catalog.parts.length > 1;
  return (
    <div className={`catalog-active ${v && several ? "several" : ""}`} data-testid="catalog-active">
      {v ? (
        <>
          <p className="big-text">{several ? t("catalog.activeParts", { parts: catalog.parts.length, items: catalog.items }) : t("catalog.active", { month: v.month, items: v.items })}</p>
          {several ? (
            <ul className="catalog-parts" data-testid="catalog-parts">
              {catalog.parts.map((p) => (
                <li key={p.id}>{t("catalog.partLine", { part: p.part || t("catalog.wholeList"), month: p.month, items: p.items, file: p.file_name })}</li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t("catalog.activeFile", { file: v.file_name, by: v.imported_by, time: formatLocal(v.imported_at) })}</p>
          )}
        </>
      ) : (
        <p className="big-text">{t("catalog.none")}</p>
      )}
      {catalog.stale && (
        <p className="warn" role="alert" data-testid="catalog-stale">
          {t("catalog.stale")}
        </p>
      )}
    </div>
  );
}

/** Every version imported; one not in force can be put back (重新启用), a shrink by more than
 *  half after a second, explicit confirmation that shows both counts. */
function Versions({ versions, inForce, onActivated }: { versions: CatalogVersionView[]; inForce: string[]; onActivated: () => void }) {
  const t = useT();
  const activating = useSubmit();
  const [shrinking, setShrinking] = useState<string | null>(null);
  if (versions.length === 0) return <p className="muted" data-testid="catalog-versions">{t("catalog.versionsEmpty")}</p>;
  function activate(id: string, confirmShrink: boolean) {
    void activating
      .run(async () => {
        await api.catalogActivate(id, confirmShrink);
        setShrinking(null);
        onActivated();
      })
      .then((e) => setShrinking(e?.code === "catalog_shrink_unconfirmed" ? id : null));
  }
  return (
    <>
      <table className="table" data-testid="catalog-versions">
        <thead>
          <tr>
            <th>{t("catalog.colMonth")}</th>
            <th>{t("catalog.colPart")}</th>
            <th>{t("catalog.colFile")}</th>
            <th className="num">{t("catalog.colItems")}</th>
            <th>{t("catalog.colBy")}</th>
            <th>{t("catalog.colAt")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => {
            const used = inForce.includes(v.id);
            return (
              <tr key={v.id} className={used ? "in-use" : undefined} data-testid="catalog-version">
                <td>
                  {v.month} {used && <span className="tag">{t("catalog.inUse")}</span>}
                </td>
                <td>{v.part || t("catalog.wholeList")}</td>
                <td className="file-name">{v.file_name}</td>
                <td className="num">{v.items}</td>
                <td>{v.imported_by}</td>
                <td>{formatLocal(v.imported_at)}</td>
                <td>
                  {!used && (
                    <button type="button" className="quiet" data-testid="catalog-activate" disabled={activating.pending} onClick={() => activate(v.id, shrinking === v.id)}>
                      {shrinking === v.id ? t("catalog.activateShrink") : t("catalog.activate")}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {activating.problem && <ErrorText problem={activating.problem} testId="catalog-activate-error" />}
    </>
  );
}

function PickedItem({ item }: { item: CatalogItemView }) {
  const t = useT();
  const rows: [MsgKey, string][] = [
    ["picker.code", item.code],
    ["picker.spec", item.spec],
    ["picker.unit", item.unit],
    ["picker.category", item.category],
    ["picker.insurance", item.insurance_class],
  ];
  return (
    <div className="picked" data-testid="item-picked" role="status">
      <p className="picked-name">
        {item.name} {item.is_drug && <span className="tag">{t("picker.drug")}</span>}
      </p>
      <p className="picked-price">
        {priceText(item)}
        {item.unit && <span className="muted"> / {item.unit}</span>}
      </p>
      <dl>
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{t(label)}</dt>
            <dd>{value || "—"}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
