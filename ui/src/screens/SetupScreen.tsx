//! 首次设置: hospital, station (a counter or a pharmacy), administrator. The PIN is typed twice and compared here,
//! before any call; then the station's key fingerprint is shown for people to keep, with an
//! offer to import the sample price list. The administrator is logged in by then, so
//! "继续" leads straight to the shell.

import { useEffect, useRef, useState } from "react";
import { api } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import type { ImportReportView } from "../bindings/ImportReportView";
import { CardPage } from "../components/CardPage";
import { ErrorText, errorIn } from "../components/ErrorText";
import { Field, PinField } from "../components/Field";
import { ImportSummary } from "../components/ImportReport";
import { KeyForm } from "../components/KeyForm";
import { KeySelect } from "../components/KeySelect";
import { useSubmit, type FieldFor } from "../hooks/useSubmit";
import { useT } from "../i18n";

const fieldFor: FieldFor = (code) => {
  if (code.startsWith("station_code")) return "code";
  if (code.startsWith("pin_")) return "adminPin";
  return undefined;
};

export function SetupScreen({ onDone }: { onDone: (status: AppStatus) => void }) {
  const t = useT();
  const [hospital, setHospital] = useState("");
  const [code, setCode] = useState("");
  const [stationName, setStationName] = useState("");
  const [adminName, setAdminName] = useState("");
  const [adminPin, setAdminPin] = useState("");
  const [adminPin2, setAdminPin2] = useState("");
  const [kind, setKind] = useState<"counter" | "pharmacy">("counter");
  const [created, setCreated] = useState<AppStatus | null>(null);
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);

  if (created?.station) return <SetupDone created={created} onCreated={setCreated} onDone={onDone} />;

  function submit() {
    if (adminPin !== adminPin2) {
      setAdminPin2("");
      setProblem({ key: "setup.pinMismatch", field: "adminPin2" });
      return;
    }
    void run(async () => {
      const input = { hospital, code, station_name: stationName, admin_name: adminName, admin_pin: adminPin, kind };
      setCreated(await api.setupStation(input));
    });
  }

  const err = (slot: string) => errorIn(problem, slot, "setup-error");
  return (
    <CardPage title={t("setup.title")} wide>
      <p className="muted">{t("setup.intro")}</p>
      <KeyForm onSubmit={submit} problem={problem} className="grid-form cols2">
        <Field name="hospital" className="span2" label={t("setup.hospital")} testId="setup-hospital" value={hospital} onChange={setHospital} autoFocus />
        <Field
          name="code"
          label={t("setup.code")}
          hint={t("setup.codeHint")}
          testId="setup-code"
          value={code}
          onChange={(v) => setCode(v.toUpperCase())}
          error={err("code")}
        />
        <Field
          name="stationName"
          label={t("setup.stationName")}
          hint={t("setup.stationNameHint")}
          testId="setup-station-name"
          value={stationName}
          onChange={setStationName}
        />
        <KeySelect
          name="kind"
          className="span2"
          label={t("setup.kind")}
          hint={t("setup.kindHint")}
          testId="setup-kind"
          value={kind}
          onChange={setKind}
          options={[
            { value: "counter", label: t("setup.kindCounter"), keys: ["C"] },
            { value: "pharmacy", label: t("setup.kindPharmacy"), keys: ["P"] },
          ]}
        />
        <Field name="adminName" className="span2" label={t("setup.adminName")} testId="setup-admin-name" value={adminName} onChange={setAdminName} />
        <PinField name="adminPin" label={t("setup.adminPin")} testId="setup-admin-pin" value={adminPin} onChange={setAdminPin} error={err("adminPin")} />
        <PinField name="adminPin2" label={t("setup.adminPin2")} testId="setup-admin-pin2" value={adminPin2} onChange={setAdminPin2} error={err("adminPin2")} />
        <div className="span2">{err("form")}</div>
        <button type="submit" className="primary" data-testid="setup-submit" disabled={pending}>
          {pending ? t("common.working") : t("setup.submit")}
        </button>
      </KeyForm>
    </CardPage>
  );
}

interface DoneProps {
  created: AppStatus;
  onCreated: (status: AppStatus) => void;
  onDone: (status: AppStatus) => void;
}

/** The fingerprint, then 继续 (focused) and 导入示例价目表 (Tab reaches it). */
function SetupDone({ created, onCreated, onDone }: DoneProps) {
  const t = useT();
  const [reports, setReports] = useState<ImportReportView[] | null>(null);
  const sample = useSubmit();
  const next = useRef<HTMLButtonElement>(null);
  /** A pharmacy has no price list: no sample to offer. */
  const pharmacy = created.station?.kind === "pharmacy";

  // Imported: the next keystroke is 继续 (it was disabled while the import ran).
  const imported = reports !== null && !sample.pending;
  useEffect(() => {
    if (imported) next.current?.focus();
  }, [imported]);

  function importSample() {
    void sample.run(async () => {
      setReports(await api.catalogImportSample());
      onCreated(await api.appStatus()); // the status bar should know the new price list
    });
  }

  return (
    <CardPage
      title={t("setup.doneTitle")}
      keys={[
        { key: "Enter", label: t("setup.continue") },
        { key: "Tab", label: t("fkey.tab") },
      ]}
    >
      <p>{t("setup.fingerprint")}</p>
      <p className="fingerprint" data-testid="setup-fingerprint">
        {created.station?.fingerprint}
      </p>
      <p className="muted">{t("setup.fingerprintHint")}</p>
      {pharmacy ? null : (
        <>
          <h2>{t("setup.catalogTitle")}</h2>
          {reports ? reports.map((r) => <ImportSummary key={r.sha256} report={r} />) : <p className="muted">{t("setup.catalogHint")}</p>}
        </>
      )}
      {sample.problem && <ErrorText problem={sample.problem} testId="setup-error" />}
      <div className="button-row">
        <button ref={next} type="button" className="primary" data-testid="setup-continue" autoFocus disabled={sample.pending} onClick={() => onDone(created)}>
          {t("setup.continue")}
        </button>
        {!pharmacy && (
          <button type="button" data-testid="setup-import-sample" disabled={sample.pending || reports !== null} onClick={importSample}>
            {sample.pending ? t("catalog.importing") : t("catalog.importSample")}
          </button>
        )}
      </div>
    </CardPage>
  );
}
